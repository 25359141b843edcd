package dev.flinkresilience.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.decide.SavepointView.State;
import dev.flinkresilience.operator.observe.rest.FlinkRestException;
import dev.flinkresilience.operator.observe.rest.SavepointStatus;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The follower of Flink's savepoint operations, against scripted REST calls. */
class SavepointOperationsTest {
  private static final ResourceID JOB = new ResourceID("orders", "ns");
  private static final URI REST = URI.create("http://10.0.0.1:8081");
  private static final String TRIGGER = "0123456789abcdef0123456789abcdef";

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private final AtomicReference<CompletableFuture<SavepointStatus>> nextStatus =
      new AtomicReference<>();
  private final AtomicReference<CompletableFuture<String>> stopAnswer =
      new AtomicReference<>(CompletableFuture.completedFuture(TRIGGER));

  private final SavepointOperations stops =
      new SavepointOperations(
          new SavepointOperations.Calls() {
            @Override
            public CompletableFuture<SavepointStatus> status(URI rest, String jobId, String t) {
              calls.add("GET " + t);
              return nextStatus.get();
            }

            @Override
            public CompletableFuture<String> stop(URI rest, String jobId, String dir, String t) {
              calls.add("POST " + t + " " + dir);
              if (stopAnswer.get().isDone() && !stopAnswer.get().isCompletedExceptionally()) {
                // As Flink does: the stop is known under its trigger id once acknowledged.
                nextStatus.set(CompletableFuture.completedFuture(inProgress()));
              }
              return stopAnswer.get();
            }
          },
          timer,
          Duration.ofMillis(20));

  @AfterEach
  void stop() {
    stops.close();
    timer.shutdownNow();
  }

  @Test
  void aNewStopIsReadFirstThenSentOnceThenFollowedToItsEnd() {
    nextStatus.set(notFound());
    stops.follow(JOB, REST, "job", TRIGGER, "s3://sp");
    until(() -> calls.contains("POST " + TRIGGER + " s3://sp"));
    until(
        () -> stops.progress(JOB, TRIGGER).map(p -> p.state() == State.IN_PROGRESS).orElse(false));
    nextStatus.set(
        CompletableFuture.completedFuture(
            new SavepointStatus(SavepointStatus.State.COMPLETED, "s3://sp/savepoint-1", null)));
    until(() -> stops.progress(JOB, TRIGGER).map(p -> p.state() == State.COMPLETED).orElse(false));
    assertThat(stops.progress(JOB, TRIGGER).get())
        .isEqualTo(new OperationProgress(TRIGGER, State.COMPLETED, "s3://sp/savepoint-1", null));
    assertThat(calls.stream().filter(c -> c.startsWith("POST"))).hasSize(1);
    int callsAtTheEnd = calls.size();
    sleep(100);
    assertThat(calls).as("nothing read after the end").hasSize(callsAtTheEnd);
  }

  @Test
  void aStopFlinkAlreadyKnowsIsNotSentAgain() {
    // An operator that restarted mid-stop: Flink answers for the trigger id in status.
    nextStatus.set(CompletableFuture.completedFuture(inProgress()));
    stops.follow(JOB, REST, "job", TRIGGER, "s3://sp");
    until(() -> calls.size() >= 3);
    assertThat(calls).allMatch(c -> c.equals("GET " + TRIGGER));
  }

  @Test
  void followingTheSameStopAgainStartsNoSecondChain() {
    nextStatus.set(CompletableFuture.completedFuture(inProgress()));
    stops.follow(JOB, REST, "job", TRIGGER, "s3://sp");
    stops.follow(JOB, REST, "job", TRIGGER, "s3://sp");
    stops.follow(JOB, REST, "job", TRIGGER, "s3://sp");
    sleep(200);
    // One chain reads every 20 ms: about 10 reads, not 30.
    assertThat(calls.size()).isLessThan(16);
  }

  @Test
  void aStopFlinkForgetsAfterAcknowledgingItFails() {
    // Acknowledged, then unknown: a JobManager that restarted (an HA failover) lost the stop.
    nextStatus.set(notFound());
    stopAnswer.set(new CompletableFuture<>());
    stops.follow(JOB, REST, "job", TRIGGER, "s3://sp");
    until(() -> calls.stream().anyMatch(c -> c.startsWith("POST")));
    stopAnswer.get().complete(TRIGGER);
    until(() -> stops.progress(JOB, TRIGGER).map(OperationProgress::isFinal).orElse(false));
    assertThat(stops.progress(JOB, TRIGGER).get().state()).isEqualTo(State.FAILED);
    assertThat(stops.progress(JOB, TRIGGER).get().failure()).contains("no longer knows");
  }

  @Test
  void aRefusedStopIsAFailureWithFlinksReason() {
    nextStatus.set(notFound());
    stopAnswer.set(
        CompletableFuture.failedFuture(
            new FlinkRestException(
                FlinkRestException.Kind.BAD_ANSWER,
                409,
                "POST /jobs/job/stop: HTTP 409 (Job is not running.)",
                null)));
    stops.follow(JOB, REST, "job", TRIGGER, "s3://sp");
    until(() -> stops.progress(JOB, TRIGGER).map(OperationProgress::isFinal).orElse(false));
    assertThat(stops.progress(JOB, TRIGGER).get().state()).isEqualTo(State.FAILED);
    assertThat(stops.progress(JOB, TRIGGER).get().failure()).contains("Job is not running.");
  }

