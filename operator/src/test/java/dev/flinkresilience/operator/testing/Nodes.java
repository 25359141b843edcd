package dev.flinkresilience.operator.testing;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import java.time.Instant;
import java.util.List;

/** Nodes as a kubelet registers them, for the tests that watch, taint or fence them. */
public final class Nodes {
  private Nodes() {}

  /** A Node whose Ready condition reads {@code ready} ("True", "False", "Unknown"). */
  public static Node node(String name, String ready, Taint... taints) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withTaints(List.of(taints))
        .endSpec()
        .withNewStatus()
        .withConditions(ready(ready))
        .endStatus()
        .build();
  }

  /** The Ready condition as the kubelet last posted it, now. */
  public static NodeCondition ready(String status) {
    return new NodeConditionBuilder()
        .withType("Ready")
        .withStatus(status)
        .withLastHeartbeatTime(Instant.now().toString())
        .build();
  }
}
