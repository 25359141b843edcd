package dev.flinkresilience.operator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.CheckpointRef;
import dev.flinkresilience.operator.api.v1alpha1.DeploymentRecord;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.report.ObservationLedger;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The HA store's entry for the point a deployment restored from, read for what it is. */
class HaStoreViewTest {
  private static final String DIR = "file:/tmp/jobs/lifecycle-1/checkpoints";
  private static final String NEW_JOB = "3045051d8e81daaee0dec028ba1bae0a";
  private static final String SAVEPOINT = "file:/tmp/jobs/lifecycle-1/savepoints/savepoint-89baf3";
  private static final Instant DEPLOYED = Instant.parse("2026-12-06T07:37:18.383Z");
  private static final Instant RESTORED = Instant.parse("2026-12-06T07:37:25.654Z");

  static Stream<Arguments> rows() {
    FlinkCheckpoint restoredEntry = entry(14, RESTORED);
    FlinkCheckpoint ownCheckpoint = entry(15, RESTORED.plusSeconds(8));
    return Stream.of(
        Arguments.of(
            "the restored id: the restore point's path, no completion time",
            List.of(restoredEntry, ownCheckpoint),
            restored(14L, SAVEPOINT),
            List.of(FlinkCheckpoint.at(14, SAVEPOINT, null), ownCheckpoint)),
        Arguments.of(
            "restored id unknown: unchanged",
            List.of(restoredEntry),
            restored(null, SAVEPOINT),
            List.of(restoredEntry)),
        Arguments.of(
            "nothing restored: unchanged", List.of(restoredEntry), null, List.of(restoredEntry)),
        Arguments.of(
            "a checkpoint of the same job restored by Flink's own failover: the same path",
            List.of(entry(14, RESTORED)),
            restored(14L, CheckpointPaths.of(DIR, NEW_JOB, 14)),
            List.of(FlinkCheckpoint.at(14, CheckpointPaths.of(DIR, NEW_JOB, 14), null))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void restoredAs(
      String name,
      List<FlinkCheckpoint> entries,
      CheckpointRef restoredFrom,
      List<FlinkCheckpoint> expected) {
    HaStoreView view = new HaStoreView(HaStoreView.State.READ, entries, "http://x:8081", null);

    HaStoreView resolved = view.restoredAs(restoredFrom);

    assertThat(resolved.checkpoints()).as(name).isEqualTo(expected);
    assertThat(resolved.leaderRestAddress()).isEqualTo("http://x:8081");
  }

  /**
   * Found by the savepoint scenario with ZooKeeper HA: after a stop with savepoint 14, the new
   * job's store held only the restored savepoint, which the reader spelled as the new job's chk-14
   * with the restore's time. Recorded as such, it opened the savepoint gate while the tasks still
   * started, and Flink refused the periodic savepoint.
   */
  @Test
  void theRestoredSavepointDoesNotCountAsTheNewJobsCheckpoint() {
    FlinkResilientJobStatus status = new FlinkResilientJobStatus();
    status.setJobId(NEW_JOB);
    DeploymentRecord deployment = new DeploymentRecord();
    deployment.setDeployedAt(DEPLOYED.toString());
    deployment.setRestorePath(SAVEPOINT);
    status.setDeployment(deployment);
    status.setRestoredFrom(restored(14L, SAVEPOINT));
    HaStoreView read =
        new HaStoreView(HaStoreView.State.READ, List.of(entry(14, RESTORED)), null, null);

    FlinkResilientJobStatus taken = merged(status, read);
    FlinkResilientJobStatus resolved = merged(status, read.restoredAs(status.getRestoredFrom()));

    assertThat(DeploymentCheckpoint.recordedSinceDeployed(taken))
        .as("the entry at face value (the defect)")
        .isTrue();
    assertThat(DeploymentCheckpoint.recordedSinceDeployed(resolved))
        .as("read as the restored savepoint")
        .isFalse();
    assertThat(resolved.getLatestCheckpoint().getPath()).isEqualTo(SAVEPOINT);

    HaStoreView later =
        new HaStoreView(
            HaStoreView.State.READ,
            List.of(entry(14, RESTORED), entry(15, RESTORED.plusSeconds(8))),
            null,
            null);
    assertThat(
            DeploymentCheckpoint.recordedSinceDeployed(
                merged(resolved, later.restoredAs(status.getRestoredFrom()))))
        .as("the new job's first checkpoint")
        .isTrue();
  }

  private static FlinkResilientJobStatus merged(FlinkResilientJobStatus s, HaStoreView ha) {
    return ObservationLedger.merge(s, null, ha, null).status();
  }

  private static FlinkCheckpoint entry(long id, Instant created) {
    // As the ZooKeeper reader spells every entry: the job's chk-<id>, the node's creation time.
    return FlinkCheckpoint.at(id, CheckpointPaths.of(DIR, NEW_JOB, id), created);
  }

  private static CheckpointRef restored(Long id, String path) {
    CheckpointRef r = new CheckpointRef();
    r.setId(id);
    r.setPath(path);
    return r;
  }
}
