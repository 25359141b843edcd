package dev.flinkresilience.operator.validate;

import static dev.flinkresilience.operator.validate.ValidationCases.accepted;
import static dev.flinkresilience.operator.validate.ValidationCases.job;
import static dev.flinkresilience.operator.validate.ValidationCases.spec;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flinkresilience.operator.api.v1alpha1.DeploymentMode;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilityType;
import dev.flinkresilience.operator.validate.ValidationCases.Accepted;
import dev.flinkresilience.operator.validate.ValidationCases.Rejected;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * metadata and top-level spec fields, and what holds across all rules; sections have their own
 * tests.
 */
class SpecValidatorTest extends ValidationTable {

  @Test
  void baselineIsValid() {
    assertThat(SpecValidator.validate(ValidJob.baseline())).isEmpty();
  }

  @Override
  Stream<Rejected> rejectedRows() {
    return Stream.of(
        job("no metadata", j -> j.setMetadata(null), "metadata.name", "is required"),
        job("no name", j -> j.getMetadata().setName(null), "metadata.name", "is required"),
        job("upper case name", j -> j.getMetadata().setName("Orders"), "metadata.name", "DNS-1035"),
        job(
            "name starts with digit",
            j -> j.getMetadata().setName("1orders"),
            "metadata.name",
            "letter"),
        job(
            "name ends with dash",
            j -> j.getMetadata().setName("orders-"),
            "metadata.name",
            "'orders-'"),
        job("name with dot", j -> j.getMetadata().setName("or.ders"), "metadata.name", "DNS-1035"),
        job(
            "name of 46 characters",
            j -> j.getMetadata().setName("a".repeat(46)),
            "metadata.name",
            "at most 45"),
        job("no spec", j -> j.setSpec(null), "spec", "is required"),
        spec("no image", s -> s.setImage(null), "spec.image", "flink:2.2.1-java17"),
        spec("blank image", s -> s.setImage("  "), "spec.image", "is required"),
        spec("image with space", s -> s.setImage("flink 2.2"), "spec.image", "whitespace"),
        spec(
            "no flinkVersion",
            s -> s.setFlinkVersion(null),
            "spec.flinkVersion",
            "1.20, 2.0, 2.1, 2.2, 2.3"),
        spec("no mode", s -> s.setMode(null), "spec.mode", "native, standalone"),
        spec(
            "standalone mode",
            s -> s.setMode(DeploymentMode.STANDALONE),
            "spec.mode",
            "not implemented yet"),
        spec(
            "service account with capitals",
            s -> s.setServiceAccount("Flink_SA"),
            "spec.serviceAccount",
            "DNS-1123"),
        spec(
            "no failoverStrategy",
            s -> s.setFailoverStrategy(null),
            "spec.failoverStrategy",
            "region, full"),
        spec(
            "negative restartNonce",
            s -> s.setRestartNonce(-1),
            "spec.restartNonce",
            "at least 0"));
  }

  @Override
  Stream<Accepted> acceptedRows() {
    return Stream.of(
        accepted("named service account", s -> s.setServiceAccount("flink-sa.v2")),
        accepted("null service account", s -> s.setServiceAccount(null)),
        accepted("image by digest", s -> s.setImage("registry.example.com/flink@sha256:0123abcd")),
        accepted("large restartNonce", s -> s.setRestartNonce(Long.MAX_VALUE)));
  }

  @Test
  void acceptsANameOf45Characters() {
    FlinkResilientJob job = ValidJob.baseline();
    job.getMetadata().setName("a" + "-b".repeat(22));
    assertThat(job.getMetadata().getName()).hasSize(45);

    assertThat(SpecValidator.validate(job)).isEmpty();
  }

  @Test
  void reportsEveryViolationNotJustTheFirst() {
    FlinkResilientJob job = ValidJob.baseline();
    job.getMetadata().setName("Orders");
    FlinkResilientJobSpec s = job.getSpec();
    s.setImage("");
    s.getJob().setParallelism(0);
    s.getJobManager().setReplicas(2);
    s.getHighAvailability().setType(HighAvailabilityType.NONE);
    s.getCheckpointing().setDirectory("checkpoints");
    s.getCheckpointing().setInterval("often");
    s.getRestartStrategy().getExponentialDelay().setJitter(2);
    s.getRecovery().getBudget().setWindow("0s");
    FlinkConfigurationRulesTest.config(s, "state.savepoints.dir", "s3://x");

    assertThat(SpecValidator.validate(job))
        .extracting(Violation::field)
        .containsExactlyInAnyOrder(
            "metadata.name",
            "spec.image",
            "spec.job.parallelism",
            "spec.jobManager.replicas",
            "spec.checkpointing.interval",
            "spec.checkpointing.directory",
            "spec.restartStrategy.exponentialDelay.jitter",
            "spec.recovery.budget.window",
            "spec.flinkConfiguration[state.savepoints.dir]");
  }

  @Test
  void reportsTheNameEvenWithoutASpec() {
    FlinkResilientJob job = new FlinkResilientJob();
    job.getMetadata().setName("_bad");

    assertThat(SpecValidator.validate(job))
        .extracting(Violation::field)
        .containsExactly("metadata.name", "spec");
  }

  @Test
  void anEmptySpecLacksExactlyTheFieldsWithoutDefault() {
    FlinkResilientJob job = ValidJob.baseline();
    job.setSpec(new FlinkResilientJobSpec());

    assertThat(SpecValidator.validate(job))
        .extracting(Violation::field)
        .containsExactly("spec.image", "spec.flinkVersion", "spec.job", "spec.checkpointing");
  }

  @Test
  void doesNotModifyTheJob() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    FlinkResilientJob job = ValidJob.baseline();
    job.getSpec().getCheckpointing().setInterval("bad");
    job.getSpec().getJobManager().setPodTemplate(Map.of("spec", Map.of("containers", "x")));
    String before = mapper.writeValueAsString(job);

    SpecValidator.validate(job);

    assertThat(mapper.writeValueAsString(job)).isEqualTo(before);
  }

  @Test
  void violationReadsAsFieldThenMessage() {
    assertThat(new Violation("spec.job.parallelism", "must be at least 1; got 0"))
        .hasToString("spec.job.parallelism: must be at least 1; got 0");
  }
}
