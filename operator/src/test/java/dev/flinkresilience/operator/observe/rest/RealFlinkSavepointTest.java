package dev.flinkresilience.operator.observe.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.testing.RealFlink;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flink tier: a savepoint of a running job (a MiniCluster) under a trigger id of ours, and its
 * disposal. What the schedule and retention rely on: the same trigger id sent twice takes one
 * savepoint and the job keeps running; a disposal removes the savepoint's directory; a second
 * disposal of it fails with the message {@code SavepointOperations} reads as "already gone".
 */
class RealFlinkSavepointTest {
  private static final String TRIGGER = "6b6b6b6b6b6b6b6b0123456789abcdef";

  @TempDir Path temp;
  private RealFlink flink;
  private HttpFlinkRestClient client;

  @BeforeEach
  void start() throws Exception {
    flink = RealFlink.start(temp.resolve("checkpoints").toUri().toString(), "300 ms", 2, "1 s");
    // Generous: the first savepoint request of a MiniCluster on a loaded 2-core machine took over 5
    // s.
    client = new HttpFlinkRestClient(Duration.ofSeconds(30));
  }

  @AfterEach
  void stop() throws Exception {
    flink.close();
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void oneSavepointPerTriggerIdThenDisposedOnceAndGone() throws Exception {
    JobID job = JobID.generate();
    flink.submitCounter(job, "savepoint", null);
    flink.awaitStatus(job, JobStatus.RUNNING, Duration.ofSeconds(30));
    RealFlink.awaitSeen("savepoint", 20);
    Path savepoints = temp.resolve("savepoints");
    String target = savepoints.toUri().toString();
    URI rest = flink.rest();
    String id = job.toHexString();

    assertThat(client.triggerSavepoint(rest, id, target, TRIGGER).get()).isEqualTo(TRIGGER);
    assertThat(client.triggerSavepoint(rest, id, target, TRIGGER).get()).isEqualTo(TRIGGER);
    SavepointStatus done = await(() -> client.savepointStatus(rest, id, TRIGGER));
    assertThat(done.state()).isEqualTo(SavepointStatus.State.COMPLETED);
    Path location = Paths.get(URI.create(done.location().replace("file:/", "file:///")));
    assertThat(location.resolve("_metadata")).exists();
    assertThat(directories(savepoints)).as("one savepoint for one trigger id").hasSize(1);
    flink.awaitStatus(job, JobStatus.RUNNING, Duration.ofSeconds(5));

    String disposal = client.disposeSavepoint(rest, done.location()).get();
    SavepointStatus disposed = await(() -> client.disposalStatus(rest, disposal));
    assertThat(disposed.state()).isEqualTo(SavepointStatus.State.COMPLETED);
    assertThat(location).doesNotExist();

    String again = client.disposeSavepoint(rest, done.location()).get();
    SavepointStatus gone = await(() -> client.disposalStatus(rest, again));
    assertThat(gone.state()).isEqualTo(SavepointStatus.State.FAILED);
    assertThat(gone.failure()).contains("Cannot find checkpoint or savepoint");
    flink.cancel(job);
  }

  private static SavepointStatus await(Supplier<CompletableFuture<SavepointStatus>> read)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      SavepointStatus s = read.get().get();
      if (s.state() != SavepointStatus.State.IN_PROGRESS) {
        return s;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("not ended within 60 s");
  }

  private static List<Path> directories(Path dir) throws Exception {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.filter(p -> p.getFileName().toString().startsWith("savepoint-")).toList();
    }
  }
}
