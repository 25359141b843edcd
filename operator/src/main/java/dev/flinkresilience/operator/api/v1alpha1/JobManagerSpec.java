package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import java.util.Map;

/** JobManager pods. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class JobManagerSpec {

  @JsonPropertyDescription(
      "Number of JobManagers. More than 1 runs standby JobManagers and requires high availability; they prefer nodes apart (a preferred pod anti-affinity, unless the pod template sets one). Default: 1.")
  @Min(1)
  @Max(10)
  private int replicas = 1;

  @JsonPropertyDescription("CPU and memory of each JobManager. Default: 1 CPU, 1600Mi.")
  private ResourcesSpec resources = ResourcesSpec.of("1", "1600Mi");

  @JsonPropertyDescription(
      "A pod (apiVersion/kind optional) merged into the JobManager pod; the main container is named flink-main-container.")
  @PreserveUnknownFields
  @SchemaFrom(type = PodTemplateSchema.class)
  private Map<String, Object> podTemplate;

  public int getReplicas() {
    return replicas;
  }

  public void setReplicas(int replicas) {
    this.replicas = replicas;
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
