package dev.flinkresilience.local.node;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * What keeps a node's pods in the API, as a kubelet does: the emulated {@link Kubelet} (every pod a
 * Flink JVM) or the {@link StandInKubelet} (pods reported Running, nothing started). The local
 * cluster hands each one its node's pod events and injects the node's failures through it.
 */
public interface NodeAgent extends AutoCloseable {
  /** A pod bound to this node was added or changed. */
  void podChanged(Pod pod);

  /** A pod bound to this node is gone from the API. */
  void podDeleted(Pod pod);

  /** Power off: nothing on the node acts or answers any more. */
  void kill();

  /** A partition: the node stops acting, and catches up on {@link #thaw}. */
  void freeze();

  void thaw();

  /** A killed node boots again and starts over with the pods still bound to it. */
  void revive();

  Kubelet.Health health();

  @Override
  void close();
}
