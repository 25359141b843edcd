package dev.flinkresilience.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.decide.NodeSight;
import dev.flinkresilience.operator.decide.NodeThresholds;
import dev.flinkresilience.operator.decide.NodeView;
import dev.flinkresilience.operator.testing.Kubelet;
import dev.flinkresilience.operator.testing.Nodes;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The node watch against the fabric8 mock API server (CRUD mode, which serves list and watch for
 * Nodes and for coordination.k8s.io/v1 Leases). Lease renewals are written by the test, as a
 * kubelet would.
 */
@EnableKubernetesMockClient(crud = true)
class NodeWatchTest {
  static final ResourceID JOB = new ResourceID("orders", "streaming");
  static final ResourceID OTHER_JOB = new ResourceID("payments", "streaming");
  static final Duration LOST_AFTER = Duration.ofSeconds(1);

  KubernetesClient client;
  NodeWatch watch;
  final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

  @AfterEach
  void close() {
    if (watch != null) {
      watch.close();
    }
  }

  @Test
  void aLeaseThatStopsRenewingFiresOnceWhenLostAndOnceWhenBack() throws Exception {
    createNode("node-a", "True");
    renew("node-a");
    start(Duration.ofSeconds(1));
    watch.track(JOB, Set.of("node-a"), NodeThresholds.leaseOnly(LOST_AFTER));

    // Renewals every 300 ms for 2 s: the node stays fresh and nobody is woken.
    for (int i = 0; i < 7; i++) {
      Thread.sleep(300);
      renew("node-a");
    }
    assertThat(events).isEmpty();
    assertThat(watch.views(List.of("node-a")).get("node-a").isLost(LOST_AFTER, Instant.now()))
        .isFalse();

    long stopped = System.nanoTime();
    Event lost = events.poll(LOST_AFTER.toMillis() + 4_000, TimeUnit.MILLISECONDS);
    long tookMillis = (System.nanoTime() - stopped) / 1_000_000;
    assertThat(lost).isNotNull();
    assertThat(lost.getRelatedCustomResourceID()).isEqualTo(JOB);
    // Target: nodeLostAfter + about one tick; the bound is generous for a shared CI machine.
    assertThat(tookMillis).isLessThan(LOST_AFTER.toMillis() + 3_000);
    assertThat(watch.views(List.of("node-a")).get("node-a").isLost(LOST_AFTER, Instant.now()))
        .isTrue();

    // Still lost on later ticks: no second event.
    assertThat(events.poll(2_500, TimeUnit.MILLISECONDS)).isNull();

    // The kubelet is back: the renewal itself wakes the job, without waiting for a tick.
    renew("node-a");
    assertThat(events.poll(2, TimeUnit.SECONDS)).isNotNull();
    assertThat(watch.views(List.of("node-a")).get("node-a").isLost(LOST_AFTER, Instant.now()))
        .isFalse();
  }

  @Test
  void aJobsViewsTellWhenTheWatchFirstJudgedTheNodeLostForIt() throws Exception {
    createNode("node-a", "True");
    createNode("node-b", "True");
    Instant stopped = renew("node-a");
    renew("node-b");
    start(Duration.ofMillis(100));
    watch.track(JOB, Set.of("node-a", "node-b"), NodeThresholds.leaseOnly(LOST_AFTER));
    watch.track(OTHER_JOB, Set.of("node-a"), NodeThresholds.leaseOnly(Duration.ofSeconds(30)));
    long until = System.nanoTime() + 2_000_000_000L;
    while (System.nanoTime() < until) {
      renew("node-b"); // node-a stops renewing
      Thread.sleep(100);
    }
    Instant judged = watch.views(JOB, List.of("node-a", "node-b")).get("node-a").judgedLostAt();
    assertThat(judged)
        .as("first judged lost about nodeLostAfter after its last renewal")
        .isAfter(stopped.plus(LOST_AFTER))
        .isBefore(stopped.plus(LOST_AFTER).plusSeconds(1));
    assertThat(watch.views(JOB, List.of("node-b")).get("node-b").judgedLostAt()).isNull();
    assertThat(watch.views(OTHER_JOB, List.of("node-a")).get("node-a").judgedLostAt())
        .as("not lost at the other job's 30 s")
        .isNull();

    Thread.sleep(500);
    assertThat(watch.views(JOB, List.of("node-a")).get("node-a").judgedLostAt())
        .as("kept while it stays lost")
        .isEqualTo(judged);
  }

