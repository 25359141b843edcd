package dev.flinkresilience.operator.ops;

import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RuntimeInfo;

/**
 * Probes from JOSDK's {@link RuntimeInfo}.
 *
 * <p>Liveness is only "JOSDK's operator has started and not stopped". It does not include the
 * informers' health on purpose: when the API server is unreachable every replica's watches are
 * broken, restarting them all would not bring it back, and fabric8's informers reconnect by
 * themselves (an informer that stops for good ends the process through JOSDK's informer-stopped
 * handler). During startup it is false; the chart's startup probe allows for that.
 *
 * <p>Readiness adds "every event source healthy" (the informers have synced and are watching): a
 * replica whose caches are stale is not serving its purpose. A standby in leader election starts
 * its informers too (JOSDK only holds back event processing until it leads), so it is ready: it
 * must not be restarted, and it can take over at once.
 */
public final class OperatorHealth implements Health {
  private final Operator operator;

  public OperatorHealth(Operator operator) {
    this.operator = operator;
  }

  @Override
  public Check live() {
    RuntimeInfo info = operator.getRuntimeInfo();
    return info.isStarted()
        ? new Check(true, "operator started")
        : new Check(false, "operator not started (starting or stopped)");
  }

  @Override
  public Check ready() {
    RuntimeInfo info = operator.getRuntimeInfo();
    if (!info.isStarted()) {
      return new Check(false, "operator not started: informers not synced yet");
    }
    if (!info.allEventSourcesAreHealthy()) {
      return new Check(false, "unhealthy event sources: " + info.unhealthyEventSources());
    }
    return new Check(true, "operator started, informers synced and watching");
  }
}
