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

  public String getQuorum() {
    return quorum;
  }

  public void setQuorum(String quorum) {
    this.quorum = quorum;
  }

  public String getRootPath() {
    return rootPath;
  }

  public void setRootPath(String rootPath) {
    this.rootPath = rootPath;
  }
}