  @Test
  void aLeaseIsJudgedWhenItCrossesTheThresholdNotAtTheNextTick() throws Exception {
    createNode("node-a", "True");
    renew("node-a");
    // A tick far longer than the threshold: only the wake-up armed at the crossing can be on time.
    start(Duration.ofSeconds(10));
    watch.track(JOB, Set.of("node-a"), NodeThresholds.leaseOnly(LOST_AFTER));
    for (int i = 0; i < 4; i++) {
      Thread.sleep(300);
      renew("node-a");
    }
    assertThat(events).isEmpty();

    long stopped = System.nanoTime();
    Event lost = events.poll(8, TimeUnit.SECONDS);
    long tookMillis = (System.nanoTime() - stopped) / 1_000_000;
    assertThat(lost).as("judged lost before the next tick").isNotNull();
    assertThat(tookMillis).as("about nodeLostAfter after the last renewal").isLessThan(3_000);

    // A renewal that changes the node's verdict wakes the job itself: no tick comes for 10 s
    // (renewals that change no verdict wake nobody, and must not swallow this one).
    renew("node-a");
    assertThat(events.poll(2, TimeUnit.SECONDS)).as("back: woken by the renewal").isNotNull();
  }

  static Stream<Arguments> crossings() {
    Instant now = Instant.parse("2026-12-06T10:00:00Z");
    Duration tick = Duration.ofSeconds(1);
    Duration suspect = Duration.ofSeconds(12);
    Duration lost = Duration.ofSeconds(20);
    return Stream.of(
            Arguments.of(
                "renewed 5 s ago: nothing within a tick",
                List.of(now.minusSeconds(5)),
                now,
                Set.of()),
            Arguments.of(
                "renewed 11.5 s ago: crosses suspectAfter in 0.5 s",
                List.of(now.minusMillis(11_500)),
                now,
                Set.of(now.plusMillis(500))),
            Arguments.of(
                "renewed exactly 12 s ago: crossed already, the check now judges it",
                List.of(now.minusSeconds(12)),
                now,
                Set.of()),
            Arguments.of(
                "renewed 11 s ago: the crossing one tick ahead counts",
                List.of(now.minusSeconds(11)),
                now,
                Set.of(now.plusSeconds(1))),
            Arguments.of(
                "two nodes, one near each threshold",
                List.of(now.minusMillis(11_800), now.minusMillis(19_300)),
                now,
                Set.of(now.plusMillis(200), now.plusMillis(700))))
        .map(
            a ->
                Arguments.of(
                    a.get()[0], a.get()[1], a.get()[2], a.get()[3], tick, Set.of(suspect, lost)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("crossings")
  void crossingsWithinATick(
      String name,
      List<Instant> seenAt,
      Instant now,
      Set<Instant> expected,
      Duration tick,
      Set<Duration> thresholds) {
    var seen = seenAt.stream().map(at -> new NodeWatch.Renewal(at, at)).toList();
    assertThat(NodeWatch.crossingsWithin(seen, thresholds, now, tick)).isEqualTo(expected);
  }

  @Test
  void aLeasePastNodeSuspectAfterWakesTheJobLongBeforeNodeLostAfter() throws Exception {
    createNode("node-a", "True");
    renew("node-a");
    start(Duration.ofMillis(250));
    // Past suspectAfter only the reconciler can tell, with the JobManager's REST silence.
    watch.track(
        JOB, Set.of("node-a"), new NodeThresholds(Duration.ofMinutes(1), Duration.ofSeconds(1)));
    for (int i = 0; i < 4; i++) {
      Thread.sleep(300);
      renew("node-a");
    }
    assertThat(events).isEmpty();

    long stopped = System.nanoTime();
    Event suspect = events.poll(4, TimeUnit.SECONDS);
    long tookMillis = (System.nanoTime() - stopped) / 1_000_000;
    assertThat(suspect).as("woken at suspectAfter").isNotNull();
    assertThat(tookMillis).isLessThan(Duration.ofMinutes(1).toMillis());
    assertThat(events.poll(1, TimeUnit.SECONDS)).as("once, not on every tick").isNull();
    assertThat(
            watch
                .views(List.of("node-a"))
                .get("node-a")
                .isLost(Duration.ofMinutes(1), Instant.now()))
        .as("not lost on the Lease alone")
        .isFalse();

    renew("node-a");
    assertThat(events.poll(2, TimeUnit.SECONDS)).as("back: woken again").isNotNull();
  }

  @Test
  void readyFalseFiresAtOnce() throws Exception {
    createNode("node-a", "True");
    renew("node-a");
    start(Duration.ofMinutes(10)); // no tick during the test: the event must come from the Node
    watch.track(JOB, Set.of("node-a"), NodeThresholds.leaseOnly(Duration.ofMinutes(1)));

    setReady("node-a", "False");

    assertThat(events.poll(3, TimeUnit.SECONDS)).isNotNull();
    NodeView view = watch.views(List.of("node-a")).get("node-a");
    assertThat(view.ready()).isEqualTo("False");
    assertThat(view.isLost(Duration.ofMinutes(1), Instant.now())).isTrue();
    assertThat(view.isFenced()).isFalse();
  }

  @Test
  void heartbeatOnlyNodeUpdatesAndRenewalsFireNothing() throws Exception {
    createNode("node-a", "True");
    renew("node-a");
    start(Duration.ofMinutes(10));
    watch.track(JOB, Set.of("node-a"), NodeThresholds.leaseOnly(Duration.ofMinutes(1)));

    setReady("node-a", "True"); // a new heartbeat time, same status
    renew("node-a");
    renew("node-a");

    assertThat(events.poll(1500, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void aDeletedNodeReadsDeletedAndFenced() throws Exception {
    createNode("node-a", "True");
    renew("node-a");
    start(Duration.ofMinutes(10));
    watch.track(JOB, Set.of("node-a"), NodeThresholds.leaseOnly(Duration.ofMinutes(1)));

    client.nodes().withName("node-a").delete();

    assertThat(events.poll(3, TimeUnit.SECONDS)).isNotNull();
    NodeView view = watch.views(List.of("node-a")).get("node-a");
    assertThat(view.deleted()).isTrue();
    assertThat(view.isFenced()).isTrue();
  }

  @Test
  void theOutOfServiceTaintFencesAndFiresAtOnce() throws Exception {
    createNode("node-a", "Unknown");
    renew("node-a");
    start(Duration.ofMinutes(10));
    watch.track(JOB, Set.of("node-a"), NodeThresholds.leaseOnly(Duration.ofMinutes(1)));

    // Ready Unknown with a fresh Lease is not lost (the Lease decides); the taint is the
    // administrator's word: lost and fenced at once.
    client
        .nodes()
        .withName("node-a")
        .edit(
            n ->
                new NodeBuilder(n)
                    .editSpec()
                    .addNewTaint()
                    .withKey(NodeView.OUT_OF_SERVICE_TAINT)
                    .withValue("nodeshutdown")
                    .withEffect("NoExecute")
                    .endTaint()
                    .endSpec()
                    .build());

    assertThat(events.poll(3, TimeUnit.SECONDS)).isNotNull();
    NodeView view = watch.views(List.of("node-a")).get("node-a");
    assertThat(view.outOfService()).isTrue();
    assertThat(view.isFenced()).isTrue();
  }

  @Test
  void onlyTheJobsOnTheNodeAreWoken() throws Exception {
    createNode("node-a", "True");
    createNode("node-b", "True");
    start(Duration.ofMinutes(10));
    watch.track(JOB, Set.of("node-a"), NodeThresholds.leaseOnly(Duration.ofMinutes(1)));
    watch.track(OTHER_JOB, Set.of("node-b"), NodeThresholds.leaseOnly(Duration.ofMinutes(1)));

    setReady("node-a", "False");

    Event first = events.poll(3, TimeUnit.SECONDS);
    assertThat(first).isNotNull();
    assertThat(first.getRelatedCustomResourceID()).isEqualTo(JOB);
    assertThat(events.poll(1, TimeUnit.SECONDS)).isNull();

    // A forgotten job is not woken any more.
    watch.forget(JOB);
    setReady("node-a", "True");
    assertThat(events.poll(1500, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void viewsComeFromTheCachesAndLeaveOutNodesNeverSeen() throws Exception {
    createNode("node-a", "True");
    Instant renewed = renew("node-a");
    start(Duration.ofMinutes(10));

    var views = watch.views(List.of("node-a", "node-never"));

    assertThat(views).containsOnlyKeys("node-a");
    NodeView a = views.get("node-a");
    assertThat(a.ready()).isEqualTo("True");
    assertThat(a.outOfService()).isFalse();
    assertThat(a.deleted()).isFalse();
    // First sighting: the Lease's own renewTime (capped at now).
    assertThat(a.leaseRenewedAt()).isBeforeOrEqualTo(Instant.now()).isAfterOrEqualTo(renewed);
  }

  @Test
  void aWatchGapHoldsEveryLossAndGivesEachNodeAFreshGraceAfterwards() throws Exception {
    createNode("node-a", "True");
    createNode("node-b", "True");
    renew("node-a");
    renew("node-b");
    Duration lostAfter = Duration.ofSeconds(2);
    startWith(Duration.ofMillis(200), Duration.ofMillis(1500), 0.5);
    watch.track(JOB, Set.of("node-a", "node-b"), NodeThresholds.leaseOnly(lostAfter));

    // The API server "freezes": no Lease event at all for 4 s, twice nodeLostAfter.
    Thread.sleep(4000);
    assertThat(watch.sight().hold()).isNotNull();
    assertThat(watch.sight().hold().reason()).isEqualTo(NodeSight.WATCH_IMPAIRED);
    assertThat(verdict("node-a", lostAfter)).isEqualTo(NodeSight.Verdict.HELD);
    assertThat(verdict("node-b", lostAfter)).isEqualTo(NodeSight.Verdict.HELD);

    // It thaws: node-a renews, node-b (really dead) does not. Nothing is lost at once...
    renew("node-a");
    Thread.sleep(600);
    assertThat(watch.sight().hold()).isNull();
    assertThat(verdict("node-b", lostAfter)).isEqualTo(NodeSight.Verdict.ALIVE);
    // ...and node-b is lost once a full grace has passed with the watch healthy.
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (verdict("node-b", lostAfter) != NodeSight.Verdict.LOST && System.nanoTime() < deadline) {
      renew("node-a"); // the live kubelet keeps renewing, so the watch stays healthy
      Thread.sleep(300);
    }
    assertThat(verdict("node-b", lostAfter)).isEqualTo(NodeSight.Verdict.LOST);
    assertThat(verdict("node-a", lostAfter)).isEqualTo(NodeSight.Verdict.ALIVE);
  }

  @Test
  void aNodeLostUnderClearSightBeforeAGapStaysLostAfterItWhileTheOthersGetAFreshGrace()
      throws Exception {
    for (String n : List.of("node-a", "node-b", "node-c")) {
      createNode(n, "True");
      renew(n);
    }
    Duration lostAfter = Duration.ofSeconds(2);
    // A fraction of 1: the guard never trips, so only the watch's gap is at play here.
    startWith(Duration.ofMillis(200), Duration.ofMillis(1500), 1.0);
    watch.track(JOB, Set.of("node-a", "node-b", "node-c"), NodeThresholds.leaseOnly(lostAfter));

    // node-b dies; a and c renew on: node-b is lost under clear sight.
    long until = System.nanoTime() + 3_000_000_000L;
    while (System.nanoTime() < until) {
      renew("node-a");
      renew("node-c");
      Thread.sleep(200);
    }
    assertThat(verdict("node-b", lostAfter)).isEqualTo(NodeSight.Verdict.LOST);
    Instant judged = watch.views(JOB, List.of("node-b")).get("node-b").judgedLostAt();
    assertThat(judged).isNotNull();

    // Then no Lease event at all for 2.5 s: a gap. node-c's last renewal was its last before the
    // gap, so it was not lost when the gap began.
    Thread.sleep(2500);
    assertThat(watch.sight().hold()).isNotNull();
    assertThat(verdict("node-b", lostAfter)).isEqualTo(NodeSight.Verdict.HELD);
    woken();

    // The watch is back (node-a renews): node-b is lost at once, node-c has a fresh grace.
    renew("node-a");
    Thread.sleep(600);
    assertThat(watch.sight().hold()).isNull();
    assertThat(verdict("node-b", lostAfter)).isEqualTo(NodeSight.Verdict.LOST);
    assertThat(verdict("node-c", lostAfter)).isEqualTo(NodeSight.Verdict.ALIVE);
    assertThat(woken()).as("the job, to act on node-b now").contains(JOB);
    assertThat(watch.views(JOB, List.of("node-b")).get("node-b").judgedLostAt())
        .as("the same loss, detected before the gap")
        .isEqualTo(judged);
  }

  @Test
  void mostNodesLostAtOnceTripTheGuardAndOnlyThoseStillLostAfterItCount() throws Exception {
    for (String n : List.of("node-a", "node-b", "node-c")) {
      createNode(n, "True");
      renew(n);
    }
    Duration lostAfter = Duration.ofSeconds(1);
    startWith(Duration.ofMillis(200), Duration.ofSeconds(30), 0.5);
    watch.track(JOB, Set.of("node-a", "node-b"), NodeThresholds.leaseOnly(lostAfter));

    // node-a and node-b stop renewing, node-c goes on: two of three look lost at once.
    long until = System.nanoTime() + 2_500_000_000L;
    while (System.nanoTime() < until) {
      renew("node-c");
      Thread.sleep(200);
    }
    assertThat(watch.sight().hold()).isNotNull();
    assertThat(watch.sight().hold().reason()).isEqualTo(NodeSight.MASS_LOSS);
    assertThat(verdict("node-a", lostAfter)).isEqualTo(NodeSight.Verdict.HELD);

    // node-a comes back: one of three is no mass loss; node-b gets a fresh grace, then is lost.
    renew("node-a");
    Thread.sleep(500);
    assertThat(watch.sight().hold()).isNull();
    assertThat(verdict("node-b", lostAfter)).isEqualTo(NodeSight.Verdict.ALIVE);
    long deadline = System.nanoTime() + 4_000_000_000L;
    while (verdict("node-b", lostAfter) != NodeSight.Verdict.LOST && System.nanoTime() < deadline) {
      renew("node-a");
      renew("node-c");
      Thread.sleep(200);
    }
    assertThat(verdict("node-b", lostAfter)).isEqualTo(NodeSight.Verdict.LOST);
  }

  @Test
  void aHoldWakesOnlyTheJobsItHoldsBackAndThoseAgainWhenItLifts() throws Exception {
    for (String n : List.of("node-a", "node-b", "node-c")) {
      createNode(n, "True");
      renew(n);
    }
    Duration lostAfter = Duration.ofSeconds(1);
    startWith(Duration.ofMillis(200), Duration.ofSeconds(30), 0.5);
    watch.track(JOB, Set.of("node-a"), NodeThresholds.leaseOnly(lostAfter));
    watch.track(OTHER_JOB, Set.of("node-c"), NodeThresholds.leaseOnly(lostAfter));

    // node-a and node-b stop renewing, node-c goes on: the guard holds.
    long until = System.nanoTime() + 2_500_000_000L;
    while (System.nanoTime() < until) {
      renew("node-c");
      Thread.sleep(200);
    }
    assertThat(watch.sight().hold()).isNotNull();
    assertThat(woken()).as("the hold: only the job whose node looks lost").containsExactly(JOB);

    // node-a comes back: the guard lifts; the job it held is woken to clear what it showed.
    renew("node-a");
    Thread.sleep(600);
    renew("node-c");
    assertThat(watch.sight().hold()).isNull();
    assertThat(woken()).as("the lift").containsExactly(JOB);
  }

  @Test
  void aJobTrackedOnANodeAlreadyLostFiresAtTheNextTick() throws Exception {
    createNode("node-a", "True");
    renew("node-a");
    start(Duration.ofMillis(100));
    watch.track(JOB, Set.of("node-a"), NodeThresholds.leaseOnly(LOST_AFTER));
    Event lost = events.poll(LOST_AFTER.toMillis() + 3_000, TimeUnit.MILLISECONDS);
    assertThat(lost).isNotNull();
    Thread.sleep(300); // ticks that see node-a lost again: no node's verdict changes any more

    // No verdict changes either when another job starts on it: the tick must check that job.
    watch.track(OTHER_JOB, Set.of("node-a"), NodeThresholds.leaseOnly(LOST_AFTER));

    assertThat(woken(1_000)).containsExactly(OTHER_JOB);
  }

  @Test
  void aJobMovedOntoALostNodeFiresAtTheNextTick() throws Exception {
    createNode("node-a", "True");
    createNode("node-b", "True");
    renew("node-a");
    start(Duration.ofMillis(100));
    watch.track(JOB, Set.of("node-a"), NodeThresholds.leaseOnly(LOST_AFTER));
    watch.track(OTHER_JOB, Set.of("node-b"), NodeThresholds.leaseOnly(LOST_AFTER));
    long until = System.nanoTime() + LOST_AFTER.toNanos() + 1_000_000_000L;
    while (System.nanoTime() < until) {
      renew("node-b"); // node-a stops renewing
      Thread.sleep(100);
    }
    assertThat(woken()).containsExactly(JOB);

    watch.track(OTHER_JOB, Set.of("node-a", "node-b"), NodeThresholds.leaseOnly(LOST_AFTER));

    for (int i = 0; i < 10; i++) {
      renew("node-b"); // node-b lost too would trip the mass-loss guard and wake both
      Thread.sleep(100);
    }
    assertThat(woken()).containsExactly(OTHER_JOB);
  }

  /**
   * At 5,000 jobs every tick (a second) and every renewal (each node's, every 10 s) checked every
   * job on the nodes concerned, though nothing but a node's verdict changes what a check finds: the
   * node watch's timer was 12 % of the operator's steady profile. Now a job is checked when one of
   * its nodes' verdicts changed, when it was tracked anew, or on a sweep every 30 s.
   */
  @Test
  void onlyJobsWhoseNodesVerdictsChangedAreChecked() throws Exception {
    createNode("node-a", "True");
    createNode("node-b", "True");
    renew("node-a");
    renew("node-b");
    start(Duration.ofMillis(100));
    int many = 500;
    for (int i = 0; i < many; i++) {
      watch.track(
          new ResourceID("ns", "job-" + i), Set.of("node-a"), NodeThresholds.leaseOnly(LOST_AFTER));
    }
    watch.track(JOB, Set.of("node-b"), NodeThresholds.leaseOnly(LOST_AFTER));
    long checksBefore = watch.checks();

    // 25 ticks and 25 renewals of node-a; node-b stops renewing and is lost once.
    long until = System.nanoTime() + 2_500_000_000L;
    while (System.nanoTime() < until) {
      renew("node-a");
      Thread.sleep(100);
    }

    assertThat(woken()).containsExactly(JOB);
    // Checking every job on every tick and renewal would be about 25 x 501 + 25 x 500.
    assertThat(watch.checks() - checksBefore)
        .as("checks: the first tick's %d and a few for node-b", many + 1)
        .isLessThan(2L * (many + 1));
  }

  /** The jobs woken within {@code millis}, each once. */
  private Set<ResourceID> woken(long millis) throws InterruptedException {
    Thread.sleep(millis);
    return woken();
  }

  /** The jobs woken since the last call, each once. */
  private Set<ResourceID> woken() {
    Set<ResourceID> jobs =
        new java.util.TreeSet<>(java.util.Comparator.comparing(Object::toString));
    Event e;
    while ((e = events.poll()) != null) {
      jobs.add(e.getRelatedCustomResourceID());
    }
    return jobs;
  }

  private NodeSight.Verdict verdict(String node, Duration lostAfter) {
    return watch.sight().judge(watch.views(List.of(node)).get(node), lostAfter, Instant.now());
  }

  private void startWith(Duration checkEvery, Duration silence, double fraction) {
    watch = new NodeWatch(client, Clock.systemUTC(), checkEvery, silence, fraction);
    watch.setEventHandler(events::add);
    watch.start();
  }

  private void start(Duration checkEvery) {
    watch = new NodeWatch(client, Clock.systemUTC(), checkEvery);
    watch.setEventHandler(events::add);
    watch.start();
  }

  private void createNode(String name, String ready) {
    client.nodes().resource(Nodes.node(name, ready)).create();
  }

  private void setReady(String name, String ready) {
    client
        .nodes()
        .withName(name)
        .edit(
            n ->
                new NodeBuilder(n)
                    .editStatus()
                    .withConditions(Nodes.ready(ready))
                    .endStatus()
                    .build());
  }

  /** Writes the Lease as a kubelet renews it, creating it the first time. */
  private Instant renew(String node) {
    return Kubelet.writeLease(client, node);
  }

  /** The Node cache keeps what the watch reads and drops the rest (images, managed fields). */
  @Test
  void theNodeCacheKeepsOnlyWhatTheWatchReads() {
    var full =
        new NodeBuilder()
            .withNewMetadata()
            .withName("node-1")
            .withResourceVersion("42")
            .withLabels(java.util.Map.of("topology.kubernetes.io/zone", "a"))
            .withAnnotations(java.util.Map.of("node.alpha.kubernetes.io/ttl", "0"))
            .addNewManagedField()
            .withManager("kubelet")
            .withOperation("Update")
            .endManagedField()
            .endMetadata()
            .withNewSpec()
            .addNewTaint()
            .withKey(NodeView.OUT_OF_SERVICE_TAINT)
            .withEffect("NoExecute")
            .endTaint()
            .endSpec()
            .withNewStatus()
            .withConditions(new NodeConditionBuilder().withType("Ready").withStatus("True").build())
            .endStatus()
            .build();
    for (int i = 0; i < 50; i++) {
      full.getStatus()
          .getImages()
          .add(
              new io.fabric8.kubernetes.api.model.ContainerImageBuilder()
                  .withNames("registry.example.com/team/image-" + i + "@sha256:" + "0".repeat(64))
                  .withSizeBytes(300_000_000L)
                  .build());
    }
    var store = NodeWatch.trimmed(client);
    store.put(store.getKey(full), full);

    Node kept = store.get(store.getKey(full));
    assertThat(kept.getMetadata().getName()).isEqualTo("node-1");
    assertThat(kept.getMetadata().getResourceVersion()).isEqualTo("42");
    assertThat(kept.getMetadata().getLabels()).isEqualTo(full.getMetadata().getLabels());
    assertThat(kept.getSpec().getTaints()).isEqualTo(full.getSpec().getTaints());
    assertThat(kept.getStatus().getConditions()).isEqualTo(full.getStatus().getConditions());
    assertThat(kept.getStatus().getImages()).isEmpty();
    assertThat(kept.getMetadata().getManagedFields()).isEmpty();
    int fullBytes = client.getKubernetesSerialization().asJson(full).length();
    int keptBytes = client.getKubernetesSerialization().asJson(kept).length();
    System.out.printf("a Node with 50 images: %d bytes as sent, %d kept%n", fullBytes, keptBytes);
    assertThat(keptBytes).isLessThan(fullBytes / 10);
  }
}
