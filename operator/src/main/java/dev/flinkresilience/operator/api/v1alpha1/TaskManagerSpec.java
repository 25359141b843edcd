package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import java.util.Map;

/** TaskManager pods. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TaskManagerSpec {

  @JsonPropertyDescription(
      "Number of TaskManagers in standalone mode. In native mode Flink derives it from parallelism and taskSlots.")
  @Min(0)
  @Max(32768)
  private int replicas = 1;

  @JsonPropertyDescription("Task slots per TaskManager. Default: 1.")
  @Min(1)
  @Max(1024)
  private int taskSlots = 1;

  @JsonPropertyDescription("CPU and memory of each TaskManager. Default: 1 CPU, 1728Mi.")
  private ResourcesSpec resources = ResourcesSpec.of("1", "1728Mi");

  @JsonPropertyDescription(
      "A pod (apiVersion/kind optional) merged into each TaskManager pod; the main container is named flink-main-container.")
  @PreserveUnknownFields
  @SchemaFrom(type = PodTemplateSchema.class)
  private Map<String, Object> podTemplate;

  public int getReplicas() {
    return replicas;
  }

  public void setReplicas(int replicas) {
    this.replicas = replicas;
  }

  public int getTaskSlots() {
    return taskSlots;
  }

  public void setTaskSlots(int taskSlots) {
    this.taskSlots = taskSlots;
  }

  public ResourcesSpec getResources() {
    return resources;
  }

  public void setResources(ResourcesSpec resources) {
    this.resources = resources;
  }

  public Map<String, Object> getPodTemplate() {
    return podTemplate;
  }

  public void setPodTemplate(Map<String, Object> podTemplate) {
    this.podTemplate = podTemplate;
  }
}
