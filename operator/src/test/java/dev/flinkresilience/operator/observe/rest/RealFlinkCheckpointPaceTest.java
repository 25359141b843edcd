package dev.flinkresilience.operator.observe.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.decide.FlinkObservation;
import dev.flinkresilience.operator.testing.RealFlink;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flink tier: what the reader's sparing of checkpoint calls for a steady job rests on, against a
 * real MiniCluster. Flink reports the job's interval, and triggers no periodic checkpoint earlier
 * than an interval after the latest completed one: every time a read is spared, Flink asked at once
 * shows nothing newer than what was carried over, or only a checkpoint triggered no earlier than
 * the pace allowed.
 */
class RealFlinkCheckpointPaceTest {

  @TempDir Path temp;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aSteadyJobsSparedReadsMissNoCheckpointFlinkTriggeredEarlier() throws Exception {
    try (RealFlink flink =
        RealFlink.start(temp.resolve("checkpoints").toUri().toString(), "1 s", 2, "1 s")) {
      JobID job = JobID.generate();
      flink.submitCounter(job, "pace", null);
      flink.awaitStatus(job, JobStatus.RUNNING, Duration.ofSeconds(30));
      URI rest = flink.rest();
      String id = job.toHexString();
      HttpFlinkRestClient http = new HttpFlinkRestClient(Duration.ofSeconds(10));
      AtomicInteger checkpointCalls = new AtomicInteger();
      FlinkJobReader reader =
          new FlinkJobReader(counting(http, checkpointCalls), Clock.systemUTC());

      assertThat(http.checkpointInterval(rest, id).get()).contains(Duration.ofSeconds(1));

      FlinkObservation previous = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while ((previous == null || previous.latestCompleted() == null)
          && System.nanoTime() < deadline) {
        previous = reader.read(rest, id, previous, true).get();
        Thread.sleep(100);
      }
      assertThat(previous.latestCompleted()).as("a first checkpoint").isNotNull();

      int spared = 0;
      int asked = 0;
      for (int i = 0; i < 40; i++) {
        int before = checkpointCalls.get();
        FlinkObservation now = reader.read(rest, id, previous, true).get();
        if (checkpointCalls.get() == before) {
          spared++;
          CheckpointStats.Completed truth = http.checkpoints(rest, id).get().latestCompleted();
          if (truth.id() > now.latestCompleted().id()) {
            assertThat(truth.triggeredAt())
                .as("checkpoint %d, newer than the one carried over", truth.id())
                .isAfterOrEqualTo(now.pace().nextNotBefore());
          }
        } else {
          asked++;
        }
        previous = now;
        Thread.sleep(100);
      }
      assertThat(spared).as("reads spared").isGreaterThan(10);
      assertThat(asked).as("reads that asked: a new checkpoint every second").isGreaterThan(1);
      assertThat(previous.latestCompleted().id()).isGreaterThan(2);
      flink.cancel(job);
    }
  }

  /** The client, counting its {@code checkpoints} calls. */
  private static FlinkRestClient counting(FlinkRestClient client, AtomicInteger calls) {
    return (FlinkRestClient)
        Proxy.newProxyInstance(
            FlinkRestClient.class.getClassLoader(),
            new Class<?>[] {FlinkRestClient.class},
            (proxy, method, args) -> {
              if (method.getName().equals("checkpoints")) {
                calls.incrementAndGet();
              }
              try {
                return method.invoke(client, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
