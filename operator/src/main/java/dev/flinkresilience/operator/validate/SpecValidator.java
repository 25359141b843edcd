package dev.flinkresilience.operator.validate;

import dev.flinkresilience.operator.api.v1alpha1.DeploymentMode;
import dev.flinkresilience.operator.api.v1alpha1.FailoverStrategy;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.FlinkVersion;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Checks a FlinkResilientJob before anything is rendered from it, and reports every problem at
 * once, each naming its field and what the field accepts.
 *
 * <p>The CRD schema rejects much of this on a real API server, but not everything (durations'
 * values, URIs, quantities, owned Flink keys), and not at all on a server that skips schema
 * validation; the operator therefore checks it all itself.
 *
 * <p>Nulls: a field that has a default (sections, enums, durations) may still arrive as an explicit
 * null, which is rejected, so that everything downstream of a clean validation can rely on it being
 * set. Optional text fields (serviceAccount, entryClass, savepoint paths, ...) treat null like
 * empty. Pure: no I/O, and the job is not modified.
 */
public final class SpecValidator {
  /**
   * Flink limits kubernetes.cluster-id, which the operator sets to metadata.name, to 45 characters
   * because it derives Service names (with suffixes such as "-rest") from it.
   */
  static final int MAX_NAME_LENGTH = 45;

  private static final Pattern DNS_1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");

  private SpecValidator() {}

  /** Every violation in {@code job} under the default {@link TenantPolicy}. */
  public static List<Violation> validate(FlinkResilientJob job) {
    return validate(job, TenantPolicy.DEFAULT);
  }

  /** Every violation in {@code job} under {@code policy}; empty when the job may be deployed. */
  public static List<Violation> validate(FlinkResilientJob job, TenantPolicy policy) {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(policy, "policy");
    Violations v = new Violations();
    name(job.getMetadata(), v);
    FlinkResilientJobSpec spec = job.getSpec();
    if (spec == null) {
      v.add("spec", "is required");
      return v.toList();
    }
    image(spec.getImage(), v);
    v.requiredEnum("spec.flinkVersion", spec.getFlinkVersion(), FlinkVersion.class);
    mode(spec.getMode(), v);
    ServiceAccountRules.check(
        spec.getServiceAccount(),
        job.getMetadata() == null ? null : job.getMetadata().getNamespace(),
        policy,
        v);
    JobRules.check(spec.getJob(), v);
    PodRules.check(spec, v);
    PodSecurityRules.check(spec, policy.podSecurity(), v);
    CheckpointingRules.check(spec.getCheckpointing(), v);
    SavepointRules.check(spec, v);
    HighAvailabilityRules.check(spec.getHighAvailability(), spec.getFlinkConfiguration(), v);
    RestartStrategyRules.check(spec.getRestartStrategy(), v);
    v.requiredEnum("spec.failoverStrategy", spec.getFailoverStrategy(), FailoverStrategy.class);
    RecoveryRules.check(spec.getRecovery(), v, policy.leaseRenewal());
    FlinkConfigurationRules.check(spec.getFlinkConfiguration(), v);
    v.atLeast("spec.restartNonce", spec.getRestartNonce(), 0);
    return v.toList();
  }

  private static void name(ObjectMeta metadata, Violations v) {
    String name = metadata == null ? null : metadata.getName();
    String accepted =
        "a DNS-1035 label of at most "
            + MAX_NAME_LENGTH
            + " characters: lowercase letters, digits and '-', starting with a letter and ending"
            + " with a letter or digit (Flink derives its cluster id and Service names from it)";
    if (!v.requiredText("metadata.name", name, accepted)) {
      return;
    }
    if (name.length() > MAX_NAME_LENGTH || !DNS_1035_LABEL.matcher(name).matches()) {
      v.add("metadata.name", "must be " + accepted + "; got " + Violations.echo(name));
    }
  }

  private static void image(String image, Violations v) {
    if (v.requiredText("spec.image", image, "a container image such as flink:2.2.1-java17")
        && image.chars().anyMatch(Character::isWhitespace)) {
      v.add("spec.image", "must not contain whitespace; got " + Violations.echo(image));
    }
  }

  private static void mode(DeploymentMode mode, Violations v) {
    if (v.requiredEnum("spec.mode", mode, DeploymentMode.class)
        && mode == DeploymentMode.STANDALONE) {
      v.add("spec.mode", "standalone is not implemented yet; use native");
    }
  }
}
