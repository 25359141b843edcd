package dev.flinkresilience.operator.ops;

/** What {@code /healthz} and {@code /readyz} answer. */
public interface Health {

  /** A probe's answer: healthy or not, and a line saying why. */
  record Check(boolean ok, String detail) {}

  /** Liveness: restarting the process would help when this is false. */
  Check live();

  /** Readiness: this replica is doing (or standing by for) its job. */
  Check ready();
}
