package dev.flinkresilience.operator.reconcile;

import dev.flinkresilience.operator.act.ClusterActions;
import dev.flinkresilience.operator.act.EventEmitter;
import dev.flinkresilience.operator.act.ObjectNotOwned;
import dev.flinkresilience.operator.act.ObjectRefused;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.RecoverySpec;
import dev.flinkresilience.operator.decide.CheckpointStorageView;
import dev.flinkresilience.operator.decide.Decision;
import dev.flinkresilience.operator.decide.LifecyclePlanner;
import dev.flinkresilience.operator.decide.NodeSight;
import dev.flinkresilience.operator.decide.NodeThresholds;
import dev.flinkresilience.operator.decide.ObservedCluster;
import dev.flinkresilience.operator.decide.Placement;
import dev.flinkresilience.operator.decide.PlanInput;
import dev.flinkresilience.operator.decide.RecoveryAttempts;
import dev.flinkresilience.operator.decide.SavepointSchedule;
import dev.flinkresilience.operator.decide.SavepointView;
import dev.flinkresilience.operator.model.DeploymentStamp;
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
 * planner and the API server. Nothing here waits on Flink: {@link FlinkWatch} hands over the newest
 * poll, taken on the poller's own threads.
 */
@ControllerConfiguration(name = FlinkResilientJobReconciler.NAME)
public class FlinkResilientJobReconciler
    implements Reconciler<FlinkResilientJob>, Cleaner<FlinkResilientJob> {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(FlinkResilientJobReconciler.class);
  public static final String NAME = "flinkresilientjob";

  private final ClusterActions actions;
  private final EventEmitter events;
  private final StatusWriter statusWriter;
  private final Teardown teardown;
  private final FlinkWatch flink;
  private final CheckpointStorageReads storage;
  private final SavepointOperations stops;

  /** Empty when node-loss detection is switched off (the operator may not read nodes). */
  private final Optional<NodeWatch> nodes;

  private final Clock clock;
  private final TenantPolicy policy;
  private final FlinkVerdicts verdicts = new FlinkVerdicts();

  public FlinkResilientJobReconciler(
      ClusterActions actions,
      EventEmitter events,
      StatusWriter statusWriter,
      Teardown teardown,
      FlinkWatch flink,
      CheckpointStorageReads storage,
      SavepointOperations stops,
      Optional<NodeWatch> nodes,
      Clock clock,
      TenantPolicy policy) {
    this.actions = actions;
    this.events = events;
    this.statusWriter = statusWriter;
    this.teardown = teardown;
    this.flink = flink;
    this.storage = storage;
    this.stops = stops;
    this.nodes = nodes;
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

  private UpdateControl<FlinkResilientJob> pass(
      FlinkResilientJob job, Context<FlinkResilientJob> ctx, JobLogContext log) {
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
    Decision decision = act(job, ctx, input, plan.decision());
    afterAct(job, decision);
    Report report = StatusReporter.report(name(job), generation(job), input, decision, now);
    log.incident(input.status(), report.status());
    seen.merged().events().forEach(e -> events.emit(job, e));
    report.events().forEach(e -> events.emit(job, e));
    statusWriter.write(job, report.status(), ctx);
    flink.follow(job, report.status(), ctx, seen.ha(), notSeenAlive(input));
    followNodes(job, ctx, input);
    return UpdateControl.<FlinkResilientJob>noUpdate()
        .rescheduleAfter(
            Pacing.untilSavepointDue(
                Pacing.whileWaitingOnTime(
                    Pacing.after(decision, report.status(), now), report.status()),
                decision,
                SavepointSchedule.wakeIn(
                    new PlanInput(
                        input.desired(),
                        input.violations(),
                        report.status(),
                        input.cluster(),
                        input.ha(),
                        now))));
  }

  /**
   * Carries out the decision and returns what the pass did: the decision itself, or for a Deploy
   * that found one of the cluster's names taken by an object the job does not own, {@link
   * Decision.NameTaken}, and for one the API server refused, {@link Decision.ObjectRefused}: both
   * reported and retried. This is the one place an error of acting becomes status; every other
   * exception is transient (a conflict, the API server away) and goes to JOSDK's retry with
   * back-off.
   */
  private Decision act(
      FlinkResilientJob job, Context<FlinkResilientJob> ctx, PlanInput input, Decision decision) {
    var meta = job.getMetadata();
    if (decision instanceof Decision.DeleteCluster
        || decision instanceof Decision.TearDownForRecovery) {
      actions.deleteCluster(meta.getNamespace(), meta.getName(), meta.getName(), meta.getUid());
    } else if (decision instanceof Decision.ReleasePods release) {
      // What the release rests on, for whoever has to explain it afterwards.
      var node = input.cluster().nodes().get(release.node());
      LOG.warn(
          "{}/{}: releasing {} from node {} (Lease renewed at {}, seen as {}; JobManager's last"
              + " answer: {}; its silence: {})",
          meta.getNamespace(),
          meta.getName(),
          release.pods(),
          release.node(),
          node == null ? null : node.leaseRenewedAt(),
          node,
          input.cluster().answer(),
          input.cluster().silence());
      if (release.jobManager()) {
        // Only then: changing the JobManager Deployment's template rolls its pod, which would
        // restart a JobManager that runs fine elsewhere when only a TaskManager was lost.
        actions.keepJobManagerOff(
            meta.getNamespace(), meta.getName(), meta.getUid(), release.node());
      }
      String leaderIp = podIp(ctx, release.handOverFrom());
      actions.forceDeletePods(meta.getNamespace(), release.pods());
      if (leaderIp != null) {
        actions.handOverLeadership(
            meta.getNamespace(), meta.getName(), leaderIp, leaderRetryPeriod(input));
      }
    } else if (decision instanceof Decision.AwaitSavepoint await) {
      // Without an address nothing is sent; savepointTimeout then falls back to last-state.
      flink
          .restBase(job)
          .ifPresent(
              rest ->
                  stops.follow(
                      ResourceID.fromResource(job),
                      rest,
                      await.jobId(),
                      await.triggerId(),
                      await.targetDirectory()));
    } else if (decision instanceof Decision.FollowSavepoint follow) {
      flink
          .restBase(job)
          .ifPresent(
              rest ->
                  stops.followSavepoint(
                      ResourceID.fromResource(job),
                      rest,
                      follow.jobId(),
                      follow.triggerId(),
                      follow.targetDirectory()));
    } else if (decision instanceof Decision.SavepointEnded ended) {
      stops.forget(ResourceID.fromResource(job), ended.triggerId());
    } else if (decision instanceof Decision.DisposeSavepoints dispose) {
      ResourceID id = ResourceID.fromResource(job);
      dispose.ended().forEach(d -> stops.forget(id, SavepointView.disposalKey(d.path())));
      // Without an address nothing is sent; retention tries again on a later pass.
      flink
          .restBase(job)
          .ifPresent(rest -> dispose.send().forEach(path -> stops.dispose(id, rest, path)));
    } else if (decision instanceof Decision.Deploy deploy) {
      try {
        deploy(job, input, deploy);
      } catch (ObjectNotOwned e) {
        return new Decision.NameTaken(
            deploy.reason(), e.taken().stream().map(Object::toString).toList());
      } catch (ObjectRefused e) {
        LOG.warn("{}/{}: {}", meta.getNamespace(), meta.getName(), e.getMessage());
        return new Decision.ObjectRefused(deploy.reason(), e.object(), e.code(), e.answer());
      }
    }
    // Every other decision changes status only; the intent of each destructive step above was
    // written to status by an earlier pass.
    return decision;
  }

  private static String podIp(Context<FlinkResilientJob> ctx, String pod) {
    if (pod == null) {
      return null;
    }
    return ctx.getSecondaryResources(Pod.class).stream()
        .filter(p -> pod.equals(p.getMetadata().getName()) && p.getStatus() != null)
        .map(p -> p.getStatus().getPodIP())
        // A pod not started yet has no IP; a null in the stream would fail the whole pass (seen:
        // a chaos scenario's releases failed on it for two minutes).
        .filter(java.util.Objects::nonNull)
        .findFirst()
        .orElse(null);
  }

  /** Flink renews its leader lock every retry period: 5 s unless the job's configuration says. */
  private static java.time.Duration leaderRetryPeriod(PlanInput input) {
    String set =
        input.desired().spec().getFlinkConfiguration() == null
            ? null
            : input
                .desired()
                .spec()
                .getFlinkConfiguration()
                .get("high-availability.kubernetes.leader-election.retry-period");
    try {
      return set == null
          ? java.time.Duration.ofSeconds(5)
          : org.apache.flink.util.TimeUtils.parseDuration(set);
    } catch (RuntimeException e) {
      return java.time.Duration.ofSeconds(5);
    }
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
      stops.forget(id);
    }
  }

  /**
   * What the planner needs for savepoints: whether the REST API answers, and how the operations
   * followed for this job (a stop, a savepoint, disposals) stand.
   */
  private SavepointView savepoint(FlinkResilientJob job) {
    SavepointView view = SavepointView.answeredAt(flink.answeredAt(job));
    for (var p : stops.progress(ResourceID.fromResource(job)).values()) {
      view = view.following(p.key(), p.state(), p.location(), p.failure());
    }
    return view;
  }

  private void deploy(FlinkResilientJob job, PlanInput input, Decision.Deploy deploy) {
    var desired = input.desired();
    var incident = input.status().getRecovery().getCurrent();
    String attempt =
        deploy.reason() == Decision.DeployReason.RECOVERY && incident != null
            ? RecoveryAttempts.of(incident)
            : null;
    var stamp =
        new DeploymentStamp(
            desired.generation(), desired.specHash(), deploy.serial(), deploy.jobId(), attempt);
    List<String> avoided = Placement.avoided(input);
    var previous = input.status().getDeployment();
    if (previous != null
        && previous.getJobId() != null
        && !previous.getJobId().equals(deploy.jobId())) {
      try {
        teardown.clearHaBeforeNewJob(job, previous.getJobId());
      } catch (Exception e) {
        // Nothing deployed yet: JOSDK retries the pass, which decides the same Deploy again.
        throw new IllegalStateException("old HA data not cleared before a new job: " + e, e);
      }
    }
    actions.apply(DesiredState.objects(job, desired.spec(), stamp, deploy.restoreFrom(), avoided));
  }

  @Override
  public DeleteControl cleanup(FlinkResilientJob job, Context<FlinkResilientJob> ctx)
      throws Exception {
    try (JobLogContext log = JobLogContext.of(job)) {
      verdicts.forget(job.getMetadata().getNamespace(), job.getMetadata().getName());
      flink.forget(job);
      storage.forget(ResourceID.fromResource(job));
      stops.forget(ResourceID.fromResource(job));
      nodes.ifPresent(n -> n.forget(ResourceID.fromResource(job)));
      return teardown.onDelete(job, observe(job, ctx), ctx);
    }
  }

  @Override
  public List<EventSource<?, FlinkResilientJob>> prepareEventSources(
      EventSourceContext<FlinkResilientJob> context) {
    List<EventSource<?, FlinkResilientJob>> sources = new ArrayList<>();
    sources.add(ClusterEventSources.labelled(Deployment.class, "jobmanager-deployments", context));
    sources.add(ClusterEventSources.labelled(Pod.class, "pods", context));
    sources.add(ClusterEventSources.flinkHaConfigMaps(context));
    sources.add(flink.poller());
    sources.add(stops);
    nodes.ifPresent(sources::add);
    return sources;
  }

  private ObservedCluster observe(FlinkResilientJob job, Context<FlinkResilientJob> ctx) {
    Set<Pod> pods = ctx.getSecondaryResources(Pod.class);
    return ClusterObserver.observe(
        name(job),
        ctx.getSecondaryResources(Deployment.class),
        pods,
        nodes.map(n -> n.views(ClusterObserver.nodesHosting(pods))).orElse(Map.of()),
        nodes.map(NodeWatch::sight).orElse(NodeSight.CLEAR));
  }

  /** The steps that force-delete pods or tear the cluster down. */
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
    Set<String> hosting = ClusterObserver.nodesHosting(ctx.getSecondaryResources(Pod.class));
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
