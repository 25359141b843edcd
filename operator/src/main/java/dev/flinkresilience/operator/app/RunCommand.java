package dev.flinkresilience.operator.app;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the operator against the cluster of the usual kubeconfig or in-cluster configuration. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description =
        "Run the operator (the default). Finds the cluster like kubectl: $KUBECONFIG,"
            + " ~/.kube/config, or the in-cluster service account.")
final class RunCommand implements Callable<Integer> {

  @Option(
      names = "--namespaces",
      split = ",",
      description = "Namespaces to watch (comma-separated). Default: all. Env: WATCH_NAMESPACES.",
      defaultValue = "${env:WATCH_NAMESPACES}")
  List<String> namespaces;

  @Override
  public Integer call() throws InterruptedException {
    KubernetesClient client = new KubernetesClientBuilder().build();
    var settings = new OperatorSettings(namespaces == null ? List.of() : namespaces);
    var operator = OperatorWiring.start(client, settings, Clock.systemUTC());
    var stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  operator.stop();
                  client.close();
                  stopped.countDown();
                }));
    stopped.await();
    return 0;
  }
}
