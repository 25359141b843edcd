package dev.flinkresilience.operator.validate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.FlinkVersion;
import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilityType;
import dev.flinkresilience.operator.api.v1alpha1.RestartStrategyType;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** The example custom resource of DESIGN.md §3 maps onto the api classes and is valid. */
class DesignExampleTest {
  /** Strict on purpose: a field of the example that the api classes lack must fail here. */
  static final YAMLMapper STRICT_YAML =
      YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  static FlinkResilientJob designExample() throws Exception {
    try (InputStream in =
        DesignExampleTest.class.getResourceAsStream("/validate/design-example.yaml")) {
      assertThat(in).as("design-example.yaml on the test classpath").isNotNull();
      return STRICT_YAML.readValue(in, FlinkResilientJob.class);
    }
  }

  @Test
  void mapsExactlyOntoTheApiClasses() throws Exception {
    FlinkResilientJob job = designExample();

    assertThat(job.getMetadata().getName()).isEqualTo("orders");
    assertThat(job.getSpec().getFlinkVersion()).isEqualTo(FlinkVersion.V2_2);
    assertThat(job.getSpec().getCheckpointing().getDirectory())
        .isEqualTo("s3://bucket/checkpoints");
    assertThat(job.getSpec().getHighAvailability().getType())
        .isEqualTo(HighAvailabilityType.KUBERNETES);
    assertThat(job.getSpec().getHighAvailability().getZookeeper().getQuorum())
        .isEqualTo("zk-0.zk:2181,zk-1.zk:2181,zk-2.zk:2181");
    assertThat(job.getSpec().getRestartStrategy().getType())
        .isEqualTo(RestartStrategyType.EXPONENTIAL_DELAY);
    assertThat(job.getSpec().getRestartStrategy().getExponentialDelay().getJitter()).isEqualTo(0.1);
    assertThat(job.getSpec().getRecovery().getAvoidBadNodes().getWindow()).isEqualTo("30m");
  }

  @Test
  void validatesClean() throws Exception {
    assertThat(SpecValidator.validate(designExample())).isEmpty();
  }
}
