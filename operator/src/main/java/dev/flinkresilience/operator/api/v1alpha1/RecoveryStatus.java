package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Operator recoveries. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RecoveryStatus {

  @JsonPropertyDescription("Recoveries performed by the operator over the life of this resource.")
  private int total = 0;

  @JsonPropertyDescription("Redeploys within the budget window.")
  private int redeploysInWindow = 0;

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
}
