package dev.flinkresilience.operator.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilitySpec;
import dev.flinkresilience.operator.api.v1alpha1.JobManagerSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedactionTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "s3.secret-key, true",
    "s3.access-key, true",
    "fs.s3a.access.key, true",
    "security.ssl.rest.keystore-password, true",
    "security.ssl.internal.truststore-password, true",
    "metrics.reporter.dd.apikey, true",
    "metrics.reporter.dd.api-key, true",
    "azure.sas.token, true",
    "gs.auth.service.account.private.key, true",
    "security.kerberos.login.contexts, false",
    "pipeline.name, false",
    "taskmanager.memory.managed.fraction, false",
    "AWS_SECRET_ACCESS_KEY, true",
    "DB_PASSWORD, true",
    "JAVA_OPTS, false",
  })
  void credentialNames(String name, boolean credential) {
    assertThat(Redaction.looksLikeCredential(name)).isEqualTo(credential);
  }

  @Test
  void statusKeepsNoCredentialAndTheSpecIsUntouched() {
    FlinkResilientJobSpec spec = new FlinkResilientJobSpec();
    spec.setFlinkConfiguration(
        new LinkedHashMap<>(Map.of("s3.secret-key", "hunter2", "pipeline.name", "orders")));
    HighAvailabilitySpec ha = new HighAvailabilitySpec();
    ha.setStorageDir("s3://bucket/ha");
    spec.setHighAvailability(ha);
    JobManagerSpec jm = new JobManagerSpec();
    List<Object> env = new ArrayList<>();
    env.add(new LinkedHashMap<>(Map.of("name", "AWS_SECRET_ACCESS_KEY", "value", "hunter3")));
    env.add(new LinkedHashMap<>(Map.of("name", "LOG_LEVEL", "value", "INFO")));
    env.add(
        new LinkedHashMap<>(
            Map.of(
                "name",
                "DB_PASSWORD",
                "valueFrom",
                Map.of("secretKeyRef", Map.of("name", "db", "key", "password")))));
    Map<String, Object> container = new LinkedHashMap<>();
    container.put("name", "flink-main-container");
    container.put("env", env);
    jm.setPodTemplate(
        new LinkedHashMap<>(
            Map.of("spec", new LinkedHashMap<>(Map.of("containers", List.of(container))))));
    spec.setJobManager(jm);

    FlinkResilientJobSpec shown = Redaction.redacted(spec);

    String yaml = Serialization.asYaml(shown);
    assertThat(yaml).doesNotContain("hunter2").doesNotContain("hunter3");
    assertThat(shown.getFlinkConfiguration())
        .containsEntry("s3.secret-key", Redaction.REDACTED)
        .containsEntry("pipeline.name", "orders");
    assertThat(yaml).contains("INFO").contains("secretKeyRef").contains("s3://bucket/ha");
    // The spec the operator deploys from keeps its values.
    assertThat(Serialization.asYaml(spec)).contains("hunter2").contains("hunter3");
  }
}
