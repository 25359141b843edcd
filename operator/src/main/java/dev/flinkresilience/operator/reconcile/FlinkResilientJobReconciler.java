package dev.flinkresilience.operator.reconcile;

import dev.flinkresilience.operator.act.ClusterActions;
import dev.flinkresilience.operator.act.EventEmitter;
import dev.flinkresilience.operator.act.LostNodeTaints;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.RecoverySpec;
import dev.flinkresilience.operator.decide.CheckpointStorageView;
import dev.flinkresilience.operator.decide.Decision;
import dev.flinkresilience.operator.decide.LifecyclePlanner;
import dev.flinkresilience.operator.decide.NodeSight;
import dev.flinkresilience.operator.decide.NodeThresholds;
import dev.flinkresilience.operator.decide.ObservedCluster;
import dev.flinkresilience.operator.decide.PlanInput;
import dev.flinkresilience.operator.decide.SavepointSchedule;
import dev.flinkresilience.operator.decide.SavepointView;
import dev.flinkresilience.operator.model.DesiredState;
import dev.flinkresilience.operator.model.FlinkVerdicts;
import dev.flinkresilience.operator.observe.ClusterObserver;
import dev.flinkresilience.operator.observe.NodeWatch;
import dev.flinkresilience.operator.observe.SavepointOperations;
import dev.flinkresilience.operator.observe.storage.CheckpointStorageReads;
import dev.flinkresilience.operator.report.Report;
import dev.flinkresilience.operator.report.StatusReporter;
import dev.flinkresilience.operator.validate.TenantPolicy;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One pass over one FlinkResilientJob: observe → check → decide → act → report. The decision is
 * pure ({@link LifecyclePlanner}); this class only moves data between the caches, the poller, the
 * planner and the API server ({@link DecisionActions} carries decisions out). Nothing here waits on
 * Flink: {@link FlinkWatch} hands over the newest poll, taken on the poller's own threads.
 */
