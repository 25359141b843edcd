package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The ACL Flink sets on the znodes it creates ({@code high-availability.zookeeper.client.acl}). */
public enum ZooKeeperAcl {
  /** World-readable and writable (ZooKeeper's OPEN_ACL_UNSAFE), Flink's default. */
  @JsonProperty("open")
  OPEN("open"),
  /** Only the authenticated client that created a znode may touch it (CREATOR_ALL_ACL). */
  @JsonProperty("creator")
  CREATOR("creator");

  private final String value;

  ZooKeeperAcl(String value) {
    this.value = value;
  }

  /** The spelling used in the custom resource and in Flink's configuration. */
  public String value() {
    return value;
  }

  @Override
  public String toString() {
    return value;
  }
}
