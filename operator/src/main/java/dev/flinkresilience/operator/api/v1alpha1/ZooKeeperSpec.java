package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** ZooKeeper connection for high availability. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ZooKeeperSpec {

  @JsonPropertyDescription("Comma-separated host:port list of the ZooKeeper ensemble.")
  private String quorum;

  @JsonPropertyDescription(
      "Root znode under which Flink keeps this cluster's HA data. Default: /flink.")
  private String rootPath = "/flink";

  @JsonPropertyDescription(
      "open (default) or creator: the ACL Flink sets on the znodes it creates (high-availability.zookeeper.client.acl). creator needs Flink's ZooKeeper client authenticated by SASL (Kerberos: the security.kerberos.login.* and zookeeper.sasl.* keys in flinkConfiguration; zookeeper.sasl.disable must not be true). Digest (user and password) authentication is not offered: Flink takes it only as a plain configuration value (high-availability.zookeeper.client.authorization), which would put the password in the spec and the cluster's ConfigMap. The operator has no ZooKeeper identity of its own, so with creator it cannot read the HA data (the latest checkpoint then comes from Flink's REST API and status alone) and, on deletion, leaves the znodes and says so in a HaCleanupAbandoned event.")
  private ZooKeeperAcl acl = ZooKeeperAcl.OPEN;

  public String getQuorum() {
    return quorum;
  }

  public void setQuorum(String quorum) {
    this.quorum = quorum;
  }

  public ZooKeeperAcl getAcl() {
    return acl;
  }

  public void setAcl(ZooKeeperAcl acl) {
    this.acl = acl;
  }

  public String getRootPath() {
    return rootPath;
  }

  public void setRootPath(String rootPath) {
    this.rootPath = rootPath;
  }
}
