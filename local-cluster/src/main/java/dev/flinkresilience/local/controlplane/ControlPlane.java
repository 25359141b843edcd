package dev.flinkresilience.local.controlplane;

import java.nio.file.Path;

/**
 * A Kubernetes API server on this machine, reached like any cluster: through a kubeconfig. The
 * operator, Flink's own Kubernetes client and the node emulator all use it.
 */
public interface ControlPlane extends AutoCloseable {
  /** What the local cluster can run on. */
  enum Kind {
    /** Real kube-apiserver, controller-manager and scheduler (local/controlplane). */
    REAL,
    /** The fabric8 mock server in CRUD mode, with {@link FallbackControllers}. */
    MOCK,
    /** REAL when its binaries are built, else MOCK. */
    AUTO
  }

  Kind kind();

  Path kubeconfig();

  /** One line for logs: which control plane, where. */
  String describe();

  @Override
  void close();
}
