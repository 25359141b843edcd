package dev.flinkresilience.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Flink's leader election for Kubernetes HA. Its defaults are Flink's own; the section is rendered
 * only when present, so a job without it keeps the configuration (and the spec hash) it had.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KubernetesHaSpec {
  /** Flink's default lease duration (and renew deadline). */
  public static final String DEFAULT_LEASE_DURATION = "15s";

  /** Flink's default retry period. */
  public static final String DEFAULT_RETRY_PERIOD = "5s";

  @JsonPropertyDescription(
      "How long a JobManager's leadership lasts without renewal (Flink's lease duration and renew deadline). A standby takes over a leader that died on a live node no sooner than this; on a lost node the operator hands leadership over without waiting for it. Default 15s; at least twice retryPeriod.")
  private String leaseDuration = DEFAULT_LEASE_DURATION;

  @JsonPropertyDescription(
      "How often the leading JobManager renews its leadership and a standby tries to take it (Flink's retry period; Flink waits between 1 and 2.2 times this between tries). After the operator releases the leadership of a JobManager on a lost node, a standby takes over at its next try, so with jobManager.replicas above 1 this bounds the takeover. Each JobManager reads the leader ConfigMap once per period and the leader writes it. Default 5s; between 1s and 1m.")
  private String retryPeriod = DEFAULT_RETRY_PERIOD;

  public String getLeaseDuration() {
    return leaseDuration;
  }

  public void setLeaseDuration(String leaseDuration) {
    this.leaseDuration = leaseDuration;
  }

  public String getRetryPeriod() {
    return retryPeriod;
  }

  public void setRetryPeriod(String retryPeriod) {
    this.retryPeriod = retryPeriod;
  }
}