@ControllerConfiguration(name = FlinkResilientJobReconciler.NAME)
public class FlinkResilientJobReconciler
    implements Reconciler<FlinkResilientJob>, Cleaner<FlinkResilientJob> {
  public static final String NAME = "flinkresilientjob";

  private final EventEmitter events;
  private final StatusWriter statusWriter;
  private final Teardown teardown;
  private final FlinkWatch flink;
  private final CheckpointStorageReads storage;
  private final SavepointOperations savepoints;
  private final DecisionActions acting;

  /** Empty when node-loss detection is switched off (the operator may not read nodes). */
  private final Optional<NodeWatch> nodes;

  private final LostNodeTaints taints;

  private final Clock clock;
  private final TenantPolicy policy;
  private final FlinkVerdicts verdicts = new FlinkVerdicts();
  private final JobCount jobCount = new JobCount();

  public FlinkResilientJobReconciler(
      ClusterActions actions,
      EventEmitter events,
      StatusWriter statusWriter,
      Teardown teardown,
      FlinkWatch flink,
      CheckpointStorageReads storage,
      SavepointOperations savepoints,
      Optional<NodeWatch> nodes,
      LostNodeTaints taints,
      Clock clock,
      TenantPolicy policy) {
    this.events = events;
    this.statusWriter = statusWriter;
    this.teardown = teardown;
    this.flink = flink;
    this.storage = storage;
    this.savepoints = savepoints;
    this.acting = new DecisionActions(actions, taints, teardown, flink, savepoints);
    this.nodes = nodes;
    this.taints = taints;
    this.clock = clock;
    this.policy = policy;
  }

  @Override
  public UpdateControl<FlinkResilientJob> reconcile(
      FlinkResilientJob job, Context<FlinkResilientJob> ctx) {
    try (JobLogContext log = JobLogContext.of(job)) {
      return pass(job, ctx, log);
    }
  }

  /**
   * One pass, and when it opened an incident or tainted a lost node, the next one at once, on the
   * status just written: the pass after a detection is the one that acts (releases a lost node's
   * pods and hands over Flink's leadership, or tears down), and so is the pass after the taint.
   * Rescheduled, it waited behind every pass queued meanwhile, and when a node dies every job on it
   * is queued at once (the scale benchmark at 1,000 jobs: the release came 37 s p50 after the
   * detection; and with the taint, the 41 jobs whose pass wrote or met it were released 21.6 to
   * 24.3 s after their incident opened, chained 1.9 to 4.0 s, the others 0.2 to 2.3 s). At most two
   * such steps: whatever the last pass decides is paced as usual.
   *
   * <p>A lost node's incident to be verified is not written on its own: the next pass writes it
   * with its first step ({@link #writtenWithNext}). Whatever the chain's last pass decides is
   * written, and so is an opening whose next pass fails.
   */
  private UpdateControl<FlinkResilientJob> pass(
      FlinkResilientJob job, Context<FlinkResilientJob> ctx, JobLogContext log) {
    FlinkResilientJob stored = job; // as the API server has it
    FlinkResilientJob seen = job; // with what a pass left to the next one to write
    for (int chained = 0; ; chained++) {
      boolean last = chained == MAX_CHAINED;
      Pass pass = once(stored, seen, !last, ctx, log);
      if (pass.left()) {
        seen = withStatus(stored, pass.status());
        continue;
      }
      if (last || !actsNext(pass.decision(), pass.written().isPresent())) {
        return pass.control();
      }
      stored = pass.written().get();
      seen = stored;
    }
  }

  /** Passes run at once after the first: an opening, then a taint, then the release. */
  static final int MAX_CHAINED = 2;

  /**
   * Whether the next pass comes at once, on the status the pass wrote: after it opened an incident
   * or tainted a lost node (the decision carried out: a taint given up on comes back as {@code
   * AwaitRecovery}), and only once that was written, so the next pass reads it (package-private for
   * the table test).
   */
  static boolean actsNext(Decision carriedOut, boolean written) {
    return (carriedOut instanceof Decision.OpenIncident
            || carriedOut instanceof Decision.TaintLostNode)
        && written;
  }

  /**
   * Whether a pass's status is left to the next pass, run at once, to write with its own ({@link
   * Decision.OpenIncident#writtenWithNextStep}): one status write per job fewer before the release,
   * when every job on a dead node is queued at once (package-private for the table test).
   */
  static boolean writtenWithNext(Decision decision) {
    return decision instanceof Decision.OpenIncident open && open.writtenWithNextStep();
  }

  /** The job as stored, seen with a status not yet written; the cached object is not touched. */
  private static FlinkResilientJob withStatus(FlinkResilientJob stored, FlinkResilientJobStatus s) {
    FlinkResilientJob seen = new FlinkResilientJob();
    seen.setMetadata(stored.getMetadata());
    seen.setSpec(stored.getSpec());
    seen.setStatus(s);
    return seen;
  }

  /**
   * What one pass decided, the status it reported, whether it left that status to the next pass,
   * what it wrote otherwise (empty: nothing changed, or progress left to a later pass), and when to
   * look again.
   */
  private record Pass(
      Decision decision,
      FlinkResilientJobStatus status,
      boolean left,
      Optional<FlinkResilientJob> written,
      UpdateControl<FlinkResilientJob> control) {}

  /**
   * One pass on {@code job} ({@code stored}, or a copy carrying a status left to this pass),
   * writing its status over {@code stored}'s unless {@code mayLeave} and the decision is written
   * with the next step. If it fails before its write while {@code job} carries a status left to it,
   * that status is written before the failure goes to JOSDK's retry, so the incident shows
   * meanwhile.
   */
  private Pass once(
      FlinkResilientJob stored,
      FlinkResilientJob job,
      boolean mayLeave,
      Context<FlinkResilientJob> ctx,
      JobLogContext log) {
    Acted acted;
    try {
      acted = act(job, ctx, log);
    } catch (RuntimeException e) {
      if (job != stored) {
        try {
          statusWriter.write(stored, job.getStatus(), ctx);
        } catch (RuntimeException writing) {
          e.addSuppressed(writing);
        }
      }
      throw e;
    }
    Instant now = acted.now();
    PlanInput input = acted.input();
    Decision decision = acted.decision();
    Report report = acted.report();
    FlinkWatch.Seen seen = acted.seen();
    boolean left = mayLeave && writtenWithNext(decision);
    Optional<FlinkResilientJob> written =
        left ? Optional.empty() : statusWriter.write(stored, report.status(), ctx);
    flink.follow(job, report.status(), ctx, seen.ha(), notSeenAlive(input));
    followNodes(job, ctx, input);
    UpdateControl<FlinkResilientJob> control =
        UpdateControl.<FlinkResilientJob>noUpdate()
            .rescheduleAfter(
                Pacing.untilSavepointDue(
                    Pacing.whileWaitingOnTime(
                        Pacing.spreadSteady(
                            Pacing.after(decision, report.status(), now),
                            jobCount.of(() -> ctx.getPrimaryCache().list().count()),
                            java.util.concurrent.ThreadLocalRandom.current().nextDouble()),
                        report.status()),
                    decision,
                    SavepointSchedule.wakeIn(
                        new PlanInput(
                            input.desired(),
                            input.violations(),
                            report.status(),
                            input.cluster(),
                            input.ha(),
                            now))));
    return new Pass(decision, report.status(), left, written, control);
  }

  /** What a pass saw, decided, did and reports, before its status is written. */
  private record Acted(
      Instant now, PlanInput input, Decision decision, Report report, FlinkWatch.Seen seen) {}

  /** Observe, check, decide, act, report: a pass up to its status write. */
  private Acted act(FlinkResilientJob job, Context<FlinkResilientJob> ctx, JobLogContext log) {
    Instant now = clock.instant();
    DesiredState.Checked checked = DesiredState.check(job, policy, verdicts);
    FlinkWatch.Seen seen = flink.seen(job, ctx);
    ObservedCluster observed =
        observe(job, ctx).withAnswer(seen.answer()).withSilence(seen.silence());
    PlanInput input =
        new PlanInput(
            checked.desired(),
            checked.violations(),
            seen.merged().status(),
            observed,
            seen.ha(),
            now,
            storage(job, observed),
            savepoint(job));
    Plan plan = plan(job, ctx, input);
    input = plan.input();
    Decision decision = acting.carryOut(job, ctx, input, plan.decision());
    afterAct(job, decision);
    Report report = StatusReporter.report(name(job), generation(job), input, decision, now);
    log.incident(input.status(), report.status());
    seen.merged().events().forEach(e -> events.emit(job, e));
    report.events().forEach(e -> events.emit(job, e));
    return new Acted(now, input, decision, report, seen);
  }

  /**
   * The checkpoint storage is read only once the old cluster is gone (DESIGN.md §5.5): then no
   * checkpoint newer than the listing can appear. A view is forgotten as soon as a cluster is seen
   * again, so the next teardown reads afresh.
   */
  private CheckpointStorageView storage(FlinkResilientJob job, ObservedCluster observed) {
    ResourceID id = ResourceID.fromResource(job);
    if (observed.jobManager().isPresent() || observed.podsRemaining() > 0) {
      storage.forget(id);
      return CheckpointStorageView.notRead();
    }
    return storage.view(id);
  }

  private void afterAct(FlinkResilientJob job, Decision decision) {
    ResourceID id = ResourceID.fromResource(job);
    if (decision instanceof Decision.ReadCheckpointStorage read) {
      storage.request(id, read.query());
    } else if (decision instanceof Decision.Deploy || decision instanceof Decision.FinishSuspend) {
      // A suspended job may stay so for days: its resume reads the storage afresh.
      storage.forget(id);
    }
    if (decision instanceof Decision.DeleteCluster
        || decision instanceof Decision.Deploy
        || decision instanceof Decision.FinishSuspend) {
      // The stop is over: its savepoint is in status, or it was given up for last-state. A
      // savepoint or disposal of the old cluster is judged from status on a later pass.
      savepoints.forget(id);
    }
  }

  /**
   * What the planner needs for savepoints: whether the REST API answers, and how the operations
   * followed for this job (a stop, a savepoint, disposals) stand.
   */
  private SavepointView savepoint(FlinkResilientJob job) {
    SavepointView view = SavepointView.answeredAt(flink.answeredAt(job));
    for (var p : savepoints.progress(ResourceID.fromResource(job)).values()) {
      view = view.following(p.key(), p.state(), p.location(), p.failure());
    }
    return view;
  }

  @Override
  public DeleteControl cleanup(FlinkResilientJob job, Context<FlinkResilientJob> ctx)
      throws Exception {
    try (JobLogContext log = JobLogContext.of(job)) {
      forget(ResourceID.fromResource(job));
      return teardown.onDelete(job, observe(job, ctx), ctx);
    }
  }

  /**
   * Drops what the operator follows for a job it no longer has: deleted, or gone out of this
   * operator's {@code --job-selector} (relabelled to another shard, which JOSDK sees as a delete
   * without a cleanup). Without this an old shard kept polling the job's JobManager and watching
   * its nodes after the new shard took it over.
   */
  public void forget(ResourceID id) {
    id.getNamespace().ifPresent(ns -> verdicts.forget(ns, id.getName()));
    flink.forget(id);
    storage.forget(id);
    savepoints.forget(id);
    nodes.ifPresent(n -> n.forget(id));
  }

  @Override
  public List<EventSource<?, FlinkResilientJob>> prepareEventSources(
      EventSourceContext<FlinkResilientJob> context) {
    List<EventSource<?, FlinkResilientJob>> sources = new ArrayList<>();
    sources.add(ClusterEventSources.labelled(Deployment.class, "jobmanager-deployments", context));
    sources.add(ClusterEventSources.labelled(Pod.class, "pods", context));
    sources.add(ClusterEventSources.flinkHaConfigMaps(context, flink.poller()::checkpointWakes));
    sources.add(flink.poller());
    sources.add(savepoints);
    nodes.ifPresent(sources::add);
    return sources;
  }

  private ObservedCluster observe(FlinkResilientJob job, Context<FlinkResilientJob> ctx) {
    List<Pod> pods = JobObjects.of(ctx, Pod.class, job);
    Set<String> hosting = ClusterObserver.nodesHosting(pods);
    return ClusterObserver.observe(
            name(job),
            JobObjects.of(ctx, Deployment.class, job),
            pods,
            taints.overlay(
                nodes.map(n -> n.views(ResourceID.fromResource(job), hosting)).orElse(Map.of())),
            nodes.map(NodeWatch::sight).orElse(NodeSight.CLEAR))
        .withNodeTaints(taints.mayTaint(hosting));
  }

  /** The decision of a pass and the input it was confirmed on. */
  private record Plan(PlanInput input, Decision decision) {}

  /**
   * The planner's decision, confirmed right before anything is destroyed: the caches and the node
   * sight are read again, and a Lease renewed or a watch gap begun since this pass observed changes
   * the decision (DESIGN.md §5.6).
   */
  private Plan plan(FlinkResilientJob job, Context<FlinkResilientJob> ctx, PlanInput input) {
    Decision decision = LifecyclePlanner.decide(input);
    if (!destroys(decision)) {
      return new Plan(input, decision);
    }
    PlanInput fresh =
        new PlanInput(
            input.desired(),
            input.violations(),
            input.status(),
            observe(job, ctx)
                .withAnswer(input.cluster().answer())
                .withSilence(input.cluster().silence()),
            input.ha(),
            clock.instant(),
            input.storage(),
            input.savepoint());
    Decision confirmed = LifecyclePlanner.decide(fresh);
    return confirmed.equals(decision) ? new Plan(input, decision) : new Plan(fresh, confirmed);
  }

  private static boolean destroys(Decision decision) {
    return decision instanceof Decision.ReleasePods
        || decision instanceof Decision.TaintLostNode
        || decision instanceof Decision.TearDownForRecovery;
  }

  /** Nodes judged lost: a JobManager there is not polled, even if it still reads Ready. */
  private static Set<String> notSeenAlive(PlanInput in) {
    return in.cluster().lostNodes(thresholds(in), in.now());
  }

  private static NodeThresholds thresholds(PlanInput in) {
    // An invalid spec keeps the running cluster, which is watched with the default thresholds.
    return NodeThresholds.of(
        in.desired() != null ? in.desired().spec().getRecovery() : new RecoverySpec());
  }

  /** The node watch checks the nodes hosting the job's pods for staleness between passes. */
  private void followNodes(FlinkResilientJob job, Context<FlinkResilientJob> ctx, PlanInput in) {
    if (nodes.isEmpty()) {
      return;
    }
    Set<String> hosting = ClusterObserver.nodesHosting(JobObjects.of(ctx, Pod.class, job));
    nodes.get().track(ResourceID.fromResource(job), hosting, thresholds(in));
  }

  private static String name(FlinkResilientJob job) {
    return job.getMetadata().getName();
  }

  private static long generation(FlinkResilientJob job) {
    Long g = job.getMetadata().getGeneration();
    return g == null ? 0 : g;
  }
}
