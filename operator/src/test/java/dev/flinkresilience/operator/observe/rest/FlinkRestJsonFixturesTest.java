package dev.flinkresilience.operator.observe.rest;

import static dev.flinkresilience.operator.observe.rest.FlinkRestFixtures.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.decide.FlinkCheckpoint;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Every answer recorded from a real Flink MiniCluster parses into the records we expect. The values
 * differ per recording, so the assertions state what each moment of the job's life must show rather
 * than exact ids and times.
 */
class FlinkRestJsonFixturesTest {

  private static final String JOB_ID = "[0-9a-f]{32}";
  static final List<String> VERSIONS = List.of(FlinkRestFixtures.VERSIONS);

  @ParameterizedTest
  @FieldSource("VERSIONS")
  void indexListsEveryFixtureWithItsStatus(String version) {
    assertThat(FlinkRestFixtures.index(version))
        .containsEntry("job-running", 200)
        .containsEntry("job-unknown", 404)
        .containsEntry("checkpoints-unknown", 404)
        .hasSizeGreaterThanOrEqualTo(20);
  }

  @ParameterizedTest
  @FieldSource("VERSIONS")
  void overviewListsTheJobsInTheirFinalStates(String version) {
    assertThat(FlinkRestJson.overview("GET", body(version, "overview-empty"))).isEmpty();
    List<JobSummary> jobs = FlinkRestJson.overview("GET", body(version, "overview"));
    assertThat(jobs).allSatisfy(job -> assertThat(job.id()).matches(JOB_ID));
    assertThat(jobs)
        .extracting(JobSummary::name, JobSummary::state)
        .contains(
            org.assertj.core.groups.Tuple.tuple("stateful-counter", "CANCELED"),
            org.assertj.core.groups.Tuple.tuple("always-failing", "FAILED"));
    assertThat(jobs).allSatisfy(job -> assertThat(job.startTime()).isNotNull());
  }

  @ParameterizedTest
  @FieldSource("VERSIONS")
  void jobDetailsCarryStateAndTransitionTimes(String version) {
    JobDetails running = FlinkRestJson.job("GET", body(version, "job-running"));
    assertThat(running.id()).matches(JOB_ID);
    assertThat(running.state()).isEqualTo("RUNNING");
    assertThat(running.startTime()).isNotNull();
    // Flink writes 0 for statuses never entered; those are left out.
    assertThat(running.timestamps()).containsKeys("INITIALIZING", "CREATED", "RUNNING");
    assertThat(running.timestamps()).doesNotContainKeys("FAILED", "RESTARTING", "CANCELED");

    JobDetails restarting = FlinkRestJson.job("GET", body(version, "job-restarting"));
    assertThat(restarting.state()).isEqualTo("RESTARTING");
    assertThat(restarting.timestamps()).containsKey("RESTARTING");

    JobDetails failed = FlinkRestJson.job("GET", body(version, "job-failed"));
    assertThat(failed.state()).isEqualTo("FAILED");
    assertThat(failed.id()).isEqualTo(restarting.id());
    assertThat(failed.timestamps().get("FAILED")).isAfter(failed.timestamps().get("RESTARTING"));

    assertThat(FlinkRestJson.job("GET", body(version, "job-canceled")).state())
        .isEqualTo("CANCELED");
  }

  @ParameterizedTest
  @FieldSource("VERSIONS")
  void checkpointsBeforeTheFirstOneAreEmpty(String version) {
    for (String name : List.of("checkpoints-at-submit", "checkpoints-disabled")) {
      CheckpointStats stats = FlinkRestJson.checkpoints("GET", body(version, name));
      assertThat(stats.counts().completed()).as(name).isZero();
      assertThat(stats.latestCompleted()).as(name).isNull();
      assertThat(stats.latestSavepoint()).as(name).isNull();
      assertThat(stats.latestRestored()).as(name).isNull();
    }
  }

