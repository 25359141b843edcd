package dev.flinkresilience.operator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.CheckpointRef;
import dev.flinkresilience.operator.api.v1alpha1.DeploymentRecord;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.Incident;
import dev.flinkresilience.operator.api.v1alpha1.ObservationStatus;
import dev.flinkresilience.operator.api.v1alpha1.Operation;
import dev.flinkresilience.operator.api.v1alpha1.OperationType;
import dev.flinkresilience.operator.api.v1alpha1.Phase;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CheckpointNewsTest {
  private static final String DEPLOYED = "2026-12-06T10:00:00Z";

  @ParameterizedTest(name = "{0} → a checkpoint alone wakes a pass: {1}")
  @MethodSource("rows")
  void aCheckpointIsNewsOnlyWhileTheOperatorWaitsOnOne(
      String name, boolean awaited, Consumer<FlinkResilientJobStatus> change) {
    FlinkResilientJobStatus status = steady();
    change.accept(status);
    assertThat(CheckpointNews.awaited(status)).isEqualTo(awaited);
  }

  static Stream<Arguments> rows() {
    return Stream.of(
        row("running, checkpointed since deployed, nothing going on", false, s -> {}),
        row("no status yet", true, s -> s.setPhase(null)),
        row("deploying", true, s -> s.setPhase(Phase.DEPLOYING)),
        row("recovering", true, s -> s.setPhase(Phase.RECOVERING)),
        row("Flink restarting the job", true, s -> s.setJobState("RESTARTING")),
        row(
            "no checkpoint recorded since the deployment (it verifies the deployment)",
            true,
            s -> s.getLatestCheckpoint().setCompletedAt("2026-12-06T09:59:00Z")),
        row("no checkpoint recorded at all", true, s -> s.setLatestCheckpoint(null)),
        row(
            "an incident open (its recovery is verified by a checkpoint)",
            true,
            s -> {
              Incident incident = new Incident();
              incident.setId(1L);
              s.getRecovery().setCurrent(incident);
            }),
        row(
            "an operation in progress",
            true,
            s -> {
              Operation op = new Operation();
              op.setType(OperationType.UPGRADE);
              s.setOperation(op);
            }),
        row(
            "polls failing",
            true,
            s -> {
              ObservationStatus o = new ObservationStatus();
              o.setFailedPolls(2);
              s.setObservation(o);
            }),
        row(
            "degraded: checkpoints stalled (watched for them to resume)",
            true,
            s ->
                s.getConditions()
                    .add(
                        new ConditionBuilder()
                            .withType("Degraded")
                            .withStatus("True")
                            .withReason("CheckpointsStalled")
                            .build())),
        row(
            "a Degraded condition that is False",
            false,
            s ->
                s.getConditions()
                    .add(
                        new ConditionBuilder()
                            .withType("Degraded")
                            .withStatus("False")
                            .withReason("AsExpected")
                            .build())));
  }

  private static Arguments row(
      String name, boolean awaited, Consumer<FlinkResilientJobStatus> change) {
    return Arguments.of(name, awaited, change);
  }

  private static FlinkResilientJobStatus steady() {
    FlinkResilientJobStatus s = new FlinkResilientJobStatus();
    s.setPhase(Phase.RUNNING);
    s.setJobState("RUNNING");
    s.setJobId("a1b2");
    DeploymentRecord d = new DeploymentRecord();
    d.setDeployedAt(DEPLOYED);
    s.setDeployment(d);
    CheckpointRef c = new CheckpointRef();
    c.setId(7L);
    c.setPath("s3://b/cp/a1b2/chk-7");
    c.setCompletedAt("2026-12-06T10:01:00Z");
    s.setLatestCheckpoint(c);
    return s;
  }
}
