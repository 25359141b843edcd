package dev.flinkresilience.operator.render;

import java.util.List;
import java.util.Optional;

/**
 * Flink configuration keys the operator renders from typed spec fields. A user may not set them in
 * {@code spec.flinkConfiguration}: the typed field is the one place for them, and a second source
 * would silently lose to one or the other. Old (pre-1.20) spellings are owned too, so they cannot
 * slip past under their former name.
 */
public final class OwnedKeys {
  /** Key (or key prefix ending in '.') and the spec field that sets it. */
  private record Owner(String key, String field) {
    boolean owns(String candidate) {
      return key.endsWith(".") ? candidate.startsWith(key) : candidate.equals(key);
    }
  }

  /** Owner texts starting with this are reasons for a refusal, not the field to use instead. */
  public static final String REFUSED = "refused: ";

  /** Keys that make Flink's client side, the operator's JVM, read the operator's own files. */
  static final String OPERATOR_LOCAL =
      REFUSED
          + "Flink would read it from the operator's own filesystem or environment, not the"
          + " job's; mount the file from a ConfigMap or Secret through"
          + " spec.jobManager.podTemplate and spec.taskManager.podTemplate instead";

  private static final List<Owner> OWNERS =
      List.of(
          new Owner("$internal.", "(operator internal)"),
          new Owner("execution.target", "(always kubernetes-application)"),
          new Owner(
              "execution.shutdown-on-application-finish",
              "(always false: the JobManager stays to report a stop's savepoint)"),
          new Owner(
              "execution.submit-failed-job-on-application-error",
              "(always true: a failing main() is reported as a FAILED job)"),
          new Owner("kubernetes.cluster-id", "metadata.name"),
          new Owner("kubernetes.namespace", "metadata.namespace"),
          new Owner("kubernetes.container.image", "spec.image"),
          new Owner("kubernetes.container.image.ref", "spec.image"),
          new Owner("kubernetes.service-account", "spec.serviceAccount"),
          new Owner("kubernetes.jobmanager.service-account", "spec.serviceAccount"),
          new Owner("kubernetes.taskmanager.service-account", "spec.serviceAccount"),
          new Owner("kubernetes.jobmanager.replicas", "spec.jobManager.replicas"),
          new Owner("kubernetes.jobmanager.cpu", "spec.jobManager.resources.cpu"),
          new Owner("kubernetes.jobmanager.cpu.", "spec.jobManager.resources.cpu"),
          new Owner("kubernetes.taskmanager.cpu", "spec.taskManager.resources.cpu"),
          new Owner("kubernetes.taskmanager.cpu.", "spec.taskManager.resources.cpu"),
          new Owner("jobmanager.memory.process.size", "spec.jobManager.resources.memory"),
          new Owner("taskmanager.memory.process.size", "spec.taskManager.resources.memory"),
          new Owner("taskmanager.numberOfTaskSlots", "spec.taskManager.taskSlots"),
          new Owner("kubernetes.jobmanager.labels", "(operator labels)"),
          new Owner("kubernetes.taskmanager.labels", "(operator labels)"),
          new Owner("kubernetes.jobmanager.owner.reference", "(operator owner references)"),
          new Owner("kubernetes.pod-template-file", "spec.jobManager.podTemplate"),
          new Owner("kubernetes.pod-template-file.", "spec.jobManager.podTemplate"),
          new Owner("pipeline.jars", "spec.job.jarURI"),
          // Everything below reads files or environment of the operator's own process (see
          // KeyDialect.Setting.KERBEROS_MOUNT_DECORATOR): a job may not reach them.
          new Owner("kubernetes.decorator.", OPERATOR_LOCAL),
          new Owner("security.kerberos.krb5-conf.path", OPERATOR_LOCAL),
          new Owner(
              "kubernetes.hadoop.conf.config-map.name",
              REFUSED
                  + "Flink's Hadoop decorator, which mounts it, is off (it would also ship the"
                  + " operator's own HADOOP_CONF_DIR); mount the ConfigMap through"
                  + " spec.jobManager.podTemplate and spec.taskManager.podTemplate and set"
                  + " HADOOP_CONF_DIR there instead"),
          new Owner("parallelism.default", "spec.job.parallelism"),
          new Owner("high-availability", "spec.highAvailability"),
          new Owner("high-availability.", "spec.highAvailability"),
          new Owner(
              "job-result-store.",
              "(per deployment, under spec.highAvailability.storageDir: the operator's)"),
          new Owner(
              "application-result-store.",
              "(per deployment, under spec.highAvailability.storageDir: the operator's)"),
          new Owner("kubernetes.high-availability.", "spec.highAvailability"),
          new Owner("restart-strategy", "spec.restartStrategy"),
          new Owner("restart-strategy.", "spec.restartStrategy"),
          new Owner("jobmanager.execution.failover-strategy", "spec.failoverStrategy"),
          new Owner("execution.checkpointing.num-retained", "spec.checkpointing.retained"),
          new Owner("execution.checkpointing.", "spec.checkpointing"),
          new Owner("state.checkpoints.dir", "spec.checkpointing.directory"),
          new Owner("state.savepoints.dir", "spec.checkpointing.savepointDirectory"),
          new Owner("state.checkpoints.num-retained", "spec.checkpointing.retained"),
          new Owner("state.backend", "spec.checkpointing.stateBackend"),
          new Owner("state.backend.type", "spec.checkpointing.stateBackend"),
          new Owner("state.backend.incremental", "spec.checkpointing.incremental"),
          new Owner("execution.savepoint.", "spec.job.initialSavepointPath"),
          new Owner("execution.state-recovery.", "spec.job.initialSavepointPath"));

  private OwnedKeys() {}

  /** The spec field that owns {@code key}, or empty when the user may set it. */
  public static Optional<String> ownerOf(String key) {
    String k = key == null ? "" : key.trim();
    return OWNERS.stream().filter(o -> o.owns(k)).map(Owner::field).findFirst();
  }
}
