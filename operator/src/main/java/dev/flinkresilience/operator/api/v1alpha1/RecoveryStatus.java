package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** Operator recoveries: the incident in progress, recent ones, and the redeploy budget. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RecoveryStatus {

  @JsonPropertyDescription("Incidents opened over the life of this resource.")
  private int total = 0;

  @JsonPropertyDescription("Redeploys within the budget window.")
  private int redeploysInWindow = 0;

  @JsonPropertyDescription(
      "When each redeploy within the budget window was decided (RFC 3339); older ones drop out.")
  private List<String> redeploys = new ArrayList<>();

  @JsonPropertyDescription(
      "Recent failures of this job's pods by node (within recovery.avoidBadNodes.window).")
  private List<NodeMark> nodeFailures = new ArrayList<>();

  public List<NodeMark> getNodeFailures() {
    return nodeFailures;
  }

  public void setNodeFailures(List<NodeMark> nodeFailures) {
    this.nodeFailures = nodeFailures;
  }

  @JsonPropertyDescription("The incident in progress, written before any destructive action.")
  private Incident current;

  @JsonPropertyDescription("The last 10 incidents, newest last.")
  private List<Incident> history = new ArrayList<>();

  @JsonPropertyDescription(
      "Spec hash at which the redeploy budget ran out: no automatic redeploys until the spec or"
          + " restartNonce changes.")
  private String budgetExhaustedAt;

  public int getTotal() {
    return total;
  }

  public void setTotal(int total) {
    this.total = total;
  }

  public int getRedeploysInWindow() {
    return redeploysInWindow;
  }

  public void setRedeploysInWindow(int redeploysInWindow) {
    this.redeploysInWindow = redeploysInWindow;
  }

  public List<String> getRedeploys() {
    return redeploys;
  }

  public void setRedeploys(List<String> redeploys) {
    this.redeploys = redeploys;
  }

  public Incident getCurrent() {
    return current;
  }

  public void setCurrent(Incident current) {
    this.current = current;
  }

  public List<Incident> getHistory() {
    return history;
  }

  public void setHistory(List<Incident> history) {
    this.history = history;
  }

  public String getBudgetExhaustedAt() {
    return budgetExhaustedAt;
  }

  public void setBudgetExhaustedAt(String budgetExhaustedAt) {
    this.budgetExhaustedAt = budgetExhaustedAt;
  }
}
