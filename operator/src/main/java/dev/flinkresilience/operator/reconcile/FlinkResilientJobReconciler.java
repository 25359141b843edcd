package dev.flinkresilience.operator.reconcile;

import dev.flinkresilience.operator.act.ClusterActions;
import dev.flinkresilience.operator.act.EventEmitter;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.decide.Decision;
import dev.flinkresilience.operator.decide.LifecyclePlanner;
import dev.flinkresilience.operator.decide.ObservedCluster;
import dev.flinkresilience.operator.decide.PlanInput;
import dev.flinkresilience.operator.model.DeploymentStamp;
import dev.flinkresilience.operator.model.DesiredState;
import dev.flinkresilience.operator.observe.ClusterObserver;
import dev.flinkresilience.operator.report.Report;
import dev.flinkresilience.operator.report.StatusReporter;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.util.List;

/**
 * One pass over one FlinkResilientJob: observe → check → decide → act → report. The decision is
 * pure ({@link LifecyclePlanner}); this class only moves data between the caches, the planner and
 * the API server.
 */
@ControllerConfiguration(name = FlinkResilientJobReconciler.NAME)
public class FlinkResilientJobReconciler
    implements Reconciler<FlinkResilientJob>, Cleaner<FlinkResilientJob> {
  public static final String NAME = "flinkresilientjob";

  private final ClusterActions actions;
  private final EventEmitter events;
  private final StatusWriter statusWriter;
  private final Teardown teardown;
  private final Clock clock;

  public FlinkResilientJobReconciler(
      ClusterActions actions,
      EventEmitter events,
      StatusWriter statusWriter,
      Teardown teardown,
      Clock clock) {
    this.actions = actions;
    this.events = events;
    this.statusWriter = statusWriter;
    this.teardown = teardown;
    this.clock = clock;
  }

  @Override
  public UpdateControl<FlinkResilientJob> reconcile(
      FlinkResilientJob job, Context<FlinkResilientJob> ctx) {
    ObservedCluster observed = observe(job, ctx);
    DesiredState.Checked checked = DesiredState.check(job);
    PlanInput input =
        new PlanInput(checked.desired(), checked.violations(), statusOf(job), observed);
    Decision decision = LifecyclePlanner.decide(input);
    act(job, input, decision);
    Report report =
        StatusReporter.report(name(job), generation(job), input, decision, clock.instant());
    report.events().forEach(e -> events.emit(job, e));
    statusWriter.write(job, report.status(), ctx);
    return UpdateControl.<FlinkResilientJob>noUpdate()
        .rescheduleAfter(Pacing.after(decision, report.status().getPhase()));
  }

  private void act(FlinkResilientJob job, PlanInput input, Decision decision) {
    var meta = job.getMetadata();
    if (decision instanceof Decision.DeleteCluster) {
      actions.deleteCluster(meta.getNamespace(), meta.getName(), meta.getName());
    } else if (decision instanceof Decision.Deploy deploy) {
      var desired = input.desired();
      var stamp =
          new DeploymentStamp(
              desired.generation(), desired.specHash(), deploy.serial(), deploy.jobId());
      actions.apply(DesiredState.objects(job, desired.spec(), stamp, deploy.restoreFrom()));
    }
    // Every other decision changes status only.
  }

  @Override
  public DeleteControl cleanup(FlinkResilientJob job, Context<FlinkResilientJob> ctx)
      throws Exception {
    return teardown.onDelete(job, observe(job, ctx));
  }

  @Override
  public List<EventSource<?, FlinkResilientJob>> prepareEventSources(
      EventSourceContext<FlinkResilientJob> context) {
    return List.of(
        ClusterEventSources.labelled(Deployment.class, "jobmanager-deployments", context),
        ClusterEventSources.labelled(Pod.class, "pods", context));
  }

  private static ObservedCluster observe(FlinkResilientJob job, Context<FlinkResilientJob> ctx) {
    return ClusterObserver.observe(
        name(job),
        ctx.getSecondaryResources(Deployment.class),
        ctx.getSecondaryResources(Pod.class));
  }

  private static FlinkResilientJobStatus statusOf(FlinkResilientJob job) {
    return job.getStatus() == null ? new FlinkResilientJobStatus() : job.getStatus();
  }

  private static String name(FlinkResilientJob job) {
    return job.getMetadata().getName();
  }

  private static long generation(FlinkResilientJob job) {
    Long g = job.getMetadata().getGeneration();
    return g == null ? 0 : g;
  }
}
