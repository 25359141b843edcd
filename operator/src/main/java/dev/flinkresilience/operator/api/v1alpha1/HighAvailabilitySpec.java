package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/** Flink high availability. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.type) || self.type == 'none' || (has(self.storageDir) && self.storageDir != '')",
    message = "highAvailability.storageDir is required unless highAvailability.type is none")
@ValidationRule(
    value =
        "!has(self.type) || self.type != 'zookeeper' || (has(self.zookeeper) && has(self.zookeeper.quorum) && self.zookeeper.quorum != '')",
    message = "highAvailability.type zookeeper requires highAvailability.zookeeper.quorum")
public class HighAvailabilitySpec {

  @JsonPropertyDescription("kubernetes, zookeeper or none (default).")
  private HighAvailabilityType type = HighAvailabilityType.NONE;

  @JsonPropertyDescription(
      "Durable storage for HA metadata (job graphs, checkpoint pointers), e.g. s3://bucket/ha. Required unless type is none.")
  private String storageDir;

  @JsonPropertyDescription("ZooKeeper connection, for type zookeeper.")
  private ZooKeeperSpec zookeeper;

  @JsonPropertyDescription(
      "Flink's leader election, for type kubernetes only (refused with any other type): how fast a standby JobManager takes over. Omitted: Flink's defaults.")
  private KubernetesHaSpec kubernetes;

  public HighAvailabilityType getType() {
    return type;
  }

  public void setType(HighAvailabilityType type) {
    this.type = type;
  }

  public String getStorageDir() {
    return storageDir;
  }

  public void setStorageDir(String storageDir) {
    this.storageDir = storageDir;
  }

  public ZooKeeperSpec getZookeeper() {
    return zookeeper;
  }

  public void setZookeeper(ZooKeeperSpec zookeeper) {
    this.zookeeper = zookeeper;
  }

  public KubernetesHaSpec getKubernetes() {
    return kubernetes;
  }

  public void setKubernetes(KubernetesHaSpec kubernetes) {
    this.kubernetes = kubernetes;
  }
}
