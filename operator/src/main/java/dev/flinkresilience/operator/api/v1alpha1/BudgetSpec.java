package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** Redeploy budget. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BudgetSpec {

  @JsonPropertyDescription(
      "Redeploys allowed within window; one more puts the job in phase Failed. Default: 5.")
  @Min(0)
  private int maxRedeploys = 5;

  @JsonPropertyDescription(
      "A duration such as 500ms, 20s, 5m or 1h. Sliding window of the budget. Default: 1h.")
  @Pattern("^(0|([0-9]+(\\.[0-9]+)?(ms|s|m|h))+)$")
  private String window = "1h";

  public int getMaxRedeploys() {
    return maxRedeploys;
  }

  public void setMaxRedeploys(int maxRedeploys) {
    this.maxRedeploys = maxRedeploys;
  }

  public String getWindow() {
    return window;
  }

  public void setWindow(String window) {
    this.window = window;
  }
}