  @Test
  void aStopSentIntoATimeoutIsReadAgainAndSentAgainWithTheSameTriggerId() {
    nextStatus.set(notFound());
    stopAnswer.set(
        CompletableFuture.failedFuture(
            new FlinkRestException(FlinkRestException.Kind.TIMEOUT, 0, "no answer", null)));
    stops.follow(JOB, REST, "job", TRIGGER, "s3://sp");
    until(() -> calls.stream().filter(c -> c.startsWith("POST")).count() >= 2);
    assertThat(calls).filteredOn(c -> c.startsWith("POST")).allMatch(c -> c.contains(TRIGGER));
    assertThat(stops.progress(JOB, TRIGGER)).isEmpty();
  }

  @Test
  void forgottenStopsAreNoLongerRead() {
    nextStatus.set(CompletableFuture.completedFuture(inProgress()));
    stops.follow(JOB, REST, "job", TRIGGER, "s3://sp");
    until(() -> !calls.isEmpty());
    stops.forget(JOB);
    sleep(60);
    int after = calls.size();
    sleep(100);
    assertThat(calls).hasSize(after);
    assertThat(stops.progress(JOB, TRIGGER)).isEmpty();
  }

  @Test
  void aSavepointOfTheRunningJobIsSentAsOneAndFollowedBesideAStop() {
    List<String> sent = new CopyOnWriteArrayList<>();
    AtomicReference<SavepointStatus> answer = new AtomicReference<>();
    SavepointOperations ops =
        new SavepointOperations(
            new SavepointOperations.Calls() {
              @Override
              public CompletableFuture<SavepointStatus> status(URI r, String j, String t) {
                return answer.get() == null
                    ? notFound()
                    : CompletableFuture.completedFuture(answer.get());
              }

              @Override
              public CompletableFuture<String> stop(URI r, String j, String d, String t) {
                sent.add("stop " + t);
                return CompletableFuture.completedFuture(t);
              }

              @Override
              public CompletableFuture<String> savepoint(URI r, String j, String d, String t) {
                sent.add("savepoint " + t + " " + d);
                answer.set(inProgress());
                return CompletableFuture.completedFuture(t);
              }
            },
            timer,
            Duration.ofMillis(20));
    try {
      ops.followSavepoint(JOB, REST, "job", TRIGGER, "s3://sp");
      ops.followSavepoint(JOB, REST, "job", TRIGGER, "s3://sp"); // the same: followed once
      until(
          () -> ops.progress(JOB, TRIGGER).map(p -> p.state() == State.IN_PROGRESS).orElse(false));
      answer.set(new SavepointStatus(SavepointStatus.State.COMPLETED, "s3://sp/savepoint-9", null));
      until(() -> ops.progress(JOB, TRIGGER).map(OperationProgress::isFinal).orElse(false));
      assertThat(ops.progress(JOB, TRIGGER).get().location()).isEqualTo("s3://sp/savepoint-9");
      assertThat(sent).containsExactly("savepoint " + TRIGGER + " s3://sp");
    } finally {
      ops.close();
    }
  }

  @Test
  void aDisposalOfASavepointAlreadyGoneCountsAsDone() {
    AtomicReference<SavepointStatus> answer =
        new AtomicReference<>(
            new SavepointStatus(
                SavepointStatus.State.FAILED,
                null,
                "org.apache.flink.util.FlinkException: Could not dispose savepoint s3://sp/a.;"
                    + " caused by java.io.FileNotFoundException: Cannot find checkpoint or"
                    + " savepoint file/directory 's3://sp/a' on file system 's3'."));
    List<String> sent = new CopyOnWriteArrayList<>();
    SavepointOperations ops = disposals(sent, answer);
    try {
      ops.dispose(JOB, REST, "s3://sp/a");
      String key = dev.flinkresilience.operator.decide.SavepointView.disposalKey("s3://sp/a");
      until(() -> ops.progress(JOB, key).map(OperationProgress::isFinal).orElse(false));
      assertThat(ops.progress(JOB, key).get().state()).isEqualTo(State.COMPLETED);
      assertThat(sent).containsExactly("dispose s3://sp/a");

      answer.set(new SavepointStatus(SavepointStatus.State.FAILED, null, "AccessDenied"));
      ops.forget(JOB, key);
      ops.dispose(JOB, REST, "s3://sp/a");
      until(() -> ops.progress(JOB, key).map(OperationProgress::isFinal).orElse(false));
      assertThat(ops.progress(JOB, key).get().state()).isEqualTo(State.FAILED);
      assertThat(ops.progress(JOB, key).get().failure()).isEqualTo("AccessDenied");
    } finally {
      ops.close();
    }
  }

  private SavepointOperations disposals(
      List<String> sent, AtomicReference<SavepointStatus> answer) {
    return new SavepointOperations(
        new SavepointOperations.Calls() {
          @Override
          public CompletableFuture<SavepointStatus> status(URI r, String j, String t) {
            return notFound();
          }

          @Override
          public CompletableFuture<String> stop(URI r, String j, String d, String t) {
            return CompletableFuture.completedFuture(t);
          }

          @Override
          public CompletableFuture<String> dispose(URI r, String path) {
            sent.add("dispose " + path);
            return CompletableFuture.completedFuture("flink-trigger");
          }

          @Override
          public CompletableFuture<SavepointStatus> disposalStatus(URI r, String trigger) {
            return CompletableFuture.completedFuture(answer.get());
          }
        },
        timer,
        Duration.ofMillis(20));
  }

  private static SavepointStatus inProgress() {
    return new SavepointStatus(SavepointStatus.State.IN_PROGRESS, null, null);
  }

  private static CompletableFuture<SavepointStatus> notFound() {
    return CompletableFuture.failedFuture(
        new FlinkRestException(FlinkRestException.Kind.NOT_FOUND, 404, "unknown trigger", null));
  }

  private static void until(java.util.function.BooleanSupplier condition) {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within 10 s");
      }
      sleep(5);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
