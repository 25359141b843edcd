package dev.flinkresilience.operator.model;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilityType;
import dev.flinkresilience.operator.decide.DesiredJob;
import dev.flinkresilience.operator.decide.RestorePoint;
import dev.flinkresilience.operator.render.ClusterIdentity;
import dev.flinkresilience.operator.render.DeploymentInputs;
import dev.flinkresilience.operator.render.FlinkConfigRenderer;
import dev.flinkresilience.operator.validate.SpecValidator;
import dev.flinkresilience.operator.validate.TenantPolicy;
import dev.flinkresilience.operator.validate.Violation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

/**
 * From a FlinkResilientJob to what would be deployed: the checked spec, the Flink configuration and
 * the Kubernetes objects. Pure (Flink's factory writes a temporary file for pod templates).
 */
public final class DesiredState {
  /** Placeholder job id for checking a spec that is not being deployed. */
  private static final String CHECK_JOB_ID = "00000000000000000000000000000000";

  private DesiredState() {}

  /** The spec is valid when the validator and Flink itself accept it. */
  public record Checked(DesiredJob desired, List<String> violations) {
    public boolean valid() {
      return desired != null;
    }
  }

  /** Checks under the default {@link TenantPolicy}. */
  public static Checked check(FlinkResilientJob job) {
    return check(job, TenantPolicy.DEFAULT);
  }

  public static Checked check(FlinkResilientJob job, TenantPolicy policy) {
    return check(job, policy, new FlinkVerdicts());
  }

  /** As above, asking Flink only when the spec changed since {@code verdicts} last had it. */
  public static Checked check(FlinkResilientJob job, TenantPolicy policy, FlinkVerdicts verdicts) {
    List<String> violations =
        SpecValidator.validate(job, policy).stream().map(Violation::toString).toList();
    if (!violations.isEmpty()) {
      return new Checked(null, violations);
    }
    FlinkResilientJobSpec spec = job.getSpec();
    Optional<String> refusal = verdicts.refusal(job, () -> flinkRefusal(job, spec));
    if (refusal.isPresent()) {
      return new Checked(null, List.of("spec: " + refusal.get()));
    }
    var meta = job.getMetadata();
    long generation = meta.getGeneration() == null ? 1 : meta.getGeneration();
    return new Checked(
        new DesiredJob(spec, verdicts.specHash(job), generation, meta.getUid()), List.of());
  }

  /** Renders the cluster through Flink's own factory: its refusal, if it has one. */
  private static Optional<String> flinkRefusal(FlinkResilientJob job, FlinkResilientJobSpec spec) {
    try {
      objects(job, spec, new DeploymentStamp(0, "check", 0, CHECK_JOB_ID), RestorePoint.NONE);
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(String.valueOf(e.getMessage()));
    }
  }

  public static SortedMap<String, String> flinkConfiguration(
      FlinkResilientJob job,
      FlinkResilientJobSpec spec,
      DeploymentStamp stamp,
      RestorePoint restore) {
    var meta = job.getMetadata();
    return FlinkConfigRenderer.render(
        spec,
        new ClusterIdentity(meta.getNamespace(), meta.getName()),
        new DeploymentInputs(
            stamp.jobId(), restore.path(), serviceAccount(job, spec), stamp.resultStore()));
  }

  public static List<HasMetadata> objects(
      FlinkResilientJob job,
      FlinkResilientJobSpec spec,
      DeploymentStamp stamp,
      RestorePoint restore) {
    return objects(job, spec, stamp, restore, List.of());
  }

  /** As above, keeping the JobManager and TaskManager pods off {@code avoidedNodes}. */
  public static List<HasMetadata> objects(
      FlinkResilientJob job,
      FlinkResilientJobSpec spec,
      DeploymentStamp stamp,
      RestorePoint restore,
      List<String> avoidedNodes) {
    var config = flinkConfiguration(job, spec, stamp, restore);
    List<HasMetadata> flinkObjects =
        FlinkObjects.expected(
            job.getMetadata().getName(),
            JobManagerFactory.build(
                config,
                NodeAvoidance.avoid(spec.getJobManager().getPodTemplate(), avoidedNodes),
                NodeAvoidance.avoid(spec.getTaskManager().getPodTemplate(), avoidedNodes)));
    flinkObjects =
        flinkObjects.stream()
            .map(o -> o instanceof Deployment d ? StandbySpread.apart(d) : o)
            .toList();
    if (spec.getHighAvailability().getType() == HighAvailabilityType.NONE) {
      flinkObjects =
          flinkObjects.stream().map(o -> o instanceof Deployment d ? RunOnce.guard(d) : o).toList();
    }
    return ClusterModel.desired(job, flinkObjects, stamp, ownServiceAccount(spec));
  }

  private static boolean ownServiceAccount(FlinkResilientJobSpec spec) {
    return spec.getServiceAccount() == null || spec.getServiceAccount().isBlank();
  }

  private static String serviceAccount(FlinkResilientJob job, FlinkResilientJobSpec spec) {
    return ownServiceAccount(spec)
        ? FlinkRbac.serviceAccountName(job.getMetadata().getName())
        : spec.getServiceAccount();
  }
}
