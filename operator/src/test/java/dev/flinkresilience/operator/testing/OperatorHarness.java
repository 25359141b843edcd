package dev.flinkresilience.operator.testing;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.app.OperatorSettings;
import dev.flinkresilience.operator.app.OperatorWiring;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.Operator;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * The real operator (wiring, JOSDK, informers, finalizer) against an API server, with waits that
 * dump the resource's status and events when they time out.
 */
public final class OperatorHarness implements AutoCloseable {
  /**
   * The operator talks through its own client with this User-Agent, so a test can tell its requests
   * from the test's own (ChartRbacApiTest checks them against the chart's RBAC).
   */
  public static final String OPERATOR_USER_AGENT = "flink-resilience-operator-under-test";

  private final KubernetesClient client;
  private final KubernetesClient operatorClient;
  private final Operator operator;

  private OperatorHarness(
      KubernetesClient client, KubernetesClient operatorClient, Operator operator) {
    this.client = client;
    this.operatorClient = operatorClient;
    this.operator = operator;
  }

  /** Installs the committed CRD, then starts the operator watching all namespaces. */
  public static OperatorHarness start(KubernetesClient client) {
    return start(client, OperatorSettings.allNamespaces());
  }

  /** Installs the committed CRD, then starts the operator with {@code settings}. */
  public static OperatorHarness start(KubernetesClient client, OperatorSettings settings) {
    return start(client, settings, Clock.systemUTC());
  }

  /** As {@link #start(KubernetesClient, OperatorSettings)}, the operator reading {@code clock}. */
  public static OperatorHarness start(
      KubernetesClient client, OperatorSettings settings, Clock clock) {
    Path crd =
        Path.of(
            System.getProperty("crds.dir", "../crds"),
            "flinkresilientjobs.flinkresilience.dev-v1.yml");
    var definitions = client.apiextensions().v1().customResourceDefinitions();
    var definition = definitions.load(crd.toFile()).item();
    // A second operator in the same test (one that replaces a stopped one) finds it installed.
    if (definitions.withName(definition.getMetadata().getName()).get() == null) {
      definitions.resource(definition).create();
    }
    KubernetesClient operatorClient =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(client.getConfiguration())
                    .withUserAgent(OPERATOR_USER_AGENT)
                    .build())
            .build();
    return new OperatorHarness(
        client, operatorClient, OperatorWiring.start(operatorClient, settings, clock));
  }

  /** Creates the resource and returns the Flink job id the operator fixed for its deployment. */
  public String createAndAwaitJobId(FlinkResilientJob job) {
    String ns = job.getMetadata().getNamespace();
    String name = job.getMetadata().getName();
    client.resources(FlinkResilientJob.class).inNamespace(ns).resource(job).create();
    return awaitJob(
            ns, name, "a job id", j -> j.getStatus() != null && j.getStatus().getJobId() != null)
        .getStatus()
        .getJobId();
  }

  public FlinkResilientJob get(String namespace, String name) {
    return client.resources(FlinkResilientJob.class).inNamespace(namespace).withName(name).get();
  }

  /** Waits until the resource satisfies {@code condition}; returns it. */
  public FlinkResilientJob awaitJob(
      String namespace, String name, String what, Predicate<FlinkResilientJob> condition) {
    FlinkResilientJob[] last = new FlinkResilientJob[1];
    await(
        what,
        () -> {
          last[0] = get(namespace, name);
          return last[0] != null && condition.test(last[0]);
        },
        () -> describe(namespace, name));
    return last[0];
  }

  public void await(String what, BooleanSupplier condition) {
    await(what, condition, () -> "");
  }

  /** As {@link #await(String, BooleanSupplier)}, for what only a scheduled pass brings about. */
  public void await(String what, Duration within, BooleanSupplier condition) {
    await(what, within, condition, () -> "");
  }

  private void await(
      String what, BooleanSupplier condition, java.util.function.Supplier<String> dump) {
    await(what, Duration.ofSeconds(20), condition, dump);
  }

  private void await(
      String what,
      Duration within,
      BooleanSupplier condition,
      java.util.function.Supplier<String> dump) {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      sleep(50);
    }
    throw new AssertionError("timed out waiting for " + what + "\n" + dump.get());
  }

  public List<Event> events(String namespace, String name) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  /** Status and events of a job, for failure messages. */
  public String describe(String namespace, String name) {
    var job = get(namespace, name);
    StringBuilder b = new StringBuilder("--- status of " + namespace + "/" + name + ":\n");
    b.append(job == null ? "(gone)" : Serialization.asYaml(job.getStatus()));
    b.append("--- events:\n");
    events(namespace, name)
        .forEach(
            e ->
                b.append(e.getType())
                    .append(' ')
                    .append(e.getReason())
                    .append(": ")
                    .append(e.getMessage())
                    .append('\n'));
    return b.toString();
  }

  @Override
  public void close() {
    operator.stop();
    operatorClient.close();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
