package dev.flinkresilience.local;

import dev.flinkresilience.local.storage.S3Server;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.app.OperatorSettings;
import dev.flinkresilience.operator.app.OperatorWiring;
import dev.flinkresilience.operator.app.RunningOperator;
import dev.flinkresilience.operator.observe.storage.StorageAccess;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The operator on the local cluster: the committed CRD installed, then the operator itself,
 * in-process but with its own client built from the cluster's kubeconfig, exactly as it would run
 * against any cluster, and reading checkpoint storage through Flink's S3 plugin with the cluster's
 * S3 in its own storage configuration (unless the settings name other storage access).
 */
public final class LocalOperator implements AutoCloseable {
  private final KubernetesClient client;
  private final RunningOperator operator;

  private LocalOperator(KubernetesClient client, RunningOperator operator) {
    this.client = client;
    this.operator = operator;
  }

  /** Installs {@code crds/} of {@code repo} (if not there yet) and starts the operator. */
  public static LocalOperator start(LocalCluster cluster, Path repo, OperatorSettings settings) {
    return start(cluster, repo, settings, cluster.kubeconfig());
  }

  /**
   * As above, reaching the API server through {@code kubeconfig} (a {@code
   * faults.ConnectionCutter}'s copy, to cut the operator off alone).
   */
  public static LocalOperator start(
      LocalCluster cluster, Path repo, OperatorSettings settings, Path kubeconfig) {
    installCrd(cluster.client(), repo);
    if (settings.storage().equals(StorageAccess.LOCAL_ONLY) && cluster.hasS3()) {
      // As the chart runs it: Flink's S3 plugin, and the cluster's S3 in its own configuration.
      settings =
          settings.withStorage(
              new StorageAccess(
                  S3Server.plugins(repo), Optional.of(cluster.s3().operatorConfig())));
    }
    KubernetesClient client = LocalCluster.client(kubeconfig);
    try {
      return new LocalOperator(client, OperatorWiring.run(client, settings, Clock.systemUTC()));
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /** Installs the committed CRD of {@code repo} if absent, and waits until it is served. */
  public static void installCrd(KubernetesClient client, Path repo) {
    Path crd = repo.resolve("crds/flinkresilientjobs.flinkresilience.dev-v1.yml");
    CustomResourceDefinition definition =
        client.apiextensions().v1().customResourceDefinitions().load(crd.toFile()).item();
    var resource =
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName(definition.getMetadata().getName());
    if (resource.get() == null) {
      client.apiextensions().v1().customResourceDefinitions().resource(definition).create();
    }
    // A real API server serves the new type only once the CRD is Established.
    resource.waitUntilCondition(
        d ->
            d != null
                && (d.getStatus() == null
                    || d.getStatus().getConditions() == null
                    || d.getStatus().getConditions().isEmpty()
                    || d.getStatus().getConditions().stream()
                        .anyMatch(
                            c ->
                                "Established".equals(c.getType()) && "True".equals(c.getStatus()))),
        60,
        TimeUnit.SECONDS);
    // Established is not yet served everywhere: a real API server may answer 404 for the new type
    // for a moment after, and an operator starting then fails to start its informer.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        client.resources(FlinkResilientJob.class).inAnyNamespace().list();
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 404 || System.nanoTime() > deadline) {
          throw e;
        }
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** The port of the operator's /metrics (and health), when its settings asked for one. */
  public java.util.Optional<Integer> metricsPort() {
    return operator.httpPort();
  }

  /** Stops the operator (the job keeps running, as when an operator pod goes away). */
  @Override
  public void close() {
    try {
      operator.close();
    } finally {
      client.close();
    }
  }
}
