package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Redeploy budget. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BudgetSpec {

  @JsonPropertyDescription(
      "Redeploys allowed within window; one more puts the job in phase Failed. Default: 5.")
  @Min(0)
  @Max(100)
  private int maxRedeploys = 5;

  @JsonPropertyDescription(
      "A duration such as 500ms, 20s, 5m or 1h. Sliding window of the budget. Default: 1h. At most 8760h (365 days).")
  @Pattern("^(0|([0-9]+(\\.[0-9]+)?(ms|s|m|h))+)$")
  // A length bound also caps the API server's cost estimate of the rule below.
  @Size(max = 64)
  @ValidationRule(
      value = "duration(self) <= duration('8760h')",
      message = "must be at most 8760h (365 days)")
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
