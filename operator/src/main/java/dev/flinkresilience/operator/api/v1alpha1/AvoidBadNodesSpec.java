package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Bad-node avoidance. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AvoidBadNodesSpec {

  @JsonPropertyDescription(
      "Pod failures of this job on one node within window that make the node avoided. Default: 3.")
  @Min(1)
  @Max(100)
  private int failures = 3;

  @JsonPropertyDescription(
      "A duration such as 500ms, 20s, 5m or 1h. Window in which failures are counted, and how long a node stays avoided. Default: 30m. At most 8760h (365 days).")
  @Pattern("^(0|([0-9]+(\\.[0-9]+)?(ms|s|m|h))+)$")
  // A length bound also caps the API server's cost estimate of the rule below.
  @Size(max = 64)
  @ValidationRule(
      value = "duration(self) <= duration('8760h')",
      message = "must be at most 8760h (365 days)")
  private String window = "30m";

  public int getFailures() {
    return failures;
  }

  public void setFailures(int failures) {
    this.failures = failures;
  }

  public String getWindow() {
    return window;
  }

  public void setWindow(String window) {
    this.window = window;
  }
}
