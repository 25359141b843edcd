package dev.flinkresilience.operator.validate;

import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilitySpec;
import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilityType;
import dev.flinkresilience.operator.api.v1alpha1.KubernetesHaSpec;
import dev.flinkresilience.operator.api.v1alpha1.ZooKeeperAcl;
import dev.flinkresilience.operator.api.v1alpha1.ZooKeeperSpec;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Rules for {@code spec.highAvailability}. The zookeeper section is checked whenever it is present
 * (the example CR carries one next to type kubernetes), but its quorum is required only for type
 * zookeeper. The kubernetes section (leader election) is refused for any other type.
 */
final class HighAvailabilityRules {
  /** host:port, where host is a DNS name, an IPv4 address or a bracketed IPv6 address. */
  private static final Pattern HOST_PORT =
      Pattern.compile(
          "([A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*"
              + "|\\[[0-9A-Fa-f:.]+\\]):(?<port>[0-9]{1,5})");

  private static final String ACL = "spec.highAvailability.zookeeper.acl";

  /** SecurityOptions.ZOOKEEPER_SASL_DISABLE, the same key in every supported Flink version. */
  private static final String SASL_DISABLE = "zookeeper.sasl.disable";

  private static final String QUORUM_EXAMPLE = "zk-0.zk:2181,zk-1.zk:2181,zk-2.zk:2181";

  private HighAvailabilityRules() {}

  /**
   * @param flinkConfiguration the pass-through keys, for what the typed fields need of them
   */
  static void check(HighAvailabilitySpec ha, Map<String, String> flinkConfiguration, Violations v) {
    if (!v.required(
        "spec.highAvailability", ha, "high availability settings (omit the field for type none)")) {
      return;
    }
    HighAvailabilityType type = ha.getType();
    v.requiredEnum("spec.highAvailability.type", type, HighAvailabilityType.class);
    String storageExample = "s3://bucket/ha (durable storage for HA metadata)";
    if (type == HighAvailabilityType.KUBERNETES || type == HighAvailabilityType.ZOOKEEPER) {
      v.requiredUri("spec.highAvailability.storageDir", ha.getStorageDir(), storageExample);
    } else {
      v.optionalUri("spec.highAvailability.storageDir", ha.getStorageDir(), storageExample);
    }
    ZooKeeperSpec zk = ha.getZookeeper();
    if (type == HighAvailabilityType.ZOOKEEPER
        && v.required("spec.highAvailability.zookeeper", zk, "quorum, e.g. " + QUORUM_EXAMPLE)) {
      v.requiredText(
          "spec.highAvailability.zookeeper.quorum",
          zk.getQuorum(),
          "a comma-separated host:port list such as " + QUORUM_EXAMPLE);
    }
    if (zk != null) {
      zookeeper(zk, v);
      acl(zk.getAcl(), flinkConfiguration, v);
    }
    if (ha.getKubernetes() != null && type != null && type != HighAvailabilityType.KUBERNETES) {
      // Unlike the zookeeper section, which only names servers, these settings change how the
      // job's JobManagers elect a leader: kept silently unused they would mislead whoever reads
      // the spec into thinking the standby takes over that fast.
      v.add(
          "spec.highAvailability.kubernetes",
          "applies to type kubernetes only (Flink's leader election by ConfigMap lock); type is "
              + type.value()
              + ": remove the section or set type kubernetes");
    } else if (ha.getKubernetes() != null) {
      leaderElection(ha.getKubernetes(), v);
    }
  }

  /**
   * A retry period of at least 1 s (each JobManager reads the leader ConfigMap once per period) and
   * a lease of at least two of them: a live leader must be able to renew twice within its lease,
   * and the operator hands leadership over only after two periods without a renewal
   * (LeadershipHandover), which must come before the lease runs out to gain anything.
   */
  private static void leaderElection(KubernetesHaSpec election, Violations v) {
    String prefix = "spec.highAvailability.kubernetes.";
    Optional<Duration> retry =
        v.durationBetween(
            prefix + "retryPeriod",
            election.getRetryPeriod(),
            Duration.ofSeconds(1),
            " (each JobManager reads the leader ConfigMap once per period)",
            Duration.ofMinutes(1));
    Optional<Duration> lease =
        v.durationBetween(
            prefix + "leaseDuration",
            election.getLeaseDuration(),
            Duration.ofSeconds(2),
            "",
            Duration.ofMinutes(5));
    if (retry.isPresent()
        && lease.isPresent()
        && lease.get().compareTo(retry.get().multipliedBy(2)) < 0) {
      v.add(
          prefix + "leaseDuration",
          "must be at least twice retryPeriod ("
              + election.getRetryPeriod()
              + "), so that a live leader renews it twice; got "
              + Violations.echo(election.getLeaseDuration()));
    }
  }

  /**
   * Flink's ZooKeeperUtils refuses to start with ACL creator and SASL disabled (an
   * IllegalConfigurationException in a crashing JobManager); say so before deploying.
   */
  private static void acl(ZooKeeperAcl acl, Map<String, String> flinkConfiguration, Violations v) {
    if (!v.requiredEnum(ACL, acl, ZooKeeperAcl.class) || acl != ZooKeeperAcl.CREATOR) {
      return;
    }
    String saslDisable = flinkConfiguration == null ? null : flinkConfiguration.get(SASL_DISABLE);
    if (saslDisable != null && saslDisable.trim().equalsIgnoreCase("true")) {
      v.add(
          ACL,
          "creator needs Flink's ZooKeeper client authenticated by SASL, but flinkConfiguration"
              + " sets "
              + SASL_DISABLE
              + ": true; use acl open or enable SASL");
    }
  }

  private static void zookeeper(ZooKeeperSpec zk, Violations v) {
    String quorum = zk.getQuorum();
    if (!Violations.isBlank(quorum)) {
      quorum(quorum, v);
    }
    String rootPath = zk.getRootPath();
    if (v.required(
            "spec.highAvailability.zookeeper.rootPath", rootPath, "a znode path such as /flink")
        && !rootPath.startsWith("/")) {
      v.add(
          "spec.highAvailability.zookeeper.rootPath",
          "must be an absolute znode path starting with '/', such as /flink; got "
              + Violations.echo(rootPath));
    }
  }

  private static void quorum(String quorum, Violations v) {
    // split with -1 keeps empty trailing parts, so "a:1," is caught rather than silently accepted.
    for (String server : quorum.split(",", -1)) {
      var m = HOST_PORT.matcher(server);
      int port = m.matches() ? Integer.parseInt(m.group("port")) : 0;
      if (port < 1 || port > 65535) {
        v.add(
            "spec.highAvailability.zookeeper.quorum",
            "must be a comma-separated host:port list such as "
                + QUORUM_EXAMPLE
                + " (port 1-65535, no spaces); "
                + Violations.echo(server)
                + " is not host:port");
        return;
      }
    }
  }
}
