package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A node and a time: when a pod of the job failed on it, or until when it is avoided. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeMark {
  @JsonPropertyDescription("Node name.")
  private String node;

  @JsonPropertyDescription("The time (RFC 3339).")
  private String at;

  public NodeMark() {}

  public NodeMark(String node, String at) {
    this.node = node;
    this.at = at;
  }

  public String getNode() {
    return node;
  }

  public void setNode(String node) {
    this.node = node;
  }

  public String getAt() {
    return at;
  }

  public void setAt(String at) {
    this.at = at;
  }
}
