package dev.flinkresilience.operator.validate;

import dev.flinkresilience.operator.validate.PodSecurityRules.Pods;
import dev.flinkresilience.operator.validate.PodSecurityRules.Refusals;
import dev.flinkresilience.operator.validate.TemplatePod.TemplateContainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The controls the restricted level of the Pod Security Standards adds to baseline, one method each
 * (the table is in {@link PodSecurityRules}): a hardened pod, not root, no privilege escalation, a
 * seccomp profile, capabilities dropped.
 */
final class RestrictedControls {
  private static final Set<String> VOLUMES =
      BaselineControls.words(
          "configMap csi downwardAPI emptyDir ephemeral persistentVolumeClaim projected secret");

  private RestrictedControls() {}

  static void volumeTypes(Pods pods, Refusals r) {
    for (TemplatePod t : pods.templates()) {
      t.volumeTypes()
          .forEach(
              (field, types) -> {
                for (String type : types) {
                  // hostPath has a rule of its own, from baseline up.
                  if (!VOLUMES.contains(type) && !type.equals("hostPath")) {
                    r.refuse(field, "must be a volume of type " + String.join(", ", VOLUMES), type);
                  }
                }
              });
    }
  }

  static void privilegeEscalation(Pods pods, Refusals r) {
    for (TemplateContainer c : pods.containers()) {
      Boolean allowed = c.securityContext().getAllowPrivilegeEscalation();
      if (!Boolean.FALSE.equals(allowed)) {
        r.refuse(c.field() + ".securityContext.allowPrivilegeEscalation", "must be false", allowed);
      }
    }
  }

  static void runAsNonRoot(Pods pods, Refusals r) {
    for (TemplatePod t : pods.templates()) {
      Boolean pod = t.podContext().getRunAsNonRoot();
      if (Boolean.FALSE.equals(pod)) {
        r.refuse(t.specField() + ".securityContext.runAsNonRoot", "must be true or unset", false);
      }
      for (TemplateContainer c : t.containers()) {
        Boolean own = c.securityContext().getRunAsNonRoot();
        String field = c.field() + ".securityContext.runAsNonRoot";
        if (Boolean.FALSE.equals(own)) {
          r.refuse(field, "must be true or unset", false);
        } else if (own == null && pod == null) {
          r.refuse(
              field,
              "must be true, here or in " + t.specField() + ".securityContext.runAsNonRoot",
              null);
        }
      }
    }
  }

  static void runAsUser(Pods pods, Refusals r) {
    String requirement = "must not be 0 (root): a non-zero user id, or unset";
    for (TemplatePod t : pods.templates()) {
      Long pod = t.podContext().getRunAsUser();
      if (pod != null && pod == 0) {
        r.refuse(t.specField() + ".securityContext.runAsUser", requirement, 0);
      }
      for (TemplateContainer c : t.containers()) {
        Long own = c.securityContext().getRunAsUser();
        if (own != null && own == 0) {
          r.refuse(c.field() + ".securityContext.runAsUser", requirement, 0);
        }
      }
    }
  }

  static void seccomp(Pods pods, Refusals r) {
    for (TemplatePod t : pods.templates()) {
      if (BaselineControls.seccompType(t.podContext().getSeccompProfile()).isPresent()) {
        // An allowed pod profile covers every container that sets none; another one is refused
        // by the baseline rule.
        continue;
      }
      for (TemplateContainer c : t.containers()) {
        if (BaselineControls.seccompType(c.securityContext().getSeccompProfile()).isEmpty()) {
          r.refuse(
              c.field() + ".securityContext.seccompProfile.type",
              "must be RuntimeDefault or Localhost, here or in "
                  + t.specField()
                  + ".securityContext.seccompProfile.type",
              null);
        }
      }
    }
  }

  static void capabilities(Pods pods, Refusals r) {
    for (TemplateContainer c : pods.containers()) {
      List<String> dropped = c.dropped();
      if (!dropped.contains("ALL")) {
        r.refuse(
            c.field() + ".securityContext.capabilities.drop",
            "must include ALL",
            dropped.isEmpty() ? null : dropped);
      }
      List<String> added = c.added();
      for (int i = 0; i < added.size(); i++) {
        // Capabilities outside the baseline list are refused by the baseline rule already.
        String capability = added.get(i);
        if (BaselineControls.CAPABILITIES.contains(capability)
            && !capability.equals("NET_BIND_SERVICE")) {
          r.refuse(
              c.field() + ".securityContext.capabilities.add[" + i + "]",
              "must be NET_BIND_SERVICE (or the list unset)",
              capability);
        }
      }
    }
  }

  static void mainContainer(Pods pods, Refusals r) {
    String why = "Flink's main container otherwise runs without a securityContext";
    for (TemplatePod t : pods.templates()) {
      if (t.hasMainContainer()) {
        continue;
      }
      String settings = mainContainerSettings(t);
      if (!t.present()) {
        r.refuse(
            t.field(),
            "is required",
            why
                + "; add one whose spec.containers has an entry named "
                + TemplatePod.MAIN_CONTAINER
                + " with securityContext "
                + settings,
            null);
      } else {
        r.refuse(
            t.specField() + ".containers",
            "must have an entry named " + TemplatePod.MAIN_CONTAINER,
            why + "; give it securityContext " + settings,
            null);
      }
    }
  }

  /** The main container's settings that restricted needs and the pod level does not provide. */
  private static String mainContainerSettings(TemplatePod t) {
    List<String> settings =
        new ArrayList<>(List.of("allowPrivilegeEscalation: false", "capabilities: {drop: [ALL]}"));
    if (!Boolean.TRUE.equals(t.podContext().getRunAsNonRoot())) {
      settings.add("runAsNonRoot: true");
    }
    if (BaselineControls.seccompType(t.podContext().getSeccompProfile())
        .filter(BaselineControls.PROFILE_TYPES::contains)
        .isEmpty()) {
      settings.add("seccompProfile: {type: RuntimeDefault}");
    }
    return "{" + String.join(", ", settings) + "}";
  }
}
