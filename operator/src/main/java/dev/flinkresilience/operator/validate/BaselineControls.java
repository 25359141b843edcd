package dev.flinkresilience.operator.validate;

import dev.flinkresilience.operator.validate.PodSecurityRules.Pods;
import dev.flinkresilience.operator.validate.PodSecurityRules.Refusals;
import dev.flinkresilience.operator.validate.TemplatePod.TemplateContainer;
import io.fabric8.kubernetes.api.model.AppArmorProfile;
import io.fabric8.kubernetes.api.model.SELinuxOptions;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.Sysctl;
import io.fabric8.kubernetes.api.model.WindowsSecurityContextOptions;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The baseline controls of the Pod Security Standards, one method each (the table is in {@link
 * PodSecurityRules}): they keep a pod from known privilege escalations onto its node.
 */
final class BaselineControls {
  /** Capabilities a container may add (those container runtimes grant by default). */
  static final Set<String> CAPABILITIES =
      words(
          "AUDIT_WRITE CHOWN DAC_OVERRIDE FOWNER FSETID KILL MKNOD NET_BIND_SERVICE SETFCAP SETGID"
              + " SETPCAP SETUID SYS_CHROOT");

  /** Namespaced sysctls that cannot affect other pods or the node. */
  private static final Set<String> SAFE_SYSCTLS =
      words(
          "kernel.shm_rmid_forced net.ipv4.ip_local_port_range net.ipv4.ip_unprivileged_port_start"
              + " net.ipv4.tcp_syncookies net.ipv4.ping_group_range"
              + " net.ipv4.ip_local_reserved_ports net.ipv4.tcp_keepalive_time"
              + " net.ipv4.tcp_fin_timeout net.ipv4.tcp_keepalive_intvl"
              + " net.ipv4.tcp_keepalive_probes");

  private static final Set<String> SELINUX_TYPES =
      words("container_t container_init_t container_kvm_t container_engine_t");

  /** The seccomp and AppArmor profile types that keep a profile in force. */
  static final Set<String> PROFILE_TYPES = Set.of("RuntimeDefault", "Localhost");

  static final String HOST_NETWORK_KEY = "kubernetes.hostnetwork.enabled";

  private BaselineControls() {}

  private static final String UNSET_OR_FALSE = "must be false or unset";

  static void hostProcess(Pods pods, Refusals r) {
    for (TemplatePod t : pods.templates()) {
      hostProcess(t.specField(), t.podContext().getWindowsOptions(), r);
      for (TemplateContainer c : t.containers()) {
        hostProcess(c.field(), c.securityContext().getWindowsOptions(), r);
      }
    }
  }

  private static void hostProcess(String owner, WindowsSecurityContextOptions options, Refusals r) {
    if (options != null && Boolean.TRUE.equals(options.getHostProcess())) {
      r.refuse(owner + ".securityContext.windowsOptions.hostProcess", UNSET_OR_FALSE, true);
    }
  }

  static void hostNamespaces(Pods pods, Refusals r) {
    for (TemplatePod t : pods.templates()) {
      var spec = t.spec();
      if (Boolean.TRUE.equals(spec.getHostNetwork())) {
        r.refuse(t.specField() + ".hostNetwork", UNSET_OR_FALSE, true);
      }
      if (Boolean.TRUE.equals(spec.getHostPID())) {
        r.refuse(t.specField() + ".hostPID", UNSET_OR_FALSE, true);
      }
      if (Boolean.TRUE.equals(spec.getHostIPC())) {
        r.refuse(t.specField() + ".hostIPC", UNSET_OR_FALSE, true);
      }
    }
    // Flink reads booleans case-insensitively; the value is not echoed (this map holds secrets).
    if (pods.config(HOST_NETWORK_KEY).filter(s -> s.strip().equalsIgnoreCase("true")).isPresent()) {
      r.refuse(Pods.configField(HOST_NETWORK_KEY), UNSET_OR_FALSE, null);
    }
  }

  static void privileged(Pods pods, Refusals r) {
    for (TemplateContainer c : pods.containers()) {
      if (Boolean.TRUE.equals(c.securityContext().getPrivileged())) {
        r.refuse(c.field() + ".securityContext.privileged", UNSET_OR_FALSE, true);
      }
    }
  }

  static void capabilities(Pods pods, Refusals r) {
    for (TemplateContainer c : pods.containers()) {
      List<String> added = c.added();
      for (int i = 0; i < added.size(); i++) {
        if (!CAPABILITIES.contains(added.get(i))) {
          r.refuse(
              c.field() + ".securityContext.capabilities.add[" + i + "]",
              "must be one of " + String.join(", ", CAPABILITIES),
              added.get(i));
        }
      }
    }
  }

  static void hostPathVolumes(Pods pods, Refusals r) {
    for (TemplatePod t : pods.templates()) {
      t.volumeTypes()
          .forEach(
              (field, types) -> {
                if (types.contains("hostPath")) {
                  r.refuse(field + ".hostPath", "must be unset (no hostPath volumes)", null);
                }
              });
    }
  }

