package dev.flinkresilience.operator.validate;

import static dev.flinkresilience.operator.validate.PodSecurityLevel.BASELINE;
import static dev.flinkresilience.operator.validate.PodSecurityLevel.PRIVILEGED;
import static dev.flinkresilience.operator.validate.PodSecurityLevel.RESTRICTED;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.validate.TemplatePod.TemplateContainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The Kubernetes Pod Security Standards
 * (https://kubernetes.io/docs/concepts/security/pod-security-standards/) for what a job's author
 * puts into its pods: the JobManager and TaskManager pod templates, and the pass-through Flink keys
 * that shape those pods (the host network, pod annotations). One rule per control of the standard,
 * each applied from its level up; privileged checks nothing.
 *
 * <p>Why the operator checks what the namespace's Pod Security Admission also checks: the operator
 * creates the JobManager Deployment with its own rights, in namespaces whose admission may be laxer
 * than the operator's administrator wants, and admission refuses a bad pod only when the ReplicaSet
 * creates it, leaving a job that never starts. Refused here, the job gets InvalidSpec naming the
 * field, and the last valid deployment keeps running.
 *
 * <p>What the operator and Flink's decorators add themselves passes every level (configMap and
 * emptyDir volumes, no host namespaces, no securityContext). Restricted needs a securityContext
 * that nobody adds: Flink's main container gets one only from a template entry named {@code
 * flink-main-container}, so restricted requires that entry.
 */
final class PodSecurityRules {
  /** One control of the standard, checked from level {@code from} up. */
  private record Rule(String control, PodSecurityLevel from, BiConsumer<Pods, Refusals> check) {}

  private static final List<Rule> RULES =
      List.of(
          new Rule("HostProcess", BASELINE, BaselineControls::hostProcess),
          new Rule("host namespaces", BASELINE, BaselineControls::hostNamespaces),
          new Rule("privileged containers", BASELINE, BaselineControls::privileged),
          new Rule("capabilities", BASELINE, BaselineControls::capabilities),
          new Rule("hostPath volumes", BASELINE, BaselineControls::hostPathVolumes),
          new Rule("host ports", BASELINE, BaselineControls::hostPorts),
          new Rule("AppArmor", BASELINE, BaselineControls::appArmor),
          new Rule("SELinux", BASELINE, BaselineControls::seLinux),
          new Rule("/proc mount type", BASELINE, BaselineControls::procMount),
          new Rule("seccomp", BASELINE, BaselineControls::seccomp),
          new Rule("sysctls", BASELINE, BaselineControls::sysctls),
          new Rule("volume types", RESTRICTED, RestrictedControls::volumeTypes),
          new Rule("privilege escalation", RESTRICTED, RestrictedControls::privilegeEscalation),
          new Rule("running as non-root", RESTRICTED, RestrictedControls::runAsNonRoot),
          new Rule("running as non-root user", RESTRICTED, RestrictedControls::runAsUser),
          new Rule("seccomp", RESTRICTED, RestrictedControls::seccomp),
          new Rule("capabilities", RESTRICTED, RestrictedControls::capabilities),
          new Rule("Flink's main container", RESTRICTED, RestrictedControls::mainContainer));

  /** What the rules read: the two templates and the pass-through keys. */
  record Pods(List<TemplatePod> templates, Map<String, String> flinkConfiguration) {
    /** A pass-through key's value, when set (a null is FlinkConfigurationRules' to report). */
    Optional<String> config(String key) {
      return Optional.ofNullable(flinkConfiguration.get(key));
    }

    /** Every container of both templates. */
    List<TemplateContainer> containers() {
      return templates.stream().flatMap(t -> t.containers().stream()).toList();
    }

    static String configField(String key) {
      return "spec.flinkConfiguration[" + key + "]";
    }
  }

  /** Records refusals naming the field, the level, the control and what is allowed. */
  record Refusals(PodSecurityLevel level, String control, Violations v) {
    /** {@code field: <requirement> under pod security level L (control)[: hint][; got 'x']}. */
    void refuse(String field, String requirement, String hint, Object got) {
      v.add(
          field,
          requirement
              + " under pod security level "
              + level.label()
              + " ("
              + control
              + ")"
              + (hint.isEmpty() ? "" : ": " + hint)
              + (got == null ? "" : "; got " + Violations.echo(got)));
    }

    void refuse(String field, String requirement, Object got) {
      refuse(field, requirement, "", got);
    }
  }

  private PodSecurityRules() {}

  /**
   * Records every control {@code level} refuses in the spec's pod templates and pass-through keys.
   */
  static void check(FlinkResilientJobSpec spec, PodSecurityLevel level, Violations v) {
    if (level == PRIVILEGED) {
      return;
    }
    List<TemplatePod> templates = new ArrayList<>();
    if (spec.getJobManager() != null) {
      TemplatePod.of("spec.jobManager.podTemplate", spec.getJobManager().getPodTemplate())
          .ifPresent(templates::add);
    }
    if (spec.getTaskManager() != null) {
      TemplatePod.of("spec.taskManager.podTemplate", spec.getTaskManager().getPodTemplate())
          .ifPresent(templates::add);
    }
    var configuration = spec.getFlinkConfiguration();
    Pods pods = new Pods(templates, configuration == null ? Map.of() : configuration);
    for (Rule rule : RULES) {
      if (level.compareTo(rule.from()) >= 0) {
        rule.check().accept(pods, new Refusals(level, rule.control(), v));
      }
    }
  }
}
