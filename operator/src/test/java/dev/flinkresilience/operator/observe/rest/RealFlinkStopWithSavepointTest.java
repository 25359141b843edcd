package dev.flinkresilience.operator.observe.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.testing.RealFlink;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flink tier: the operator's REST client stops a real job (a MiniCluster) with a savepoint under a
 * trigger id of its own choosing. What the planner relies on: the same trigger id sent twice takes
 * one savepoint, the answer names a complete savepoint, and the job restores from it with its
 * state.
 */
class RealFlinkStopWithSavepointTest {
  private static final String TRIGGER = "5a5a5a5a5a5a5a5a0123456789abcdef";

  @TempDir Path temp;
  private RealFlink flink;
  private HttpFlinkRestClient client;

  @BeforeEach
  void start() throws Exception {
    flink = RealFlink.start(temp.resolve("checkpoints").toUri().toString(), "300 ms", 2, "1 s");
    client = new HttpFlinkRestClient(Duration.ofSeconds(5));
  }

  @AfterEach
  void stop() throws Exception {
    flink.close();
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void theSameTriggerIdTwiceStopsOnceWithOneSavepoint() throws Exception {
    JobID job = JobID.generate();
    flink.submitCounter(job, "before-stop", null);
    flink.awaitStatus(job, JobStatus.RUNNING, Duration.ofSeconds(30));
    RealFlink.awaitSeen("before-stop", 50);
    Path savepoints = temp.resolve("savepoints");
    String target = savepoints.toUri().toString();
    URI rest = flink.rest();

    String first = client.stopWithSavepoint(rest, job.toHexString(), target, TRIGGER).get();
    String second = client.stopWithSavepoint(rest, job.toHexString(), target, TRIGGER).get();
    assertThat(first).isEqualTo(TRIGGER);
    assertThat(second).isEqualTo(TRIGGER);

    SavepointStatus done = awaitEnd(rest, job);
    assertThat(done.state()).isEqualTo(SavepointStatus.State.COMPLETED);
    flink.awaitStatus(job, JobStatus.FINISHED, Duration.ofSeconds(30));
    Path location = Paths.get(URI.create(done.location().replace("file:/", "file:///")));
    assertThat(location.resolve("_metadata")).exists();

    // Sent again once the stop is over (an operator that restarted after it): still acknowledged,
    // still the one savepoint.
    assertThat(client.stopWithSavepoint(rest, job.toHexString(), target, TRIGGER).get())
        .isEqualTo(TRIGGER);
    assertThat(client.savepointStatus(rest, job.toHexString(), TRIGGER).get().location())
        .isEqualTo(done.location());
    assertThat(savepointDirectories(savepoints)).as("one savepoint for one trigger id").hasSize(1);

    // The final savepoint is the job's final state: a new job from it continues the counts.
    JobID next = JobID.generate();
    flink.submitCounter(next, "after-stop", done.location());
    List<long[]> after = RealFlink.awaitSeen("after-stop", 50);
    List<long[]> before = RealFlink.seen("before-stop");
    long lastBefore = before.get(before.size() - 1)[0];
    assertThat(after.get(0)[0])
        .as("the source resumes right after the last number processed before the stop")
        .isEqualTo(lastBefore + 1);
    assertThat(after).allSatisfy(seen -> assertThat(seen[1]).isEqualTo(seen[0] / 4 + 1));
  }

  private SavepointStatus awaitEnd(URI rest, JobID job) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      SavepointStatus s = client.savepointStatus(rest, job.toHexString(), TRIGGER).get();
      if (s.state() != SavepointStatus.State.IN_PROGRESS) {
        return s;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the stop did not end within 60 s");
  }

  private static List<Path> savepointDirectories(Path dir) throws Exception {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.filter(p -> p.getFileName().toString().startsWith("savepoint-")).toList();
    }
  }
}
