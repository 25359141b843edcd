package dev.flinkresilience.operator.observe;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.decide.MassLoss;
import dev.flinkresilience.operator.decide.NodeSight;
import dev.flinkresilience.operator.decide.NodeThresholds;
import dev.flinkresilience.operator.decide.NodeView;
import dev.flinkresilience.operator.decide.WatchHealth;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import io.javaoperatorsdk.operator.OperatorException;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the nodes that host the operator's pods and wakes a job's reconciler when one of its
 * nodes is lost, comes back, or changes what the planner reads (Ready, out-of-service, deleted).
 *
 * <p>Two informers feed it: Nodes, cluster-wide, and the kubelets' Leases in {@value
 * #LEASE_NAMESPACE}. A node dying sends nothing, so staleness is found by a timer that checks only
 * the tracked nodes (about every second). A kubelet renews its Lease every 10 s: a renewal updates
 * the cache and wakes nobody, unless it brings a lost node back.
 *
 * <p>Lease freshness is dated by this process's clock, not by the kubelet's: {@code leaseRenewedAt}
 * is when the informer saw {@code spec.renewTime} change (Kubernetes' node lifecycle controller
 * does the same). A kubelet whose clock lags by more than {@code nodeLostAfter} would otherwise
 * look lost while alive, and a lost node means force-deleting its pods. The first sighting of a
 * Lease (at start) takes its {@code renewTime}, capped at now, since nothing better is known.
 *
 * <p>Staleness counts only on evidence (DESIGN.md §5.6). Each tick also judges the watch itself
 * ({@link WatchHealth}: both informers connected, and Lease events still arriving, since on a live
 * cluster some kubelet renews every few seconds) and the mass-loss guard ({@link MassLoss}, over
 * all nodes). Both go into the {@link NodeSight} every job's pass reads: while either holds, no
 * node is lost, and after a gap or the guard's lifting every node's Lease is aged from that moment
 * only. The decisions are pure; this class only gathers their facts.
 *
 * <p>{@link #views} reads the caches only, never the API server.
 */
public final class NodeWatch extends AbstractEventSource<NodeView, FlinkResilientJob>
    implements AutoCloseable {
  public static final String LEASE_NAMESPACE = "kube-node-lease";
  public static final Duration DEFAULT_CHECK_EVERY = Duration.ofSeconds(1);

  /** The guard's threshold while no job is tracked: the spec's default {@code nodeLostAfter}. */
  private static final Duration DEFAULT_LOST_AFTER = Duration.ofSeconds(20);

  private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(60);

  /**
   * How often a tick checks every tracked job whatever changed: a net under {@link #checkAll}'s
   * selection, which is exact (a check finds nothing new for a job whose nodes' verdicts did not
   * change and that was not tracked anew), but costs a sweep of every job only this often.
   */
  public static final Duration FULL_SWEEP_EVERY = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(NodeWatch.class);

  private final SharedIndexInformer<Node> nodes;
  private final SharedIndexInformer<Lease> leases;
  private final Clock clock;
  private final Duration checkEvery;
  private final Duration silence;
  private final double massLossFraction;
  private final Duration fullSweepEvery;

  /** When the Lease informer last delivered anything: silence across all Leases is a gap. */
  private volatile Instant lastLeaseEvent;

  /** The watch's health, the guard and the sight they make; changed by {@link #refresh} only. */
  private WatchHealth health;

  private Optional<String> massLoss = Optional.empty();
  private Instant guardLiftedAt;

  /**
   * The last tick that saw clearly, and what the watch's latest gap ended: nodes lost by then stay
   * lost through the gap ({@link NodeSight#looksLost}).
   */
  private NodeSight.LastClear clearNow;

  private NodeSight.LastClear lastClear;
  private volatile NodeSight sight;
  private final ScheduledExecutorService timer;
  private final Map<ResourceID, Tracked> tracked = new ConcurrentHashMap<>();

  /** Every node name the informer has shown, so one that disappears reads as deleted. */
  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  /**
   * Per node in the cache, what its view shows, kept as Node events arrive. The trimmed store
   * rebuilds a whole Node through JSON on every read, and the views were read per tracked job per
   * tick: at 1,000 jobs that was 5% of the operator's steady CPU (JFR of the scale benchmark).
   */
  private final Map<String, NodeState> states = new ConcurrentHashMap<>();

  /**
   * The thresholds the tracked jobs use, as of the last tick: a renewal must not walk every job.
   */
  private volatile Set<Duration> thresholdsInUse = Set.of();

  /** Jobs tracked anew (other nodes or thresholds) since the last tick: it must check them. */
  private final Set<ResourceID> retracked = ConcurrentHashMap.newKeySet();

  /**
   * Each node's verdict at each threshold in use, as of the last tick that checked every job it
   * selected; null when the next tick must check every job (at start, after a failed tick).
   */
  private Map<String, Map<Duration, NodeSight.Verdict>> lastVerdicts;

  private Instant nextFullSweep = Instant.MIN;

  /** Jobs checked, by ticks, renewals and Node events (for tests and benchmarks). */
  private final AtomicLong checks = new AtomicLong();

  /** Jobs woken for the last change of the sight (heldBackBy). */
  private final Set<ResourceID> wokenBySight = ConcurrentHashMap.newKeySet();

  /** Threshold crossings a check is scheduled for (armCrossings). */
  private final Set<Instant> armed = ConcurrentHashMap.newKeySet();

  /** Per node: the last renewTime seen and when this process saw it change. */
  private final Map<String, Renewal> renewals = new ConcurrentHashMap<>();

  /** Per node: when this process last saw its renewTime change (first sightings not counted). */
  private final Map<String, Instant> liveRenewals = new ConcurrentHashMap<>();

  /** Per node carrying the operator's LOST_TAINT: when this process first saw it there. */
  private final Map<String, Instant> taintSeen = new ConcurrentHashMap<>();

  public NodeWatch(KubernetesClient client, Clock clock, Duration checkEvery) {
    this(client, clock, checkEvery, WatchHealth.DEFAULT_SILENCE, MassLoss.DEFAULT_FRACTION);
  }

  public NodeWatch(
      KubernetesClient client,
      Clock clock,
      Duration checkEvery,
      Duration silence,
      double massLossFraction) {
    this(client, clock, checkEvery, silence, massLossFraction, FULL_SWEEP_EVERY);
  }

  /**
   * @param silence Lease events may pause this long before the watch counts as impaired
   * @param massLossFraction the mass-loss guard holds when more than this fraction of nodes look
   *     lost at once
   * @param fullSweepEvery how often a tick checks every job ({@link #FULL_SWEEP_EVERY}); zero
   *     checks every job on every tick and every job on a node at each of its renewals, as before
   *     the selection (the baseline of NodeWatchCost)
   */
  public NodeWatch(
      KubernetesClient client,
      Clock clock,
      Duration checkEvery,
      Duration silence,
      double massLossFraction,
      Duration fullSweepEvery) {
    super(NodeView.class, "node-watch");
    this.fullSweepEvery = fullSweepEvery;
    this.clock = clock;
    this.checkEvery = checkEvery;
    this.silence = silence;
    this.massLossFraction = massLossFraction;
    this.health = WatchHealth.starting(clock.instant());
    this.sight = NodeSight.of(health, Optional.empty(), null);
    this.nodes = client.nodes().runnableInformer(0).itemStore(trimmed(client));
    this.leases = client.leases().inNamespace(LEASE_NAMESPACE).runnableInformer(0);
    this.nodes.addEventHandler(new NodeEvents());
    this.leases.addEventHandler(new LeaseEvents());
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "node-watch-timer");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * The Node cache keeps only what the watch reads: labels (the zone), taints and conditions. A
   * Node is mostly its status' image list and managed fields (tens of KB in a real cluster), and
   * the watch is cluster-wide: every node of the cluster, not only those hosting jobs.
   */
  static ReducedStateItemStore<Node> trimmed(KubernetesClient client) {
    return new ReducedStateItemStore<>(
        ReducedStateItemStore.NAME_KEY_STATE,
        Node.class,
        client.getKubernetesSerialization(),
        "metadata.labels",
        "spec.taints",
        "status.conditions");
  }

  /**
   * Watches {@code nodeNames} for the job from now on (called every reconcile with the nodes its
   * pods are bound to). A node newly tracked counts as not lost until checked, so one that is
   * already lost fires on the next tick: better one extra reconcile than a missed loss. The job is
   * woken when a node passes either threshold: past {@code suspectAfter} only the reconciler can
   * tell, with the JobManager's REST silence, whether it is lost.
   */
  public void track(ResourceID job, Set<String> nodeNames, NodeThresholds thresholds) {
    if (nodeNames.isEmpty()) {
      forget(job);
      return;
    }
    Set<String> names = Set.copyOf(nodeNames);
    addThresholds(thresholds);
    tracked.compute(
        job,
        (k, old) -> {
          if (old == null || !old.nodes().equals(names) || !old.thresholds().equals(thresholds)) {
            // Its new nodes are not judged for it yet, and their verdicts may not change again.
            retracked.add(job);
          }
          Set<String> lost = new HashSet<>(old == null ? Set.of() : old.lost());
          lost.retainAll(names);
          Set<String> suspect = new HashSet<>(old == null ? Set.of() : old.suspect());
          suspect.retainAll(names);
          Map<String, Instant> since = new HashMap<>(old == null ? Map.of() : old.lostSince());
          since.keySet().retainAll(names);
          return new Tracked(
              names, thresholds, Set.copyOf(lost), Set.copyOf(suspect), Map.copyOf(since));
        });
  }

  public void forget(ResourceID job) {
    tracked.remove(job);
    retracked.remove(job);
    wokenBySight.remove(job);
  }

  /**
   * What the caches know of the nodes hosting the job, each with when the watch judged it lost for
   * the job ({@link NodeView#judgedLostAt}): a NodeLost incident is detected then, whenever the
   * job's pass comes.
   */
  public Map<String, NodeView> views(ResourceID job, Collection<String> nodeNames) {
    Map<String, NodeView> views = views(nodeNames);
    Tracked t = tracked.get(job);
    if (t != null) {
      t.lostSince()
          .forEach((node, at) -> views.computeIfPresent(node, (n, v) -> v.judgedLostAt(at)));
    }
    return views;
  }

  /** What the caches know of these nodes; a node never seen is absent. */
  public Map<String, NodeView> views(Collection<String> nodeNames) {
    Map<String, NodeView> views = new TreeMap<>();
    for (String name : nodeNames) {
      NodeView view = view(name);
      if (view != null) {
        views.put(name, view);
      }
    }
    return views;
  }

  private String graceKind(Instant now) {
    return sight.graceFrom().isBefore(now.minus(WatchHealth.BRIEF_DISCONNECT))
        ? " (kept: the watch was away briefly)"
        : lastClear == null
            ? " (fresh)"
            : " (fresh; nodes lost by " + lastClear.at() + ", before the gap, stay lost)";
  }

  /** How far the views can be trusted now (as of the last tick). */
  public NodeSight sight() {
    return sight;
  }

  @Override
  public Set<NodeView> getSecondaryResources(FlinkResilientJob primary) {
    Tracked t = tracked.get(ResourceID.fromResource(primary));
    return t == null ? Set.of() : Set.copyOf(views(t.nodes()).values());
  }

  @Override
  public void start() throws OperatorException {
    try {
      nodes.start().toCompletableFuture().get(SYNC_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      leases.start().toCompletableFuture().get(SYNC_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      close();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new OperatorException("node watch could not list Nodes and node Leases", e);
    }
    refresh(); // the grace of every node runs from now: what was cached before is no evidence
    long period = checkEvery.toMillis();
    timer.scheduleWithFixedDelay(this::checkAll, period, period, TimeUnit.MILLISECONDS);
    super.start();
  }

  @Override
  public void stop() throws OperatorException {
    close();
    super.stop();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    nodes.close();
    leases.close();
    tracked.clear();
  }

  private NodeView view(String name) {
    NodeState state = states.get(name);
    Renewal renewal = renewals.get(name);
    Instant renewedAt = renewal == null ? null : renewal.seenAt();
    if (state == null) {
      return seen.contains(name) ? new NodeView(name, renewedAt, null, false, true) : null;
    }
    return new NodeView(name, renewedAt, state.ready(), state.outOfService(), false)
        .withLostTaint(state.lostTaint());
  }

  /**
   * Nodes that carry the operator's {@link NodeView#LOST_TAINT} although alive: this process saw
   * their Lease renewed (a new {@code renewTime}, not a first sighting) after it saw the taint, and
   * within {@code within} of now, and the Node object does not report them lost. The taint is for
   * replacements while a node is dead; one that renews again is back, and the taint goes
   * (LostNodeTaints). A renewal from before the taint is no such evidence (a node is tainted a
   * nodeLostAfter after its last one), nor is a first sighting at start: a node that died while the
   * operator was away would shed its taint.
   */
  public Set<String> taintedButAlive(Duration within) {
    Instant since = clock.instant().minus(within);
    Set<String> alive = new TreeSet<>();
    taintSeen.forEach(
        (name, tainted) -> {
          Instant renewed = liveRenewals.get(name);
          NodeView view = view(name);
          if (renewed != null
              && renewed.isAfter(tainted)
              && !renewed.isBefore(since)
              && view != null
              && !view.reportedLost()) {
            alive.add(name);
          }
        });
    return alive;
  }

  /**
   * The timer's tick: any tracked node turned lost or back since the last look? A check can find
   * something new for a job only when a verdict on one of its nodes changed (all a check reads of a
   * node is its verdict at the job's thresholds, and when it was first judged lost, which changes
   * only with the verdict) or when the job was tracked anew: those are the jobs checked, against
   * the verdicts of the last tick. Every job is checked when the sight's hold changed (its jobs are
   * woken: heldBackBy), after a tick that failed, and every {@link #FULL_SWEEP_EVERY}.
   */
  private void checkAll() {
    try {
      boolean changed = refresh();
      Instant now = clock.instant();
      Map<String, Map<Duration, NodeSight.Verdict>> before = lastVerdicts;
      lastVerdicts = null; // until every job selected below is checked
      Map<String, Map<Duration, NodeSight.Verdict>> verdicts = verdicts(now);
      Set<ResourceID> due = new HashSet<>();
      retracked.removeIf(due::add); // one tracked again from now on is due at the next tick
      if (changed || before == null || !now.isBefore(nextFullSweep) || fullSweepEvery.isZero()) {
        tracked.forEach((job, t) -> check(job, changed && heldBackBy(job, t, now)));
        nextFullSweep = now.plus(fullSweepEvery);
      } else {
        Set<String> moved = changedNodes(before, verdicts);
        if (!moved.isEmpty()) {
          tracked.forEach(
              (job, t) -> {
                if (!Collections.disjoint(t.nodes(), moved)) {
                  due.add(job);
                }
              });
        }
        due.forEach(job -> check(job, false));
      }
      lastVerdicts = verdicts;
      thresholdsInUse = thresholdsInUse();
      armCrossings(renewals.values());
    } catch (RuntimeException e) {
      // Never let one bad tick cancel the timer: a dead timer means no node is ever lost.
      LOG.warn("node check failed", e);
    }
  }

  /**
   * Whether a change of the sight (a hold starting or lifting) matters to the job: one of its nodes
   * looks lost by its Lease alone, at the job's first threshold (the hold keeps it from acting now,
   * or lets it act once lifted), or it was woken for the last change and may show a hold that is
   * gone. Every other job would plan and report exactly as before. Waking them all cost a pass per
   * job for each blip of the watch: at 5,000 jobs, with the stand-in kubelets renewing late under
   * load, the guard held and lifted every minute or two, each time queueing all 5,000 jobs.
   */
  private boolean heldBackBy(ResourceID job, Tracked t, Instant now) {
    Duration first =
        t.thresholds().corroborates() ? t.thresholds().suspectAfter() : t.thresholds().lostAfter();
    boolean looksLost = views(t.nodes()).values().stream().anyMatch(v -> v.isLost(first, now));
    boolean wokenLastTime = looksLost ? !wokenBySight.add(job) : wokenBySight.remove(job);
    return looksLost || wokenLastTime;
  }

  /**
   * When each node judged lost for the job was first judged so: the detection time of its loss. It
   * lasts while the node is lost or held (a hold is "cannot tell now", and the loss it holds back
   * is the same one: at 1,000 jobs a 1-s reconnect of the watch 19 s into a node loss had restamped
   * the jobs whose pass came after it 20 s late), and goes once the node is alive.
   */
  private Map<String, Instant> lostSince(Tracked t, Collection<NodeView> views, Instant now) {
    Map<String, Instant> since = new HashMap<>();
    Duration after = t.thresholds().lostAfter();
    for (NodeView v : views) {
      NodeSight.Verdict verdict = sight.judge(v, after, now);
      Instant before = t.lostSince().get(v.name());
      if (verdict == NodeSight.Verdict.LOST) {
        since.put(v.name(), before == null ? now : before);
      } else if (verdict == NodeSight.Verdict.HELD && before != null) {
        since.put(v.name(), before);
      }
    }
    return Map.copyOf(since);
  }

  /** Jobs checked so far, by ticks, renewals and Node events. */
  public long checks() {
    return checks.get();
  }

  /** Every node's verdict, as {@link #check} reads it, at each threshold in use. */
  private Map<String, Map<Duration, NodeSight.Verdict>> verdicts(Instant now) {
    Set<String> names = new HashSet<>(seen);
    names.addAll(states.keySet());
    names.addAll(renewals.keySet());
    Map<String, Map<Duration, NodeSight.Verdict>> out = new HashMap<>();
    for (String name : names) {
      Map<Duration, NodeSight.Verdict> v = verdicts(name, now);
      if (v != null) {
        out.put(name, v);
      }
    }
    return out;
  }

  /** The node's verdict at each threshold in use; null for a node the caches do not show. */
  private Map<Duration, NodeSight.Verdict> verdicts(String name, Instant now) {
    NodeView view = view(name);
    if (view == null) {
      return null;
    }
    Map<Duration, NodeSight.Verdict> out = new HashMap<>();
    for (Duration threshold : thresholdsInUse) {
      out.put(threshold, sight.judge(view, threshold, now));
    }
    return out;
  }

  private static Set<String> changedNodes(
      Map<String, Map<Duration, NodeSight.Verdict>> before,
      Map<String, Map<Duration, NodeSight.Verdict>> now) {
    Set<String> names = new HashSet<>(before.keySet());
    names.addAll(now.keySet());
    names.removeIf(n -> Objects.equals(before.get(n), now.get(n)));
    return names;
  }

  /** Fires for the job when its set of lost nodes changed, or always when {@code force}. */
  private void check(ResourceID job, boolean force) {
    checks.incrementAndGet();
    Instant now = clock.instant();
    AtomicBoolean fire = new AtomicBoolean();
    tracked.computeIfPresent(
        job,
        (k, t) -> {
          Collection<NodeView> views = views(t.nodes()).values();
          Set<String> lostNow = judgedLost(views, t.thresholds().lostAfter(), now);
          Set<String> suspectNow =
              t.thresholds().corroborates()
                  ? judgedLost(views, t.thresholds().suspectAfter(), now)
                  : Set.of();
          Map<String, Instant> since = lostSince(t, views, now);
          if (force || !lostNow.equals(t.lost()) || !suspectNow.equals(t.suspect())) {
            fire.set(true);
            return new Tracked(t.nodes(), t.thresholds(), lostNow, suspectNow, since);
          }
          return since.equals(t.lostSince())
              ? t
              : new Tracked(t.nodes(), t.thresholds(), t.lost(), t.suspect(), since);
        });
    if (fire.get() && getEventHandler() != null) {
      getEventHandler().handleEvent(new Event(job));
    }
  }

  /**
   * Judges the watch and the guard anew; true when what holds the operator back changed (the jobs
   * it concerns are then woken, to show or clear it: heldBackBy). The guard counts every node the
   * cache holds, with the shortest threshold any job uses, so it trips as early as the most eager
   * job would act.
   */
  synchronized boolean refresh() {
    Instant now = clock.instant();
    boolean watching =
        nodes.isWatching() && leases.isWatching() && nodes.hasSynced() && leases.hasSynced();
    Duration shortestLostAfter =
        tracked.values().stream()
            .map(t -> t.thresholds().lostAfter())
            .min(Duration::compareTo)
            .orElse(DEFAULT_LOST_AFTER);
    health =
        WatchHealth.next(
            health,
            new WatchHealth.Facts(watching, lastLeaseEvent, leases.getStore().list().size()),
            now,
            silence,
            WatchHealth.briefFor(shortestLostAfter, checkEvery));
    if (!health.healthy() && sight.hold() == null && clearNow != null) {
      lastClear = clearNow; // the gap begins: what was lost until the last clear tick stays lost
    }
    NodeSight graced = NodeSight.of(health, Optional.empty(), guardLiftedAt, lastClear);
    Duration lostAfter =
        tracked.values().stream()
            .map(
                t ->
                    t.thresholds().corroborates()
                        ? t.thresholds().suspectAfter()
                        : t.thresholds().lostAfter())
            .min(Duration::compareTo)
            .orElse(DEFAULT_LOST_AFTER);
    List<MassLoss.Node> all = new ArrayList<>();
    for (Map.Entry<String, NodeState> node : states.entrySet()) {
      NodeView view = view(node.getKey());
      if (view != null) {
        all.add(
            new MassLoss.Node(
                view.name(),
                node.getValue().zone(),
                !view.isFenced() && graced.looksLost(view, lostAfter, now),
                view.leaseRenewedAt()));
      }
    }
    Optional<String> guard = health.healthy() ? MassLoss.judge(all, massLossFraction) : massLoss;
    if (massLoss.isPresent() && guard.isEmpty()) {
      // Act only on nodes that stay lost once the guard lifts: their Leases age from now.
      guardLiftedAt = now;
      lastClear = null; // every node, whenever it was lost, must stay lost past a fresh grace
      LOG.warn("mass-loss guard lifted; nodes still lost get a fresh grace from {}", now);
    } else if (massLoss.isEmpty() && guard.isPresent()) {
      LOG.warn("mass-loss guard holds: {}; nothing is released or redeployed", guard.get());
    }
    massLoss = guard;
    NodeSight before = sight;
    sight = NodeSight.of(health, massLoss, guardLiftedAt, lastClear);
    clearNow = sight.hold() == null ? new NodeSight.LastClear(sight.graceFrom(), now) : null;
    if (!Objects.equals(before.hold(), sight.hold())) {
      LOG.warn(
          "node sight: {}",
          sight.hold() == null
              ? "clear, grace from " + sight.graceFrom() + graceKind(now)
              : sight.hold());
      return true;
    }
    return false;
  }

  private void nodeMatters(String name, boolean force) {
    tracked.forEach(
        (job, t) -> {
          if (t.nodes().contains(name)) {
            check(job, force);
          }
        });
  }

  private final class NodeEvents implements ResourceEventHandler<Node> {
    @Override
    public void onAdd(Node node) {
      String name = node.getMetadata().getName();
      NodeState state = NodeState.of(node);
      states.put(name, state);
      taintSeen(name, state);
      seen.add(name);
      nodeMatters(name, true); // a first sighting, or a node back under a name it had
    }

    @Override
    public void onUpdate(Node before, Node after) {
      String name = after.getMetadata().getName();
      NodeState state = NodeState.of(after);
      NodeState old = states.put(name, state);
      taintSeen(name, state);
      seen.add(name);
      // Heartbeat times change every status update; only what the view shows counts.
      if (!state.equals(old)) {
        nodeMatters(name, true);
      }
    }

    @Override
    public void onDelete(Node node, boolean finalStateUnknown) {
      states.remove(node.getMetadata().getName());
      taintSeen.remove(node.getMetadata().getName());
      nodeMatters(node.getMetadata().getName(), true);
    }
  }

  private void taintSeen(String name, NodeState state) {
    if (state.lostTaint()) {
      taintSeen.putIfAbsent(name, clock.instant());
    } else {
      taintSeen.remove(name);
    }
  }

  private final class LeaseEvents implements ResourceEventHandler<Lease> {
    @Override
    public void onAdd(Lease lease) {
      renewed(lease);
    }

    @Override
    public void onUpdate(Lease before, Lease after) {
      renewed(after);
    }

    @Override
    public void onDelete(Lease lease, boolean finalStateUnknown) {
      lastLeaseEvent = clock.instant();
      renewals.remove(lease.getMetadata().getName());
      liveRenewals.remove(lease.getMetadata().getName());
    }

    /** Records the renewal; wakes no one unless it brings a lost node back. */
    private void renewed(Lease lease) {
      lastLeaseEvent = clock.instant();
      String name = lease.getMetadata().getName();
      Instant renewTime =
          lease.getSpec() == null || lease.getSpec().getRenewTime() == null
              ? null
              : lease.getSpec().getRenewTime().toInstant();
      if (renewTime == null) {
        return;
      }
      Instant now = clock.instant();
      Map<Duration, NodeSight.Verdict> before = verdicts(name, now);
      Renewal next =
          renewals.compute(
              name,
              (k, old) -> {
                if (old == null) {
                  return new Renewal(renewTime, renewTime.isAfter(now) ? now : renewTime);
                }
                if (old.renewTime().equals(renewTime)) {
                  return old;
                }
                liveRenewals.put(name, now);
                return new Renewal(renewTime, now);
              });
      if (next.seenAt().equals(now)) {
        // A renewal that changes none of the node's verdicts (it was alive and stays so) changes
        // no job's check: at 5,000 jobs on three nodes each renewal checked 1,700 jobs for nothing.
        if (fullSweepEvery.isZero() || !Objects.equals(before, verdicts(name, now))) {
          nodeMatters(name, false);
        }
        armCrossings(List.of(next));
      }
    }
  }

  /**
   * A node whose Lease crosses a threshold in use before the next tick is checked at that moment:
   * judged when it crosses, not up to a tick later (detection came 0.1 to 0.4 s after the 12 s of
   * {@code nodeSuspectAfter} in the node-loss benchmark, half a tick on average). A node that
   * renews on time never comes within a tick of a threshold, so a healthy cluster arms nothing.
   * Called on every tick for every node, and on a renewal for that node (a threshold shorter than a
   * tick).
   */
  private void armCrossings(Collection<Renewal> seen) {
    Instant now = clock.instant();
    for (Instant at : crossingsWithin(seen, thresholdsInUse, now, checkEvery)) {
      if (!timer.isShutdown() && armed.add(at)) {
        long delay = Duration.between(now, at).toMillis() + 1;
        timer.schedule(
            () -> {
              armed.remove(at);
              checkAll();
            },
            delay,
            TimeUnit.MILLISECONDS);
      }
    }
  }

  /**
   * When the Leases seen cross one of {@code thresholds} after {@code now} and no later than one
   * {@code tick} from it.
   */
  static Set<Instant> crossingsWithin(
      Collection<Renewal> seen, Set<Duration> thresholds, Instant now, Duration tick) {
    Instant until = now.plus(tick);
    Set<Instant> crossings = new java.util.TreeSet<>();
    for (Renewal r : seen) {
      for (Duration threshold : thresholds) {
        Instant at = r.seenAt().plus(threshold);
        if (at.isAfter(now) && !at.isAfter(until)) {
          crossings.add(at);
        }
      }
    }
    return crossings;
  }

  /** A job's thresholds count from its first track, not from the next tick. */
  private void addThresholds(NodeThresholds t) {
    Set<Duration> in = thresholdsInUse;
    boolean known =
        in.contains(t.lostAfter()) && (!t.corroborates() || in.contains(t.suspectAfter()));
    if (!known) {
      synchronized (this) {
        Set<Duration> more = new java.util.HashSet<>(thresholdsInUse);
        more.add(t.lostAfter());
        if (t.corroborates()) {
          more.add(t.suspectAfter());
        }
        thresholdsInUse = Set.copyOf(more);
      }
    }
  }

  private Set<Duration> thresholdsInUse() {
    Set<Duration> in = new java.util.HashSet<>();
    for (Tracked t : tracked.values()) {
      in.add(t.thresholds().lostAfter());
      if (t.thresholds().corroborates()) {
        in.add(t.thresholds().suspectAfter());
      }
    }
    return in;
  }

  private Set<String> judgedLost(Collection<NodeView> views, Duration after, Instant now) {
    return views.stream()
        .filter(v -> sight.judge(v, after, now) == NodeSight.Verdict.LOST)
        .map(NodeView::name)
        .collect(Collectors.toUnmodifiableSet());
  }

  /**
   * @param lost the job's nodes judged lost at its nodeLostAfter
   * @param lostSince when each node lost or held since was first judged lost ({@link #lostSince})
   */
  private record Tracked(
      Set<String> nodes,
      NodeThresholds thresholds,
      Set<String> lost,
      Set<String> suspect,
      Map<String, Instant> lostSince) {}

  record Renewal(Instant renewTime, Instant seenAt) {}

  /** What a Node update can change in its view (the Lease dates it separately), and its zone. */
  private record NodeState(String ready, boolean outOfService, boolean lostTaint, String zone) {
    static NodeState of(Node node) {
      String ready = null;
      if (node.getStatus() != null && node.getStatus().getConditions() != null) {
        ready =
            node.getStatus().getConditions().stream()
                .filter(c -> "Ready".equals(c.getType()))
                .map(c -> c.getStatus())
                .findFirst()
                .orElse(null);
      }
      var labels = node.getMetadata().getLabels();
      return new NodeState(
          ready,
          tainted(node, NodeView.OUT_OF_SERVICE_TAINT),
          tainted(node, NodeView.LOST_TAINT),
          labels == null ? null : labels.get(MassLoss.ZONE_LABEL));
    }

    private static boolean tainted(Node node, String key) {
      return node.getSpec() != null
          && node.getSpec().getTaints() != null
          && node.getSpec().getTaints().stream().anyMatch(t -> key.equals(t.getKey()));
    }
  }
}
