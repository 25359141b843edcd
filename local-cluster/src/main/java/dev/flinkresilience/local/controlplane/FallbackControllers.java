package dev.flinkresilience.local.controlplane;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * What the mock API server lacks and Flink and the operator rely on: Deployments to ReplicaSets to
 * pods, scheduling onto Ready nodes, and garbage collection by owner references.
 */
public final class FallbackControllers implements AutoCloseable {
  private FallbackControllers() {}

  public static FallbackControllers start(KubernetesClient client) {
    return new FallbackControllers();
  }

  @Override
  public void close() {}
}
