package dev.flinkresilience.operator.validate;

/**
 * The Kubernetes Pod Security Standards levels
 * (https://kubernetes.io/docs/concepts/security/pod-security-standards/), each allowing less than
 * the one before.
 */
public enum PodSecurityLevel {
  /** No restriction: the pod templates may ask for anything Kubernetes allows. */
  PRIVILEGED,
  /**
   * Prevents known privilege escalations: no host namespaces, privileged containers, hostPath...
   */
  BASELINE,
  /** Baseline plus hardening: non-root, no privilege escalation, seccomp, capabilities dropped. */
  RESTRICTED;

  /** Parses privileged, baseline or restricted, in any case. */
  public static PodSecurityLevel parse(String text) {
    for (PodSecurityLevel level : values()) {
      if (level.name().equalsIgnoreCase(text == null ? "" : text.trim())) {
        return level;
      }
    }
    throw new IllegalArgumentException(
        "pod security level must be privileged, baseline or restricted; got '" + text + "'");
  }

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
