package dev.flinkresilience.local.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pod-template hash that names a Deployment's ReplicaSet. */
class DeploymentControllerTest {
  @Test
  void theTemplateHashIsShortStableAndBlindToTheOrderOfMapKeys() {
    Map<String, String> ab = new LinkedHashMap<>();
    ab.put("app", "jm");
    ab.put("component", "jobmanager");
    Map<String, String> ba = new LinkedHashMap<>();
    ba.put("component", "jobmanager");
    ba.put("app", "jm");

    String hash = DeploymentController.templateHash(template(ab, "flink:v1"));
    assertThat(hash).matches("[bcdfghjklmnpqrstvwxz2456789]{1,10}");
    assertThat(DeploymentController.templateHash(template(ab, "flink:v1"))).isEqualTo(hash);
    assertThat(DeploymentController.templateHash(template(ba, "flink:v1"))).isEqualTo(hash);
    assertThat(DeploymentController.templateHash(template(ab, "flink:v2"))).isNotEqualTo(hash);
  }

  private static PodTemplateSpec template(Map<String, String> labels, String image) {
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("main")
        .withImage(image)
        .endContainer()
        .endSpec()
        .build();
  }
}
