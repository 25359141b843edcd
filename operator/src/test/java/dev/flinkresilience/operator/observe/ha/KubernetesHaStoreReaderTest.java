package dev.flinkresilience.operator.observe.ha;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.decide.FlinkCheckpoint;
import dev.flinkresilience.operator.decide.HaStoreView;
import dev.flinkresilience.operator.render.ClusterIdentity;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.core.fs.Path;
import org.apache.flink.kubernetes.highavailability.KubernetesCheckpointStoreUtil;
import org.apache.flink.kubernetes.highavailability.KubernetesLeaderElectionHaServices;
import org.apache.flink.kubernetes.highavailability.KubernetesStateHandleStore;
import org.apache.flink.kubernetes.utils.KubernetesUtils;
import org.apache.flink.runtime.leaderelection.LeaderInformation;
import org.apache.flink.runtime.state.RetrievableStateHandle;
import org.apache.flink.runtime.state.RetrievableStreamStateHandle;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes HA reader on ConfigMaps whose names, keys, labels and values come from Flink's own
 * HA code (flink-kubernetes on the test classpath), reached by reflection where Flink keeps it
 * private, so a change in Flink's format fails here.
 */
class KubernetesHaStoreReaderTest {
  private static final ClusterIdentity CLUSTER = new ClusterIdentity("streaming", "orders");
  private static final String JOB = "00000000000000000000000000000042";
  private static final String DIR = "s3://bucket/checkpoints/";
  private static final String REST = "http://10.0.0.7:8081";

  @Test
  void readsCheckpointIdsAndRestLeaderInFlinksFormat() throws Exception {
    Map<String, String> job = new HashMap<>();
    job.put("counter", "8");
    job.put(flinkCheckpointKey(5), flinkStateHandle());
    job.put(flinkCheckpointKey(7), flinkStateHandle());
    Map<String, String> cluster = new HashMap<>();
    cluster.put(
        KubernetesUtils.createSingleLeaderKey("restserver"),
        KubernetesUtils.encodeLeaderInformation(LeaderInformation.known(UUID.randomUUID(), REST)));
    cluster.put(
        KubernetesUtils.createSingleLeaderKey("dispatcher"),
        KubernetesUtils.encodeLeaderInformation(
            LeaderInformation.known(UUID.randomUUID(), "pekko.tcp://flink@10.0.0.7:6123/x")));

    HaStoreView view =
        KubernetesHaStoreReader.read(
            List.of(
                configMap(flinkClusterConfigMap(), cluster),
                configMap(KubernetesHaLayout.jobConfigMap("orders", JOB), job)),
            CLUSTER,
            JOB,
            DIR);

    assertThat(view.state()).isEqualTo(HaStoreView.State.READ);
    assertThat(view.leaderRestAddress()).isEqualTo(REST);
    assertThat(view.checkpoints())
        .containsExactlyInAnyOrder(
            new FlinkCheckpoint(5, "s3://bucket/checkpoints/" + JOB + "/chk-5", null, true),
            new FlinkCheckpoint(7, "s3://bucket/checkpoints/" + JOB + "/chk-7", null, true));
  }

  @Test
  void layoutMatchesFlinksNamesAndLabels() throws Exception {
    assertThat(KubernetesHaLayout.clusterConfigMap("orders")).isEqualTo(flinkClusterConfigMap());
    assertThat(KubernetesHaLayout.labels("orders"))
        .isEqualTo(KubernetesUtils.getConfigMapLabels("orders"));
    assertThat(KubernetesHaLayout.REST_SERVER_LEADER_KEY)
        .isEqualTo(KubernetesUtils.createSingleLeaderKey("restserver"));
    assertThat(KubernetesHaLayout.checkpointId(flinkCheckpointKey(Long.MAX_VALUE)))
        .hasValue(Long.MAX_VALUE);
    assertThat(KubernetesHaLayout.isHaConfigMap("orders", flinkClusterConfigMap())).isTrue();
    assertThat(KubernetesHaLayout.isHaConfigMap("orders", "flink-config-orders")).isFalse();
    assertThat(KubernetesHaLayout.isHaConfigMap("orders", "pod-template-orders")).isFalse();
  }

