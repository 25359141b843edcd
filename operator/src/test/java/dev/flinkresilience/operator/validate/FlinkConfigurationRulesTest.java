package dev.flinkresilience.operator.validate;

import static dev.flinkresilience.operator.validate.ValidationCases.accepted;
import static dev.flinkresilience.operator.validate.ValidationCases.spec;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.validate.ValidationCases.Accepted;
import dev.flinkresilience.operator.validate.ValidationCases.Rejected;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

class FlinkConfigurationRulesTest extends ValidationTable {
  private static final String FC = "spec.flinkConfiguration";

  @Override
  Stream<Rejected> rejectedRows() {
    return Stream.of(
        spec(
            "owned checkpoint dir",
            s -> config(s, "state.checkpoints.dir", "s3://x"),
            FC + "[state.checkpoints.dir]",
            "set spec.checkpointing.directory instead"),
        spec(
            "owned checkpointing prefix",
            s -> config(s, "execution.checkpointing.interval", "1s"),
            FC + "[execution.checkpointing.interval]",
            "spec.checkpointing"),
        spec(
            "owned HA key",
            s -> config(s, "high-availability.type", "zookeeper"),
            FC + "[high-availability.type]",
            "spec.highAvailability"),
        spec(
            "owned cluster id",
            s -> config(s, "kubernetes.cluster-id", "other"),
            FC + "[kubernetes.cluster-id]",
            "metadata.name"),
        spec(
            "operator-internal key",
            s -> config(s, "$internal.pipeline.job-id", "x"),
            FC + "[$internal.pipeline.job-id]",
            "cannot be overridden"),
        spec(
            "key padded with spaces",
            s -> config(s, "pipeline.name ", "orders"),
            FC + "[pipeline.name ]",
            "whitespace"),
        spec(
            "krb5.conf path: Flink's client would read the operator's file",
            s -> config(s, "security.kerberos.krb5-conf.path", "/etc/krb5.conf"),
            FC + "[security.kerberos.krb5-conf.path]",
            "mount the file from a ConfigMap or Secret through spec.jobManager.podTemplate"),
        spec(
            "Kerberos decorator switched back on",
            s -> config(s, "kubernetes.decorator.kerberos-mount.enabled", "true"),
            FC + "[kubernetes.decorator.kerberos-mount.enabled]",
            "operator's own filesystem or environment"),
        spec(
            "Hadoop decorator switched back on",
            s -> config(s, "kubernetes.decorator.hadoop-conf-mount.enabled", "true"),
            FC + "[kubernetes.decorator.hadoop-conf-mount.enabled]",
            "operator's own filesystem or environment"),
        spec(
            "Hadoop ConfigMap through the decorator",
            s -> config(s, "kubernetes.hadoop.conf.config-map.name", "hadoop"),
            FC + "[kubernetes.hadoop.conf.config-map.name]",
            "set HADOOP_CONF_DIR there instead"),
        spec("null key", s -> config(s, null, "x"), FC, "null key"),
        spec("blank key", s -> config(s, " ", "x"), FC + "[ ]", "blank"),
        spec(
            "null value",
            s -> config(s, "taskmanager.memory.managed.fraction", null),
            FC + "[taskmanager.memory.managed.fraction]",
            "must not be null"));
  }

  @Override
  Stream<Accepted> acceptedRows() {
    return Stream.of(
        accepted("pass-through key", s -> config(s, "taskmanager.memory.managed.fraction", "0.4")),
        accepted("empty value", s -> config(s, "pipeline.name", "")),
        // Read by Flink inside the pods only, once the Kerberos decorator is off (rendered so).
        accepted(
            "keytab path in the pod",
            s -> config(s, "security.kerberos.login.keytab", "/opt/kerberos/flink.keytab")),
        accepted("null flinkConfiguration", s -> s.setFlinkConfiguration(null)));
  }

  /**
   * A configuration with one harmless key besides {@code key}, so that only {@code key} can fail.
   */
  static void config(FlinkResilientJobSpec s, String key, String value) {
    Map<String, String> configuration = new LinkedHashMap<>();
    configuration.put("pipeline.max-parallelism", "128");
    configuration.put(key, value);
    s.setFlinkConfiguration(configuration);
  }
}
