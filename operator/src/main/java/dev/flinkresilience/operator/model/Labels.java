package dev.flinkresilience.operator.model;

import dev.flinkresilience.operator.render.FlinkConfigRenderer;
import java.util.Map;

/** Labels and annotations the operator puts on what it creates, and selects its pods by. */
public final class Labels {
  /** On every object and pod of a job: its FlinkResilientJob name. Informers select on it. */
  public static final String JOB = FlinkConfigRenderer.JOB_LABEL;

  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGER = "flink-resilience-operator";

  /** On the JobManager Deployment: what was deployed, so a change of spec is seen by comparing. */
  public static final String SPEC_HASH = "flinkresilience.dev/spec-hash";

  public static final String GENERATION = "flinkresilience.dev/generation";
  public static final String SERIAL = "flinkresilience.dev/deployment-serial";
  public static final String JOB_ID = "flinkresilience.dev/job-id";

  /** On a JobManager Deployment made by a recovery: {@code <incident id>/<attempt>}. */
  public static final String RECOVERY_ATTEMPT = "flinkresilience.dev/recovery-attempt";

  private Labels() {}

  /** The labels every object of job {@code name} carries. */
  public static Map<String, String> of(String name) {
    return Map.of(JOB, name, MANAGED_BY, MANAGER);
  }
}
