package dev.flinkresilience.operator.model;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Flink's verdict on a job's spec, remembered until the spec changes. {@link DesiredState#check}
 * asks Flink's own factory to render the whole cluster, since only Flink knows every way its
 * configuration can be wrong; done on every pass, that was a third of the operator's CPU at 1,000
 * jobs (issue 14). The verdict depends only on the job's name, namespace and spec, so it is kept
 * per job under a digest of those; one entry per job, dropped when the job is. The spec's {@link
 * SpecHash} is kept with it for the same reason (2% of the CPU at 1,000 jobs, hashed every pass).
 */
public final class FlinkVerdicts {
  /**
   * The digest of what was judged, Flink's refusal ({@code null}: accepted) and the spec's hash
   * ({@code null} until asked).
   */
  private record Verdict(String digest, String refusal, String specHash) {}

  private final Map<String, Verdict> byJob = new ConcurrentHashMap<>();

  /** Flink's refusal of the job's spec, rendering only if the spec changed since last asked. */
  Optional<String> refusal(FlinkResilientJob job, Supplier<Optional<String>> render) {
    String key = key(job);
    String digest = digest(job);
    Verdict known = byJob.get(key);
    if (known != null && known.digest().equals(digest)) {
      return Optional.ofNullable(known.refusal());
    }
    Optional<String> refusal = render.get();
    byJob.put(key, new Verdict(digest, refusal.orElse(null), null));
    return refusal;
  }

  /** {@link SpecHash#of} the job's spec, computed again only when the spec changed. */
  String specHash(FlinkResilientJob job) {
    String key = key(job);
    String digest = digest(job);
    Verdict known = byJob.get(key);
    if (known != null && known.digest().equals(digest) && known.specHash() != null) {
      return known.specHash();
    }
    String hash = SpecHash.of(job.getSpec());
    if (known != null && known.digest().equals(digest)) {
      byJob.put(key, new Verdict(digest, known.refusal(), hash));
    }
    return hash;
  }

  public void forget(String namespace, String name) {
    byJob.remove(namespace + "/" + name);
  }

  int size() {
    return byJob.size();
  }

  private static String key(FlinkResilientJob job) {
    return job.getMetadata().getNamespace() + "/" + job.getMetadata().getName();
  }

  private static String digest(FlinkResilientJob job) {
    try {
      byte[] spec = Serialization.asJson(job.getSpec()).getBytes(StandardCharsets.UTF_8);
      return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(spec));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
