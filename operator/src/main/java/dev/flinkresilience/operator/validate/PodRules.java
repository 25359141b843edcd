package dev.flinkresilience.operator.validate;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilitySpec;
import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilityType;
import dev.flinkresilience.operator.api.v1alpha1.JobManagerSpec;
import dev.flinkresilience.operator.api.v1alpha1.ResourcesSpec;
import dev.flinkresilience.operator.api.v1alpha1.TaskManagerSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.regex.Pattern;

/** Rules for {@code spec.jobManager} and {@code spec.taskManager}: counts and resources. */
final class PodRules {
  /**
   * The Kubernetes quantity grammar. fabric8's parser alone is more lenient (it reads "1m5" as a
   * number), and the API server would reject what it lets through.
   */
  private static final Pattern QUANTITY =
      Pattern.compile(
          "[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|[mkMGTPE]|[eE][+-]?[0-9]+)?");

  private PodRules() {}

  static void check(FlinkResilientJobSpec spec, Violations v) {
    jobManager(spec.getJobManager(), spec.getHighAvailability(), v);
    taskManager(spec.getTaskManager(), v);
  }

  private static void jobManager(JobManagerSpec jm, HighAvailabilitySpec ha, Violations v) {
    if (!v.required("spec.jobManager", jm, "JobManager settings (omit the field for defaults)")) {
      return;
    }
    v.between("spec.jobManager.replicas", jm.getReplicas(), 1, Limits.JOB_MANAGERS, "");
    // A null highAvailability is reported by its own rule; Kubernetes would default it to none.
    boolean haOff = ha == null || ha.getType() == HighAvailabilityType.NONE;
    if (jm.getReplicas() > 1 && haOff) {
      v.add(
          "spec.jobManager.replicas",
          "more than 1 (standby JobManagers) requires highAvailability.type kubernetes or"
              + " zookeeper; got "
              + jm.getReplicas()
              + " with high availability off");
    }
    resources("spec.jobManager.resources", jm.getResources(), v);
    PodTemplateRules.check("spec.jobManager.podTemplate", jm.getPodTemplate(), v);
  }

  private static void taskManager(TaskManagerSpec tm, Violations v) {
    if (!v.required("spec.taskManager", tm, "TaskManager settings (omit the field for defaults)")) {
      return;
    }
    v.between(
        "spec.taskManager.replicas",
        tm.getReplicas(),
        0,
        Limits.TASK_MANAGERS,
        " (one per subtask at Flink's largest parallelism)");
    v.between("spec.taskManager.taskSlots", tm.getTaskSlots(), 1, Limits.TASK_SLOTS, "");
    resources("spec.taskManager.resources", tm.getResources(), v);
    PodTemplateRules.check("spec.taskManager.podTemplate", tm.getPodTemplate(), v);
  }

  /** Unset resources, cpu or memory leave Flink's own defaults in place. */
  private static void resources(String field, ResourcesSpec resources, Violations v) {
    if (resources == null) {
      return;
    }
    if (resources.getCpu() != null) {
      String cpuField = field + ".cpu";
      quantity(cpuField, resources.getCpu(), "a CPU quantity such as 1, 0.5 or 500m", v)
          .ifPresent(
              cores -> {
                if (cores.signum() <= 0) {
                  v.add(
                      cpuField,
                      "must be greater than 0, such as 1 or 500m; got "
                          + Violations.echo(resources.getCpu()));
                } else if (cores.compareTo(Limits.CPU_CORES) > 0) {
                  v.add(
                      cpuField,
                      "must be at most "
                          + Limits.CPU_CORES
                          + " cores; got "
                          + Violations.echo(resources.getCpu()));
                }
              });
    }
    if (resources.getMemory() != null) {
      String memoryField = field + ".memory";
      quantity(memoryField, resources.getMemory(), "a memory quantity such as 1600Mi or 2Gi", v)
          .ifPresent(
              bytes -> {
                if (bytes.signum() <= 0) {
                  v.add(
                      memoryField,
                      "must be greater than 0, such as 1600Mi or 2Gi; got "
                          + Violations.echo(resources.getMemory()));
                } else if (bytes.compareTo(Limits.MEMORY_BYTES) > 0) {
                  v.add(
                      memoryField,
                      "must be at most 16Ti; got " + Violations.echo(resources.getMemory()));
                }
              });
    }
  }

  /** The quantity's value, or empty after recording that it is not a Kubernetes quantity. */
  private static Optional<BigDecimal> quantity(
      String field, Quantity quantity, String accepted, Violations v) {
    String text = quantity.toString();
    if (QUANTITY.matcher(text).matches()) {
      try {
        return Optional.of(quantity.getNumericalAmount());
      } catch (RuntimeException e) {
        // fabric8 throws assorted unchecked exceptions for what it cannot parse; for a validator
        // they all mean the same thing, reported below.
      }
    }
    v.add(field, "must be " + accepted + "; got " + Violations.echo(text));
    return Optional.empty();
  }
}