  @ParameterizedTest
  @FieldSource("VERSIONS")
  void completedCheckpointsAreRetainedFiles(String version) {
    CheckpointStats stats =
        FlinkRestJson.checkpoints("GET", body(version, "checkpoints-completed"));
    assertThat(stats.counts().completed()).isGreaterThanOrEqualTo(2);
    CheckpointStats.Completed latest = stats.latestCompleted();
    assertThat(latest.id()).isPositive();
    assertThat(latest.externalPath()).startsWith("file:").endsWith("/chk-" + latest.id());
    assertThat(latest.completedAt()).isAfterOrEqualTo(latest.triggeredAt());
    assertThat(latest.savepoint()).isFalse();
    assertThat(latest.discarded()).isFalse();
    assertThat(stats.latestSavepoint()).isNull();
  }

  @ParameterizedTest
  @FieldSource("VERSIONS")
  void savepointsAreListedApartFromCheckpoints(String version) {
    CheckpointStats stats =
        FlinkRestJson.checkpoints("GET", body(version, "checkpoints-after-savepoint"));
    CheckpointStats.Completed savepoint = stats.latestSavepoint();
    assertThat(savepoint.savepoint()).isTrue();
    assertThat(savepoint.externalPath()).contains("/savepoints/savepoint-");
    // Flink's "completed" does not move to the savepoint, though they share one id counter.
    assertThat(stats.latestCompleted().savepoint()).isFalse();
    assertThat(savepoint.id()).isGreaterThan(stats.latestCompleted().id());
  }

  @ParameterizedTest
  @FieldSource("VERSIONS")
  void aRestoredJobNamesTheCheckpointItCameFrom(String version) {
    CheckpointStats stats = FlinkRestJson.checkpoints("GET", body(version, "checkpoints-restored"));
    CheckpointStats.Restored restored = stats.latestRestored();
    assertThat(stats.counts().restored()).isEqualTo(1);
    assertThat(restored.externalPath()).endsWith("/chk-" + restored.id());
    assertThat(restored.restoredAt()).isNotNull();

    CheckpointStats later =
        FlinkRestJson.checkpoints("GET", body(version, "checkpoints-restored-then-completed"));
    assertThat(later.latestRestored()).isEqualTo(restored);
    assertThat(later.latestCompleted().id()).isGreaterThan(restored.id());
  }

  @ParameterizedTest
  @FieldSource("VERSIONS")
  void memoryOnlyCheckpointsAreNotAddressable(String version) {
    CheckpointStats stats =
        FlinkRestJson.checkpoints("GET", body(version, "checkpoints-not-addressable"));
    assertThat(stats.latestCompleted().externalPath()).isEqualTo(FlinkCheckpoint.NOT_ADDRESSABLE);
  }

  @ParameterizedTest
  @FieldSource("VERSIONS")
  void failedCheckpointsCarryTheirCause(String version) {
    CheckpointStats stats = FlinkRestJson.checkpoints("GET", body(version, "checkpoints-failed"));
    CheckpointStats.Failed failed = stats.latestFailed();
    assertThat(stats.counts().failed()).isPositive();
    assertThat(failed.failedAt()).isAfterOrEqualTo(failed.triggeredAt());
    assertThat(failed.message()).isNotBlank();
  }

  @ParameterizedTest
  @FieldSource("VERSIONS")
  void restartMetric(String version) {
    assertThat(FlinkRestJson.restarts("GET", body(version, "metrics-numRestarts"))).hasValue(0);
    assertThat(FlinkRestJson.restarts("GET", body(version, "metrics-numRestarts-failed")))
        .hasValue(2);
    // Flink answers [] for a job it has not fetched metrics of (here: a job it does not know).
    assertThat(FlinkRestJson.restarts("GET", body(version, "metrics-unknown")))
        .isEqualTo(OptionalLong.empty());
  }

  @ParameterizedTest
  @FieldSource("VERSIONS")
  void errorBodiesAreSummarizedToTheirFirstLine(String version) {
    assertThat(FlinkRestJson.errorSummary(body(version, "job-unknown")))
        .contains("NotFoundException")
        .contains("not found")
        .doesNotContain("\n");
  }
}
