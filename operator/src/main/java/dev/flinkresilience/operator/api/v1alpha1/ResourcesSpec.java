package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Quantity;

/** CPU and memory of a Flink process. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ResourcesSpec {

  /** Resources with the given CPU and memory quantities, e.g. {@code of("1", "1600Mi")}. */
  public static ResourcesSpec of(String cpu, String memory) {
    ResourcesSpec resources = new ResourcesSpec();
    resources.setCpu(new Quantity(cpu));
    resources.setMemory(new Quantity(memory));
    return resources;
  }

  @JsonPropertyDescription("CPU cores, e.g. 1 or 500m.")
  private Quantity cpu;

  @JsonPropertyDescription(
      "Total process memory, e.g. 1600Mi or 2Gi; Flink divides it into heap, managed and network memory.")
  private Quantity memory;

  public Quantity getCpu() {
    return cpu;
  }

  public void setCpu(Quantity cpu) {
    this.cpu = cpu;
  }

  public Quantity getMemory() {
    return memory;
  }

  public void setMemory(Quantity memory) {
    this.memory = memory;
  }
}