  @Test
  void skipsForeignAndMalformedEntries() throws Exception {
    Map<String, String> job = new HashMap<>();
    job.put(flinkCheckpointKey(3), flinkStateHandle());
    job.put("checkpointID-", "x");
    job.put("checkpointID-abc", "x");
    job.put("checkpointID--000000000000000001", "x");
    job.put("checkpointID-99999999999999999999", "x");
    job.put("checkpointID-٣", "x");
    job.put("foo", "bar");
    Map<String, String> cluster = new HashMap<>();
    cluster.put(KubernetesHaLayout.REST_SERVER_LEADER_KEY, "not-a-uuid,http://x:1");

    HaStoreView view =
        KubernetesHaStoreReader.read(
            List.of(
                configMap(flinkClusterConfigMap(), cluster),
                configMap(KubernetesHaLayout.jobConfigMap("orders", JOB), job)),
            CLUSTER,
            JOB,
            DIR);

    assertThat(view.checkpoints()).extracting(FlinkCheckpoint::id).containsExactly(3L);
    assertThat(view.leaderRestAddress()).isNull();
    assertThat(KubernetesHaLayout.leaderAddress(UUID.randomUUID() + ",")).isNull();
    assertThat(KubernetesHaLayout.leaderAddress(null)).isNull();
  }

  @Test
  void missingOrForeignConfigMapsReadAsEmpty() throws Exception {
    ConfigMap otherNamespace = configMap(flinkClusterConfigMap(), Map.of());
    otherNamespace.getMetadata().setNamespace("elsewhere");
    otherNamespace.setData(
        Map.of(
            KubernetesHaLayout.REST_SERVER_LEADER_KEY,
            KubernetesUtils.encodeLeaderInformation(
                LeaderInformation.known(UUID.randomUUID(), REST))));
    ConfigMap otherJob =
        configMap(
            KubernetesHaLayout.jobConfigMap("orders", "ffffffffffffffffffffffffffffffff"),
            Map.of(flinkCheckpointKey(9), flinkStateHandle()));
    ConfigMap noData = configMap(KubernetesHaLayout.jobConfigMap("orders", JOB), null);

    assertThat(KubernetesHaStoreReader.read(List.of(), CLUSTER, JOB, DIR))
        .isEqualTo(new HaStoreView(HaStoreView.State.READ, List.of(), null, null));
    HaStoreView view =
        KubernetesHaStoreReader.read(
            java.util.Arrays.asList(null, new ConfigMap(), otherNamespace, otherJob, noData),
            CLUSTER,
            JOB,
            DIR);
    assertThat(view).isEqualTo(new HaStoreView(HaStoreView.State.READ, List.of(), null, null));
  }

  private static ConfigMap configMap(String name, Map<String, String> data) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("streaming")
        .withLabels(KubernetesUtils.getConfigMapLabels("orders"))
        .endMetadata()
        .withData(data)
        .build();
  }

  private static String flinkCheckpointKey(long id) {
    return KubernetesCheckpointStoreUtil.INSTANCE.checkpointIDToName(id);
  }

  /** {@code KubernetesLeaderElectionHaServices.getClusterConfigMap(clusterId)}, private static. */
  private static String flinkClusterConfigMap() throws Exception {
    Method m =
        KubernetesLeaderElectionHaServices.class.getDeclaredMethod(
            "getClusterConfigMap", String.class);
    m.setAccessible(true);
    return (String) m.invoke(null, "orders");
  }

  /** A value exactly as {@code KubernetesStateHandleStore} stores it (package-private there). */
  private static String flinkStateHandle() throws Exception {
    Class<?> marker =
        Class.forName(KubernetesStateHandleStore.class.getName() + "$StateHandleWithDeleteMarker");
    Constructor<?> wrap = marker.getDeclaredConstructor(RetrievableStateHandle.class);
    wrap.setAccessible(true);
    Object handle =
        wrap.newInstance(
            new RetrievableStreamStateHandle<>(
                new Path("s3://bucket/ha/orders/completedCheckpoint1234"), 1024));
    Method serialize =
        KubernetesStateHandleStore.class.getDeclaredMethod("serializeStateHandle", marker);
    serialize.setAccessible(true);
    return (String) serialize.invoke(null, handle);
  }
}
