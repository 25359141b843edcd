package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Flink's own restarts. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FlinkRestartsStatus {

  @JsonPropertyDescription("Restarts Flink made of the job since its deployment.")
  private Long total;

  @JsonPropertyDescription("Restarts left under a bounded restart strategy; absent when unbounded.")
  private Long remaining;

  public Long getTotal() {
    return total;
  }

  public void setTotal(Long total) {
    this.total = total;
  }

  public Long getRemaining() {
    return remaining;
  }

  public void setRemaining(Long remaining) {
    this.remaining = remaining;
  }
}
