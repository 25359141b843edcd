package dev.flinkresilience.operator.validate;

import static dev.flinkresilience.operator.validate.ValidationCases.accepted;
import static dev.flinkresilience.operator.validate.ValidationCases.spec;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilityType;
import dev.flinkresilience.operator.api.v1alpha1.KubernetesHaSpec;
import dev.flinkresilience.operator.api.v1alpha1.ZooKeeperAcl;
import dev.flinkresilience.operator.api.v1alpha1.ZooKeeperSpec;
import dev.flinkresilience.operator.validate.ValidationCases.Accepted;
import dev.flinkresilience.operator.validate.ValidationCases.Rejected;
import java.util.Map;
import java.util.stream.Stream;

class HighAvailabilityRulesTest extends ValidationTable {
  private static final String HA = "spec.highAvailability";

  @Override
  Stream<Rejected> rejectedRows() {
    return Stream.of(
        spec("no highAvailability", s -> s.setHighAvailability(null), HA, "is required"),
        spec(
            "no HA type",
            s -> s.getHighAvailability().setType(null),
            HA + ".type",
            "kubernetes, zookeeper, none"),
        spec(
            "HA without storageDir",
            s -> s.getHighAvailability().setStorageDir(null),
            HA + ".storageDir",
            "is required"),
        spec(
            "HA with relative storageDir",
            s -> s.getHighAvailability().setStorageDir("ha"),
            HA + ".storageDir",
            "scheme"),
        spec(
            "ZooKeeper HA without zookeeper",
            s -> s.getHighAvailability().setType(HighAvailabilityType.ZOOKEEPER),
            HA + ".zookeeper",
            "quorum"),
        spec(
            "ZooKeeper HA without quorum",
            s -> zookeeper(s, null),
            HA + ".zookeeper.quorum",
            "is required"),
        spec(
            "quorum with spaces",
            s -> zookeeper(s, "zk-0:2181, zk-1:2181"),
            HA + ".zookeeper.quorum",
            "' zk-1:2181'"),
        spec(
            "quorum without port",
            s -> zookeeper(s, "zk-0"),
            HA + ".zookeeper.quorum",
            "host:port"),
        spec(
            "quorum port out of range",
            s -> zookeeper(s, "zk-0:65536"),
            HA + ".zookeeper.quorum",
            "1-65535"),
        spec("quorum port 0", s -> zookeeper(s, "zk-0:0"), HA + ".zookeeper.quorum", "1-65535"),
        spec(
            "no ZooKeeper ACL",
            s -> {
              zookeeper(s, "zk-0:2181");
              s.getHighAvailability().getZookeeper().setAcl(null);
            },
            HA + ".zookeeper.acl",
            "open, creator"),
        spec(
            "ACL creator with SASL disabled: Flink refuses to start",
            s -> {
              creator(s);
              s.setFlinkConfiguration(Map.of("zookeeper.sasl.disable", " TRUE"));
            },
            HA + ".zookeeper.acl",
            "zookeeper.sasl.disable: true"),
        spec(
            "quorum with trailing comma",
            s -> zookeeper(s, "zk-0:2181,"),
            HA + ".zookeeper.quorum",
            "''"),
        spec(
            "quorum with a chroot",
            s -> zookeeper(s, "zk-0:2181/flink"),
            HA + ".zookeeper.quorum",
            "host:port"),
        spec(
            "relative rootPath",
            s -> {
              zookeeper(s, "zk-0:2181");
              s.getHighAvailability().getZookeeper().setRootPath("flink");
            },
            HA + ".zookeeper.rootPath",
            "starting with '/'"),
        spec(
            "malformed quorum in an unused zookeeper section",
            s -> {
              s.getHighAvailability().setZookeeper(new ZooKeeperSpec());
              s.getHighAvailability().getZookeeper().setQuorum("zk-0");
            },
            HA + ".zookeeper.quorum",
            "host:port"),
        spec(
            "retry period below a second",
            s -> election(s, "15s", "500ms"),
            HA + ".kubernetes.retryPeriod",
            "at least 1s"),
        spec(
            "retry period of two minutes",
            s -> election(s, "5m", "2m"),
            HA + ".kubernetes.retryPeriod",
            "at most"),
        spec(
            "retry period that is not a duration",
            s -> election(s, "15s", "often"),
            HA + ".kubernetes.retryPeriod",
            "duration"),
        spec(
            "lease shorter than two retry periods",
            s -> election(s, "9s", "5s"),
            HA + ".kubernetes.leaseDuration",
            "at least twice retryPeriod (5s)"),
        spec(
            "lease of an hour",
            s -> election(s, "1h", "5s"),
            HA + ".kubernetes.leaseDuration",
            "at most"),
        spec(
            "leader election settings with zookeeper",
            s -> {
              election(s, "15s", "1s");
              zookeeper(s, "zk-0:2181");
            },
            HA + ".kubernetes",
            "type kubernetes only"),
        spec(
            "lease cleared",
            s -> election(s, null, "5s"),
            HA + ".kubernetes.leaseDuration",
            "duration"));
  }

  static void election(FlinkResilientJobSpec s, String lease, String retry) {
    KubernetesHaSpec election = new KubernetesHaSpec();
    election.setLeaseDuration(lease);
    election.setRetryPeriod(retry);
    s.getHighAvailability().setType(HighAvailabilityType.KUBERNETES);
    s.getHighAvailability().setKubernetes(election);
  }

  static void zookeeper(FlinkResilientJobSpec s, String quorum) {
    ZooKeeperSpec zk = new ZooKeeperSpec();
    zk.setQuorum(quorum);
    s.getHighAvailability().setType(HighAvailabilityType.ZOOKEEPER);
    s.getHighAvailability().setZookeeper(zk);
  }

  static void creator(FlinkResilientJobSpec s) {
    zookeeper(s, "zk-0:2181");
    s.getHighAvailability().getZookeeper().setAcl(ZooKeeperAcl.CREATOR);
  }

  @Override
  Stream<Accepted> acceptedRows() {
    return Stream.of(
        accepted("ACL creator (SASL on by default)", HighAvailabilityRulesTest::creator),
        accepted(
            "ACL creator with SASL settings",
            s -> {
              creator(s);
              s.setFlinkConfiguration(
                  Map.of(
                      "zookeeper.sasl.disable", "false",
                      "zookeeper.sasl.service-name", "zookeeper",
                      "zookeeper.sasl.login-context-name", "Client"));
            }),
        accepted(
            "ACL open with SASL disabled",
            s -> {
              zookeeper(s, "zk-0:2181");
              s.setFlinkConfiguration(Map.of("zookeeper.sasl.disable", "true"));
            }),
        accepted(
            "HA none without storageDir",
            s -> {
              s.getHighAvailability().setType(HighAvailabilityType.NONE);
              s.getHighAvailability().setStorageDir(null);
            }),
        accepted("ZooKeeper HA", s -> zookeeper(s, "zk-0.zk:2181,10.0.0.7:2182,[::1]:2181")),
        accepted("Flink's leader election defaults", s -> election(s, "15s", "5s")),
        accepted("a fast standby takeover", s -> election(s, "10s", "1s")),
        accepted("the shortest lease", s -> election(s, "2s", "1s")),
        accepted(
            "unused zookeeper section without quorum",
            s -> s.getHighAvailability().setZookeeper(new ZooKeeperSpec())));
  }
}
