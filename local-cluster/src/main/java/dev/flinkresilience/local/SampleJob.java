package dev.flinkresilience.local;

import dev.flinkresilience.local.storage.StorageLayout;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.FlinkVersion;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sample {@code FlinkResilientJob} (resource {@code local/sequence-job.yaml}) for one run: the
 * sequence job of the {@code sample-job} module, its output in the run's state directory, its
 * checkpoints, savepoints and HA data there too ({@code file://}) or on the local cluster's S3, and
 * the chosen HA.
 */
public final class SampleJob {
  /** Which HA the job uses. */
  public enum Ha {
    NONE,
    KUBERNETES,
    ZOOKEEPER
  }

  /**
   * Which Flink the job runs on: its image and {@code spec.flinkVersion}. The local cluster runs a
   * {@code flink:1.20} image on Flink 1.20's own runtime and the sample job built for it (module
   * {@code flink-1.20}), any other on the build's Flink (2.3).
   */
  public enum Flink {
    V2_3(FlinkVersion.V2_3, "flink:2.3.0-java17"),
    V1_20(FlinkVersion.V1_20, "flink:1.20-java17");

    private final FlinkVersion version;
    private final String image;

    Flink(FlinkVersion version, String image) {
      this.version = version;
      this.image = image;
    }

    public FlinkVersion version() {
      return version;
    }

    public String image() {
      return image;
    }

    /** {@code 1.20} or {@code 2.3}, as {@code spec.flinkVersion} spells it. */
    public static Flink of(String version) {
      for (Flink f : values()) {
        if (f.version.value().equals(version.trim())) {
          return f;
        }
      }
      throw new IllegalArgumentException(
          "Flink " + version + ": the local cluster runs 1.20 and 2.3");
    }

    @Override
    public String toString() {
      return version.value();
    }
  }

  private final Map<String, String> values = new LinkedHashMap<>();
  private final Path dir;
  private Flink flink;
  private StorageLayout storage = StorageLayout.file();
  private Ha ha = Ha.NONE;
  private String zookeeperQuorum;
  private Duration leaderRetryPeriod;

  private SampleJob(String namespace, String name, Path dir) {
    values.put("NAMESPACE", namespace);
    values.put("NAME", name);
    values.put("OUTPUT", dir.resolve("output").toString());
    values.put("RATE", "20");
    values.put("UPGRADE_MODE", "savepoint");
    values.put("EXTRA_ARGS", "");
    values.put("CHECKPOINT_INTERVAL", "5s");
    values.put("NODE_LOST_AFTER", "20s");
    values.put("NODE_SUSPECT_AFTER", "12s");
    values.put("MAX_REDEPLOYS", "5");
    values.put("BAD_NODE_FAILURES", "3");
    values.put("STUCK_AFTER", "5m");
    values.put("JM_REPLICAS", "1");
    values.put("POD_TEMPLATE", "");
    this.dir = dir;
    flink(Flink.V2_3);
  }

  /** The job {@code namespace/name}, with checkpoints and output under {@code dir}. */
  public static SampleJob of(String namespace, String name, Path dir) {
    return new SampleJob(namespace, name, dir);
  }

  public SampleJob ha(Ha ha, String zookeeperQuorum) {
    this.ha = ha;
    this.zookeeperQuorum = zookeeperQuorum;
    return this;
  }

  /**
   * Where its checkpoints, savepoints and HA data go: {@code file://} (the default) or the local
   * cluster's S3 ({@code S3Server#layout}).
   */
  public SampleJob storage(StorageLayout storage) {
    this.storage = storage;
    return this;
  }

  public StorageLayout storage() {
    return storage;
  }

  private String haBlock() {
    String dir = storage.uri(storage.storageDir(this.dir).resolve("ha"));
    return switch (ha) {
      case NONE -> "{type: none}";
      case KUBERNETES ->
          "{type: kubernetes, storageDir: \""
              + dir
              + "\""
              + (leaderRetryPeriod == null
                  ? ""
                  : ", kubernetes: {retryPeriod: " + duration(leaderRetryPeriod) + "}")
              + "}";
      case ZOOKEEPER ->
          "{type: zookeeper, storageDir: \""
              + dir
              + "\", zookeeper: {quorum: \""
              + zookeeperQuorum
              + "\"}}";
    };
  }

  public SampleJob flink(Flink flink) {
    this.flink = flink;
    values.put("IMAGE", flink.image());
    values.put("FLINK_VERSION", flink.version().value());
    return this;
  }

  /**
   * The output directory as a hostPath volume of the JobManager and TaskManager pods, at the same
   * path: for pods that are containers on real nodes (whose mount namespace shows this machine's
   * files), so that the output check reads what the sink committed. The directory is created here,
   * writable for the image's user (9999). Needs a pod security level that allows hostPath
   * (privileged).
   */
  public SampleJob outputOnHostPath() {
    Path output = output();
    try {
      java.nio.file.Files.createDirectories(output);
      java.nio.file.Files.setPosixFilePermissions(
          output, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    values.put(
        "POD_TEMPLATE",
        "\n    podTemplate: {spec: {containers: [{name: flink-main-container, volumeMounts:"
            + " [{name: output, mountPath: \""
            + output
            + "\"}]}], volumes: [{name: output, hostPath: {path: \""
            + output
            + "\", type: Directory}}]}}");
    return this;
  }

  /** {@code job.upgradeMode}: savepoint (the default), last-state or stateless. */
  public SampleJob upgradeMode(String mode) {
    values.put("UPGRADE_MODE", mode);
    return this;
  }

  public SampleJob checkpointInterval(Duration interval) {
    values.put("CHECKPOINT_INTERVAL", duration(interval));
    return this;
  }

  public SampleJob nodeLostAfter(Duration after) {
    values.put("NODE_LOST_AFTER", duration(after));
    return this;
  }

  private static String duration(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  /** How long the job may be RESTARTING, or its JobManager unreachable, before a redeploy. */
  /** {@code recovery.nodeSuspectAfter}; zero turns the corroborated detection off. */
  public SampleJob nodeSuspectAfter(Duration after) {
    values.put("NODE_SUSPECT_AFTER", after.isZero() ? "0s" : duration(after));
    return this;
  }

  /**
   * {@code highAvailability.kubernetes.retryPeriod} (Kubernetes HA): how often a standby tries to
   * take the leadership over; unset, Flink's 5 s.
   */
  public SampleJob leaderRetryPeriod(Duration period) {
    this.leaderRetryPeriod = period;
    return this;
  }

  /** {@code jobManager.replicas}: above 1, standby JobManagers (HA only). */
  public SampleJob jobManagerReplicas(int replicas) {
    values.put("JM_REPLICAS", Integer.toString(replicas));
    return this;
  }

  public SampleJob stuckRestartingAfter(Duration after) {
    values.put("STUCK_AFTER", duration(after));
    return this;
  }

  /** Redeploys allowed within the budget window (an hour). */
  public SampleJob maxRedeploys(int redeploys) {
    values.put("MAX_REDEPLOYS", Integer.toString(redeploys));
    return this;
  }

  /** Failures of the job's pods on one node (within 30 min) after which deployments avoid it. */
  public SampleJob avoidBadNodesAfter(int failures) {
    values.put("BAD_NODE_FAILURES", Integer.toString(failures));
    return this;
  }

  /** Every record throws: a job that can never run. */
  public SampleJob failAlways() {
    values.put("EXTRA_ARGS", ", \"--fail-always\"");
    return this;
  }

  public Flink flink() {
    return flink;
  }

  public Path output() {
    return Path.of(values.get("OUTPUT"));
  }

  /**
   * Where Flink writes the job's checkpoints ({@code <dir>/<job id>/chk-N}), as a file on this
   * machine (on S3, the file S3Proxy keeps for the object).
   */
  public Path checkpoints() {
    return storage.storageDir(dir).resolve("checkpoints");
  }

  /**
   * Where Flink writes the job's savepoints ({@code checkpointing.savepointDirectory}): the stops
   * of planned restarts, and savepoints on demand or on a schedule.
   */
  public Path savepoints() {
    return storage.storageDir(dir).resolve("savepoints");
  }

  public String namespace() {
    return values.get("NAMESPACE");
  }

  public String name() {
    return values.get("NAME");
  }

  /** The YAML a user would {@code kubectl apply}. */
  public String yaml() {
    try (InputStream in = SampleJob.class.getResourceAsStream("/local/sequence-job.yaml")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      Map<String, String> all = new LinkedHashMap<>(values);
      all.put("CHECKPOINTS", storage.uri(checkpoints()));
      all.put("SAVEPOINTS", storage.uri(savepoints()));
      all.put("HA", haBlock());
      StringBuilder config = new StringBuilder();
      storage
          .flinkConfiguration()
          .forEach(
              (k, v) -> config.append("    ").append(k).append(": \"").append(v).append("\"\n"));
      all.put("STORAGE_CONFIG", config.toString());
      for (var e : all.entrySet()) {
        text = text.replace("${" + e.getKey() + "}", e.getValue());
      }
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public FlinkResilientJob resource() {
    return Serialization.unmarshal(yaml(), FlinkResilientJob.class);
  }
}
