package dev.flinkresilience.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.decide.FlinkCheckpoint;
import dev.flinkresilience.operator.decide.FlinkObservation;
import dev.flinkresilience.operator.decide.FlinkObservation.Outcome;
import dev.flinkresilience.operator.decide.HaStoreView;
import dev.flinkresilience.operator.testing.Jobs;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The poller with scripted readers, no network: what it polls, when it wakes the reconciler, and
 * that a bad reader or a hung JobManager costs only its own job.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class FlinkPollerTest {
  private static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");
  private static final Duration QUICK = Duration.ofMillis(20);
  private static final Duration SLOW = Duration.ofSeconds(30);
  private static final URI JM_1 = URI.create("http://10.0.0.5:8081");
  private static final URI JM_2 = URI.create("http://10.0.0.6:8081");
  private static final String JOB_ID = "2d55968062386a092d7c35a24d1e3d5b";

  private final FlinkResilientJob orders = Jobs.job("streaming", "orders");
  private final ResourceID ordersId = ResourceID.fromResource(orders);
  private final ResourceID payments = new ResourceID("payments", "streaming");

  private final ScriptedRest rest = new ScriptedRest();
  private final ScriptedZooKeeper zooKeeper = new ScriptedZooKeeper();
  private final List<ResourceID> events = new CopyOnWriteArrayList<>();
  private final FlinkPoller poller =
      new FlinkPoller(rest, zooKeeper, Clock.fixed(T0, ZoneOffset.UTC));

  {
    poller.setEventHandler(e -> events.add(e.getRelatedCustomResourceID()));
  }

  @AfterEach
  void close() {
    poller.close();
  }

  @Test
  void pollsATrackedJobAndShowsTheNewestResult() {
    rest.answer(JM_1, () -> done(running(7)));
    poller.track(ordersId, target(JM_1, JOB_ID, QUICK));

    await("a poll", () -> poller.latest(ordersId).isPresent());
    Polled polled = poller.latest(ordersId).orElseThrow();
    assertThat(polled.target().restBase()).isEqualTo(JM_1);
    assertThat(polled.isOf(JOB_ID)).isTrue();
    assertThat(polled.rest().latestCompleted().id()).isEqualTo(7);
    assertThat(polled.zooKeeper()).as("no ZooKeeper HA configured").isNull();
    assertThat(poller.getSecondaryResources(orders)).containsExactly(polled);
    assertThat(poller.latest(payments)).isEmpty();
  }

  @Test
  void theReaderIsToldWhetherTheJobIsSteadyAndGetsOnlyItsOwnJobManagersLastAnswer() {
    rest.answer(JM_1, () -> done(running(7)));
    rest.answer(JM_2, () -> done(running(9)));
    poller.track(ordersId, new PollTarget(JM_1, JOB_ID, QUICK, null, false));
    int start = rest.calls(JM_1);
    await("two polls of a steady job", () -> rest.calls(JM_1) >= start + 2);
    assertThat(rest.lastSteady.get()).as("steady: nothing waits on its checkpoint").isTrue();
    assertThat(rest.lastPrevious.get().latestCompleted().id()).isEqualTo(7);

    poller.track(ordersId, new PollTarget(JM_2, JOB_ID, QUICK, null, true));
    await("the new JobManager polled", () -> rest.calls(JM_2) >= 1);
    assertThat(rest.firstPrevious.get(JM_2))
        .as("another JobManager's answer tells nothing of this one")
        .isEmpty();
    assertThat(rest.firstSteady.get(JM_2)).as("a checkpoint wakes the job: not steady").isFalse();
  }

  @Test
  void wakesTheReconcilerOnChangeAndOnEveryFailureButNotOnTheSameAnswer() {
    rest.answer(JM_1, () -> done(running(7)));
    poller.track(ordersId, target(JM_1, JOB_ID, QUICK));
    int start = rest.calls(JM_1);
    await("ten unchanged polls", () -> rest.calls(JM_1) >= start + 10);
    assertThat(events).as("only the first answer is news").containsExactly(ordersId);

    rest.answer(JM_1, () -> done(running(8)));
    await("the new checkpoint reported", () -> events.size() == 2);

    rest.answer(
        JM_1, () -> done(FlinkObservation.failed(Instant.now(), Outcome.BAD_ANSWER, "HTTP 500")));
    int failingFrom = rest.calls(JM_1);
    await("five failed polls", () -> rest.calls(JM_1) >= failingFrom + 5);
    poller.forget(ordersId);
    // Answers complete at once, so each event is out before the next poll starts.
    int failed = rest.calls(JM_1) - failingFrom;
    assertThat(events).hasSize(2 + failed);
  }

  @Test
  void aSteadyJobsCheckpointWakesNothingOverBudgetButIsPassedOnAndAnyOtherChangeStillWakes() {
    List<Long> quiet = new CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean budget =
        new java.util.concurrent.atomic.AtomicBoolean();
    FlinkPoller steady =
        new FlinkPoller(
            rest,
            zooKeeper,
            Clock.fixed(T0, ZoneOffset.UTC),
            (job, checkpoint) -> quiet.add(checkpoint.id()),
            budget::get);
    try {
      steady.setEventHandler(e -> events.add(e.getRelatedCustomResourceID()));
      var ha = new PollTarget.ZooKeeperHa("zk:2181", "/flink", "streaming-orders", "s3://b/cp");
      rest.answer(JM_1, () -> done(running(7)));
      steady.track(ordersId, new PollTarget(JM_1, JOB_ID, QUICK, ha, false));
      await("the first answer", () -> events.size() == 1);
      assertThat(steady.checkpointWakes(ordersId)).isFalse();
      assertThat(steady.checkpointWakes(payments)).as("not polled: anything is news").isTrue();

      rest.answer(JM_1, () -> done(running(8)));
      zooKeeper.checkpoint = 8;
      await("the new checkpoint passed on", () -> quiet.contains(8L));
      int polled = rest.calls(JM_1);
      await("more polls", () -> rest.calls(JM_1) >= polled + 5);
      assertThat(events).as("a checkpoint alone, in REST or ZooKeeper, is no news").hasSize(1);
      assertThat(quiet).as("passed on once").containsExactly(8L);
      assertThat(steady.latest(ordersId).orElseThrow().rest().latestCompleted().id())
          .as("the next pass reads it")
          .isEqualTo(8);

      budget.set(true);
      rest.answer(JM_1, () -> done(running(9)));
      await("a checkpoint wakes while the budget allows", () -> events.size() == 2);
      assertThat(quiet).containsExactly(8L);
      budget.set(false);

      rest.answer(JM_1, () -> done(state("RESTARTING", 9)));
      await("a state change wakes", () -> events.size() == 3);

      // The job's pass now waits on a checkpoint (the recovery is verified by one).
      steady.track(ordersId, new PollTarget(JM_1, JOB_ID, QUICK, ha, true));
      rest.answer(JM_1, () -> done(state("RESTARTING", 10)));
      await("a checkpoint wakes once awaited", () -> events.size() == 4);
    } finally {
      steady.close();
    }
  }

  @Test
  void countsTheCallsInARowThatFailToConnectAndForgetsThemOnAnyAnswer() {
    java.util.concurrent.atomic.AtomicLong second = new java.util.concurrent.atomic.AtomicLong();
    rest.answer(
        JM_1,
        () ->
            done(
                FlinkObservation.failed(
                    T0.plusSeconds(second.incrementAndGet()),
                    Outcome.UNREACHABLE,
                    "connection refused")));
    poller.track(ordersId, target(JM_1, JOB_ID, QUICK));
    // Waits for the third result, not the third call: a call is counted before its answer is
    // stored (a loaded machine caught the test in between).
    await(
        "three refused calls",
        () -> poller.latest(ordersId).map(p -> p.unreachableCalls() >= 3).orElse(false));
    Polled refused = poller.latest(ordersId).orElseThrow();
    assertThat(refused.unreachableCalls()).isGreaterThanOrEqualTo(3);
    assertThat(refused.unreachableSince()).as("the first of the run").isEqualTo(T0.plusSeconds(1));

    // An HTTP 500 is an answer: a process that answers is alive, so the run ends.
    rest.answer(
        JM_1, () -> done(FlinkObservation.failed(T0.plusSeconds(60), Outcome.BAD_ANSWER, "500")));
    int from = rest.calls(JM_1);
    await("an answer", () -> rest.calls(JM_1) >= from + 1);
    await("the run forgotten", () -> poller.latest(ordersId).orElseThrow().unreachableCalls() == 0);
    assertThat(poller.latest(ordersId).orElseThrow().unreachableSince()).isNull();
  }

  @Test
  void theSameTargetAgainKeepsTheSchedule() throws Exception {
    rest.answer(JM_1, () -> done(running(7)));
    PollTarget target = target(JM_1, JOB_ID, Duration.ofMillis(300));
    long started = System.nanoTime();
    poller.track(ordersId, target);
    while (System.nanoTime() - started < Duration.ofMillis(700).toNanos()) {
      poller.track(ordersId, new PollTarget(JM_1, JOB_ID, Duration.ofMillis(300), null));
      Thread.sleep(10);
    }
    // At 0, 300 and 600 ms; a reset on each track would give one poll or seventy.
    assertThat(rest.calls(JM_1)).isBetween(2, 4);
  }

  @Test
  void theIntervalCountsFromTheStartOfAPollSoASlowAnswerIsFollowedAtOnce() throws Exception {
    // Each answer takes the whole interval, as a call that waits out its time limit does.
    Duration interval = Duration.ofMillis(600);
    rest.answer(
        JM_1,
        () ->
            CompletableFuture.supplyAsync(
                () -> running(7),
                CompletableFuture.delayedExecutor(interval.toMillis(), TimeUnit.MILLISECONDS)));
    poller.track(ordersId, target(JM_1, JOB_ID, interval));
    await("a second call", () -> rest.calls(JM_1) >= 2);

    List<Long> starts = rest.starts(JM_1);
    long gapMillis = (starts.get(1) - starts.get(0)) / 1_000_000 - interval.toMillis();
    assertThat(gapMillis)
        .as("from the end of the first call to the start of the second (another interval: 600)")
        .isLessThan(250);
  }

  @Test
  void aNewAddressOrJobIdDropsTheOldResultAndPollsAtOnce() {
    rest.answer(JM_1, () -> done(running(7)));
    rest.answer(JM_2, () -> done(running(9)));
    poller.track(ordersId, target(JM_1, JOB_ID, SLOW));
    await("the first poll", () -> poller.latest(ordersId).isPresent());

    poller.track(ordersId, target(JM_2, JOB_ID, SLOW));
    assertThat(poller.latest(ordersId).map(p -> p.target().restBase()))
        .as("the answer of the old address is gone")
        .isNotEqualTo(java.util.Optional.of(JM_1));
    await("a poll of the new address, not after 30 s", () -> rest.calls(JM_2) == 1);
    await("its answer", () -> poller.latest(ordersId).isPresent());
    assertThat(poller.latest(ordersId).orElseThrow().target().restBase()).isEqualTo(JM_2);

    String nextJob = "821c6609b38a5e1d5f00a9012d3b2c1a";
    poller.track(ordersId, target(JM_2, nextJob, SLOW));
    assertThat(poller.latest(ordersId).filter(p -> p.isOf(JOB_ID))).isEmpty();
    await("a poll of the new job", () -> rest.calls(JM_2) == 2);
    await("its answer", () -> poller.latest(ordersId).filter(p -> p.isOf(nextJob)).isPresent());
  }

  @Test
  void aNewIntervalKeepsTheResult() {
    rest.answer(JM_1, () -> done(running(7)));
    poller.track(ordersId, target(JM_1, JOB_ID, SLOW));
    await("the first poll", () -> poller.latest(ordersId).isPresent());

    poller.track(ordersId, target(JM_1, JOB_ID, QUICK));
    assertThat(poller.latest(ordersId)).isPresent();
    await("polls at the new pace", () -> rest.calls(JM_1) >= 3);
  }

  @Test
  void forgetStopsPolling() throws Exception {
    rest.answer(JM_1, () -> done(running(7)));
    poller.track(ordersId, target(JM_1, JOB_ID, QUICK));
    await("a few polls", () -> rest.calls(JM_1) >= 3);

    poller.forget(ordersId);
    int after = rest.calls(JM_1);
    Thread.sleep(200);
    assertThat(rest.calls(JM_1)).isLessThanOrEqualTo(after + 1); // one may have been under way
    assertThat(poller.latest(ordersId)).isEmpty();
    assertThat(poller.getSecondaryResources(orders)).isEmpty();
  }

  @Test
  void aHungJobManagerHoldsOnlyItsOwnJob() throws Exception {
    rest.answer(JM_1, CompletableFuture::new); // never answers
    rest.answer(JM_2, () -> done(running(3)));
    poller.track(ordersId, target(JM_1, JOB_ID, QUICK));
    poller.track(payments, target(JM_2, JOB_ID, QUICK));

    await("the other job polled on", () -> rest.calls(JM_2) >= 10);
    assertThat(rest.calls(JM_1)).as("no second poll while the first is out").isEqualTo(1);
    assertThat(poller.latest(ordersId)).isEmpty();

    // The reconciler moves the hung job to another pace: still one call out.
    poller.track(ordersId, target(JM_1, JOB_ID, Duration.ofMillis(30)));
    Thread.sleep(200);
    assertThat(rest.calls(JM_1)).as("no second poll after a new interval").isEqualTo(1);
  }

  @Test
  void aReaderThatThrowsIsABadAnswerNotADeadPoller() {
    rest.answer(
        JM_1,
        () -> {
          throw new IllegalStateException("bug in a reader");
        });
    poller.track(ordersId, target(JM_1, JOB_ID, QUICK));

    await("several polls", () -> rest.calls(JM_1) >= 3);
    FlinkObservation seen = poller.latest(ordersId).orElseThrow().rest();
    assertThat(seen.outcome()).isEqualTo(Outcome.BAD_ANSWER);
    assertThat(seen.problem()).contains("bug in a reader");
    assertThat(seen.observedAt()).as("stamped by the injected clock").isEqualTo(T0);
  }

  @Test
  void aFailedFutureIsABadAnswer() {
    rest.answer(JM_1, () -> CompletableFuture.failedFuture(new IllegalStateException("broken")));
    poller.track(ordersId, target(JM_1, JOB_ID, QUICK));

    await("several polls", () -> rest.calls(JM_1) >= 3);
    FlinkObservation seen = poller.latest(ordersId).orElseThrow().rest();
    assertThat(seen.outcome()).isEqualTo(Outcome.BAD_ANSWER);
    assertThat(seen.problem()).contains("broken");
    assertThat(seen.observedAt()).isEqualTo(T0);
  }

  @Test
  void readsZooKeeperWhenConfiguredEvenWithoutAJobManager() {
    var ha = new PollTarget.ZooKeeperHa("zk:2181", "/flink", "streaming-orders", "s3://b/cp");
    poller.track(ordersId, new PollTarget(null, JOB_ID, QUICK, ha));

    await("a ZooKeeper read", () -> poller.latest(ordersId).isPresent());
    Polled polled = poller.latest(ordersId).orElseThrow();
    assertThat(polled.rest()).as("no address: nothing asked over REST").isNull();
    assertThat(polled.zooKeeper().checkpoints())
        .extracting(FlinkCheckpoint::id)
        .containsExactly(5L);
    assertThat(zooKeeper.readFrom).containsEntry(JOB_ID, ha);
    assertThat(rest.calls.values()).allSatisfy(n -> assertThat(n.get()).isZero());

    rest.answer(JM_1, () -> done(running(7)));
    poller.track(ordersId, new PollTarget(JM_1, JOB_ID, QUICK, ha));
    await(
        "REST and ZooKeeper in one result",
        () -> poller.latest(ordersId).filter(p -> p.rest() != null).isPresent());
    assertThat(poller.latest(ordersId).orElseThrow().zooKeeper()).isNotNull();
  }

  @Test
  void slowZooKeeperReadsForManyJobsWaitOnAFixedNumberOfThreads() throws Exception {
    // Each read blocks 100 ms, as reads of an ensemble that answers slowly would: 40 jobs polled
    // every 20 ms once had a thread each waiting on ZooKeeper.
    var ha = new PollTarget.ZooKeeperHa("zk:2181", "/flink", "streaming-orders", "s3://b/cp");
    zooKeeper.delay = Duration.ofMillis(100);
    int before = threadsNamed("flink-poll-zk"); // other pollers' in this JVM, if any
    List<ResourceID> jobs = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      ResourceID job = new ResourceID("job-" + i, "streaming");
      jobs.add(job);
      poller.track(job, new PollTarget(null, JOB_ID, QUICK, ha));
    }
    int peak = 0;
    long until = System.nanoTime() + Duration.ofMillis(700).toNanos();
    while (System.nanoTime() < until) {
      peak = Math.max(peak, threadsNamed("flink-poll-zk") - before);
      Thread.sleep(10);
    }
    await(
        "every job's ZooKeeper read",
        () -> jobs.stream().allMatch(j -> poller.latest(j).isPresent()));
    assertThat(peak)
        .as("threads waiting on ZooKeeper reads, 40 jobs")
        .isPositive()
        .isLessThanOrEqualTo(FlinkPoller.ZOOKEEPER_THREADS);
  }

  private static int threadsNamed(String name) {
    return (int)
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.isAlive() && name.equals(t.getName()))
            .count();
  }

  @Test
  void closeClosesTheZooKeeperReader() {
    poller.close();
    assertThat(zooKeeper.closed).isTrue();
  }

  private static PollTarget target(URI base, String jobId, Duration interval) {
    return new PollTarget(base, jobId, interval, null);
  }

  private static FlinkObservation state(String state, long checkpoint) {
    FlinkObservation o = running(checkpoint);
    return new FlinkObservation(
        o.observedAt(),
        o.outcome(),
        null,
        state,
        o.restarts(),
        o.latestCompleted(),
        null,
        null,
        null);
  }

  @Test
  void aSteadyTargetFollowsTheNumberOfJobsPolledAtOnceAndAMovingOneNever()
      throws InterruptedException {
    // 300 ms per job polled: one job, 300 ms; ten jobs, 3 s.
    FlinkPoller paced =
        new FlinkPoller(
            rest,
            zooKeeper,
            Clock.fixed(T0, ZoneOffset.UTC),
            FlinkPoller.QuietCheckpoints.NONE,
            () -> true,
            jobs -> Duration.ofMillis(300 * jobs));
    try {
      for (int i = 0; i < 10; i++) {
        rest.answer(URI.create("http://10.0.1." + i + ":8081"), () -> done(running(7)));
      }
      rest.answer(JM_1, () -> done(running(7)));
      rest.answer(JM_2, () -> done(running(7)));
      paced.track(ordersId, new PollTarget(JM_1, JOB_ID, QUICK, null, false, true));
      paced.track(payments, new PollTarget(JM_2, JOB_ID, QUICK, null, false, false));
      // Two jobs: the steady one every 600 ms, the moving one every 20 ms.
      Thread.sleep(1_300);
      int steadyCalls = rest.calls(JM_1);
      int movingCalls = rest.calls(JM_2);
      assertThat(steadyCalls).as("steady, two jobs polled").isBetween(2, 4);
      assertThat(movingCalls).as("moving, never stretched").isGreaterThan(20);

      // Eight jobs more, and nothing told to the steady job: its next poll but one waits 3 s.
      for (int i = 0; i < 8; i++) {
        paced.track(
            new ResourceID("job-" + i, "streaming"),
            new PollTarget(
                URI.create("http://10.0.1." + i + ":8081"), JOB_ID, QUICK, null, false, true));
      }
      Thread.sleep(700); // the poll scheduled before the count moved
      int before = rest.calls(JM_1);
      Thread.sleep(2_500);
      assertThat(rest.calls(JM_1) - before).as("steady, ten jobs polled").isLessThanOrEqualTo(1);
    } finally {
      paced.close();
    }
  }

  private static FlinkObservation running(long checkpoint) {
    return new FlinkObservation(
        Instant.now(), // a new time each poll: the poller must see through it
        Outcome.OK,
        null,
        "RUNNING",
        0L,
        FlinkCheckpoint.at(checkpoint, "s3://b/cp/j/chk-" + checkpoint, T0),
        null,
        null,
        null);
  }

  private static CompletableFuture<FlinkObservation> done(FlinkObservation o) {
    return CompletableFuture.completedFuture(o);
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** Answers per JobManager address, and counts calls. */
  private static final class ScriptedRest implements FlinkPoller.RestReader {
    final Map<URI, AtomicInteger> calls = new ConcurrentHashMap<>();
    final Map<URI, Supplier<CompletableFuture<FlinkObservation>>> answers =
        new ConcurrentHashMap<>();

    void answer(URI base, Supplier<CompletableFuture<FlinkObservation>> answer) {
      answers.put(base, answer);
    }

    final Map<URI, List<Long>> starts = new ConcurrentHashMap<>();

    int calls(URI base) {
      return calls.computeIfAbsent(base, b -> new AtomicInteger()).get();
    }

    /** When each call to {@code base} began (System.nanoTime). */
    List<Long> starts(URI base) {
      return List.copyOf(starts.getOrDefault(base, List.of()));
    }

    final java.util.concurrent.atomic.AtomicReference<FlinkObservation> lastPrevious =
        new java.util.concurrent.atomic.AtomicReference<>();
    final java.util.concurrent.atomic.AtomicReference<Boolean> lastSteady =
        new java.util.concurrent.atomic.AtomicReference<>();

    /** Per JobManager, the {@code previous} its first call was given (empty: none). */
    final Map<URI, java.util.Optional<FlinkObservation>> firstPrevious = new ConcurrentHashMap<>();

    final Map<URI, Boolean> firstSteady = new ConcurrentHashMap<>();

    @Override
    public CompletableFuture<FlinkObservation> read(
        URI restBase, String jobId, FlinkObservation previous, boolean steady) {
      lastPrevious.set(previous);
      lastSteady.set(steady);
      if (firstPrevious.putIfAbsent(restBase, java.util.Optional.ofNullable(previous)) == null) {
        firstSteady.put(restBase, steady);
      }
      starts
          .computeIfAbsent(
              restBase, b -> java.util.Collections.synchronizedList(new java.util.ArrayList<>()))
          .add(System.nanoTime());
      calls.computeIfAbsent(restBase, b -> new AtomicInteger()).incrementAndGet();
      return answers.get(restBase).get();
    }
  }

  private static final class ScriptedZooKeeper implements FlinkPoller.ZooKeeperReader {
    final Map<String, PollTarget.ZooKeeperHa> readFrom = new ConcurrentHashMap<>();
    volatile boolean closed;
    volatile long checkpoint = 5;
    volatile Duration delay = Duration.ZERO;

    @Override
    public HaStoreView read(PollTarget.ZooKeeperHa location, String jobId) {
      readFrom.put(jobId, location);
      if (!delay.isZero()) {
        try {
          Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return new HaStoreView(
          HaStoreView.State.READ,
          List.of(FlinkCheckpoint.at(checkpoint, "s3://b/cp/chk-" + checkpoint, T0)),
          null,
          null);
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
