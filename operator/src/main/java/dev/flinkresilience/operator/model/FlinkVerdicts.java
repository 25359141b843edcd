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
   * The digest of what was judged, the revision it was judged at (uid and generation: an API server
   * raises a custom resource's generation on every change of its spec, so the same pair means the
   * same spec and the digest need not be taken again; 2% of the CPU at 1,000 jobs, twice a pass),
   * Flink's refusal ({@code null}: accepted) and the spec's hash ({@code null} until asked).
   */
  private record Verdict(
      String digest, String uid, Long generation, String refusal, String specHash) {
    boolean judged(FlinkResilientJob job) {
      var meta = job.getMetadata();
      return generation != null
          && generation.equals(meta.getGeneration())
          && uid != null
          && uid.equals(meta.getUid());
    }

    Verdict at(FlinkResilientJob job) {
      var meta = job.getMetadata();
      return new Verdict(digest, meta.getUid(), meta.getGeneration(), refusal, specHash);
    }
  }

  private final Map<String, Verdict> byJob = new ConcurrentHashMap<>();

  /** Flink's refusal of the job's spec, rendering only if the spec changed since last asked. */
  Optional<String> refusal(FlinkResilientJob job, Supplier<Optional<String>> render) {
    Verdict known = current(job);
    if (known != null) {
      return Optional.ofNullable(known.refusal());
    }
    var meta = job.getMetadata();
    Optional<String> refusal = render.get();
    byJob.put(
        key(job),
        new Verdict(digest(job), meta.getUid(), meta.getGeneration(), refusal.orElse(null), null));
    return refusal;
  }

  /** {@link SpecHash#of} the job's spec, computed again only when the spec changed. */
  String specHash(FlinkResilientJob job) {
    Verdict known = current(job);
    if (known != null && known.specHash() != null) {
      return known.specHash();
    }
    String hash = SpecHash.of(job.getSpec());
    if (known != null) {
      byJob.put(
          key(job),
          new Verdict(known.digest(), known.uid(), known.generation(), known.refusal(), hash));
    }
    return hash;
  }

  /**
   * The verdict on the job's spec as it is now, or null: known by its revision, or else by the
   * digest of its spec (a revision the verdict was not taken at, with the same spec: the digest
   * then is the one taken, and the revision is remembered).
   */
  private Verdict current(FlinkResilientJob job) {
    String key = key(job);
    Verdict known = byJob.get(key);
    if (known == null) {
      return null;
    }
    if (known.judged(job)) {
      return known;
    }
    if (!known.digest().equals(digest(job))) {
      return null;
    }
    Verdict now = known.at(job);
    byJob.put(key, now);
    return now;
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
