package dev.flinkresilience.operator.validate;

import dev.flinkresilience.operator.validate.PodSecurityRules.Pods;
import dev.flinkresilience.operator.validate.PodSecurityRules.Refusals;
import java.util.List;
import java.util.Locale;

/**
 * The pod annotations that choose an AppArmor or seccomp profile, the way Kubernetes did before the
 * securityContext fields (and still does for AppArmor until 1.30, for seccomp until 1.25; the local
 * cluster runs 1.20). They can come from a pod template's metadata or from Flink's {@code
 * kubernetes.jobmanager.annotations} and {@code kubernetes.taskmanager.annotations}.
 */
enum ProfileAnnotation {
  APPARMOR("AppArmor annotation container.apparmor.security.beta.kubernetes.io/<container>") {
    @Override
    boolean matches(String key) {
      return key.startsWith("container.apparmor.security.beta.kubernetes.io/");
    }

    @Override
    boolean allows(String value) {
      return value.equals("runtime/default") || value.startsWith("localhost/");
    }

    @Override
    String allowed() {
      return "runtime/default or localhost/<profile>";
    }
  },
  SECCOMP(
      "seccomp annotation seccomp.security.alpha.kubernetes.io/pod or"
          + " container.seccomp.security.alpha.kubernetes.io/<container>") {
    @Override
    boolean matches(String key) {
      return key.equals("seccomp.security.alpha.kubernetes.io/pod")
          || key.startsWith("container.seccomp.security.alpha.kubernetes.io/");
    }

    @Override
    boolean allows(String value) {
      return value.equals("runtime/default")
          || value.equals("docker/default")
          || value.startsWith("localhost/");
    }

    @Override
    String allowed() {
      return "runtime/default, docker/default or localhost/<profile>";
    }
  };

  /** Flink's options whose annotations it puts on the JobManager and TaskManager pods. */
  static final List<String> FLINK_OPTIONS =
      List.of("kubernetes.jobmanager.annotations", "kubernetes.taskmanager.annotations");

  private final String description;

  ProfileAnnotation(String description) {
    this.description = description;
  }

  abstract boolean matches(String key);

  abstract boolean allows(String value);

  abstract String allowed();

  /** Refuses each annotation of this kind in the templates' metadata that sets another profile. */
  void checkTemplates(Pods pods, Refusals r) {
    for (TemplatePod t : pods.templates()) {
      t.annotations()
          .forEach(
              (key, value) -> {
                if (key != null && matches(key) && (value == null || !allows(value))) {
                  r.refuse(
                      t.field() + ".metadata.annotations[" + key + "]",
                      "must be " + allowed() + ", or unset",
                      value);
                }
              });
    }
  }

  /**
   * Refuses each of Flink's annotation options that sets an annotation of this kind to another
   * profile in any of the ways Flink may read it. Values are not echoed (the map holds
   * credentials). A value that is no map at all is Flink's to refuse, unless it mentions such an
   * annotation: then it is refused here too, since what these readings miss might still reach the
   * pods.
   */
  void checkFlinkConfiguration(Pods pods, Refusals r) {
    String requirement = "must not set the " + description + " to anything but " + allowed();
    for (String option : FLINK_OPTIONS) {
      pods.config(option)
          .ifPresent(
              text -> {
                var readings = FlinkMapValue.readings(text);
                if (readings.isEmpty()) {
                  if (text.toLowerCase(Locale.ROOT).contains(name().toLowerCase(Locale.ROOT))) {
                    r.refuse(
                        Pods.configField(option),
                        requirement,
                        "the value could not be read as key:value pairs",
                        null);
                  }
                } else if (readings.stream()
                    .flatMap(m -> m.entrySet().stream())
                    .anyMatch(e -> matches(e.getKey()) && !allows(e.getValue()))) {
                  r.refuse(Pods.configField(option), requirement, null);
                }
              });
    }
  }
}