  static void hostPorts(Pods pods, Refusals r) {
    for (TemplateContainer c : pods.containers()) {
      for (int i = 0; i < c.ports().size(); i++) {
        Integer hostPort = c.ports().get(i).getHostPort();
        if (hostPort != null && hostPort != 0) {
          r.refuse(c.field() + ".ports[" + i + "].hostPort", "must be 0 or unset", hostPort);
        }
      }
    }
  }

  static void appArmor(Pods pods, Refusals r) {
    String allowedProfile = "must be RuntimeDefault, Localhost or unset";
    for (TemplatePod t : pods.templates()) {
      refusedType(t.podContext().getAppArmorProfile())
          .ifPresent(
              type ->
                  r.refuse(
                      t.specField() + ".securityContext.appArmorProfile.type",
                      allowedProfile,
                      type));
      for (TemplateContainer c : t.containers()) {
        refusedType(c.securityContext().getAppArmorProfile())
            .ifPresent(
                type ->
                    r.refuse(
                        c.field() + ".securityContext.appArmorProfile.type", allowedProfile, type));
      }
    }
    ProfileAnnotation.APPARMOR.checkTemplates(pods, r);
    ProfileAnnotation.APPARMOR.checkFlinkConfiguration(pods, r);
  }

  /** The type of a profile that is set to something other than RuntimeDefault or Localhost. */
  private static Optional<String> refusedType(AppArmorProfile profile) {
    return profile == null || profile.getType() == null || PROFILE_TYPES.contains(profile.getType())
        ? Optional.empty()
        : Optional.of(profile.getType());
  }

  static void seLinux(Pods pods, Refusals r) {
    for (TemplatePod t : pods.templates()) {
      seLinux(t.specField(), t.podContext().getSeLinuxOptions(), r);
      for (TemplateContainer c : t.containers()) {
        seLinux(c.field(), c.securityContext().getSeLinuxOptions(), r);
      }
    }
  }

  private static void seLinux(String owner, SELinuxOptions options, Refusals r) {
    if (options == null) {
      return;
    }
    String field = owner + ".securityContext.seLinuxOptions";
    if (!isEmpty(options.getType()) && !SELINUX_TYPES.contains(options.getType())) {
      r.refuse(
          field + ".type",
          "must be one of " + String.join(", ", SELINUX_TYPES) + ", or unset",
          options.getType());
    }
    if (!isEmpty(options.getUser())) {
      r.refuse(field + ".user", "must be unset", options.getUser());
    }
    if (!isEmpty(options.getRole())) {
      r.refuse(field + ".role", "must be unset", options.getRole());
    }
  }

  static void procMount(Pods pods, Refusals r) {
    for (TemplateContainer c : pods.containers()) {
      String procMount = c.securityContext().getProcMount();
      if (procMount != null && !procMount.equals("Default")) {
        r.refuse(c.field() + ".securityContext.procMount", "must be Default or unset", procMount);
      }
    }
  }

  static void seccomp(Pods pods, Refusals r) {
    String allowed = "must be RuntimeDefault, Localhost or unset";
    for (TemplatePod t : pods.templates()) {
      seccompType(t.podContext().getSeccompProfile())
          .filter(type -> !PROFILE_TYPES.contains(type))
          .ifPresent(
              type ->
                  r.refuse(t.specField() + ".securityContext.seccompProfile.type", allowed, type));
      for (TemplateContainer c : t.containers()) {
        seccompType(c.securityContext().getSeccompProfile())
            .filter(type -> !PROFILE_TYPES.contains(type))
            .ifPresent(
                type ->
                    r.refuse(c.field() + ".securityContext.seccompProfile.type", allowed, type));
      }
    }
    ProfileAnnotation.SECCOMP.checkTemplates(pods, r);
    ProfileAnnotation.SECCOMP.checkFlinkConfiguration(pods, r);
  }

  static void sysctls(Pods pods, Refusals r) {
    for (TemplatePod t : pods.templates()) {
      var sysctls =
          t.podContext().getSysctls() == null ? List.<Sysctl>of() : t.podContext().getSysctls();
      for (int i = 0; i < sysctls.size(); i++) {
        String name = sysctls.get(i).getName();
        if (!SAFE_SYSCTLS.contains(name)) {
          r.refuse(
              t.specField() + ".securityContext.sysctls[" + i + "].name",
              "must be one of " + String.join(", ", SAFE_SYSCTLS),
              name);
        }
      }
    }
  }

  static Optional<String> seccompType(SeccompProfile profile) {
    return profile == null ? Optional.empty() : Optional.ofNullable(profile.getType());
  }

  private static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }

  /** A sorted set of space-separated words, so that messages list them in a stable order. */
  static Set<String> words(String words) {
    return new TreeSet<>(List.of(words.split(" ")));
  }
}
