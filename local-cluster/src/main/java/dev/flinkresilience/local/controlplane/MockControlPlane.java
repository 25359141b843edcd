package dev.flinkresilience.local.controlplane;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;

/**
 * The fallback: fabric8's in-process API server in CRUD mode (objects, watches, the status
 * subresource), plus {@link FallbackControllers} for what a control plane would do and the mock
 * does not (Deployments to pods, scheduling, garbage collection).
 */
public final class MockControlPlane implements ControlPlane {
  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final FallbackControllers controllers;
  private final Path kubeconfig;

  private MockControlPlane(
      KubernetesMockServer server,
      KubernetesClient client,
      FallbackControllers controllers,
      Path kubeconfig) {
    this.server = server;
    this.client = client;
    this.controllers = controllers;
    this.kubeconfig = kubeconfig;
  }

  public static MockControlPlane start(Path state) {
    try {
      KubernetesMockServer server =
          new KubernetesMockServer(
              new Context(),
              new MockWebServer(),
              new HashMap<>(),
              new KubernetesCrudDispatcher(),
              true);
      server.init(InetAddress.getByName("127.0.0.1"), 0);
      KubernetesClient client = server.createClient();
      Files.createDirectories(state);
      Path kubeconfig = state.resolve("kubeconfig");
      // The address it listens on, not the client's "localhost": in a pod, localhost is the pod's
      // own (ContainerPlan#etcHosts), and the pods' Flink reaches the API server through this file.
      Files.writeString(
          kubeconfig,
          """
          apiVersion: v1
          kind: Config
          clusters:
          - name: local
            cluster:
              server: %s
              insecure-skip-tls-verify: true
          users:
          - name: admin
            user:
              token: local
          contexts:
          - name: local
            context:
              cluster: local
              user: admin
          current-context: local
          """
              .formatted("https://127.0.0.1:" + server.getPort() + "/"));
      return new MockControlPlane(server, client, FallbackControllers.start(client), kubeconfig);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Kind kind() {
    return Kind.MOCK;
  }

  @Override
  public Path kubeconfig() {
    return kubeconfig;
  }

  @Override
  public String describe() {
    return "fabric8 mock API server (CRUD) at "
        + client.getMasterUrl()
        + " with fallback controllers";
  }

  @Override
  public void close() {
    controllers.close();
    client.close();
    server.destroy();
  }
}
