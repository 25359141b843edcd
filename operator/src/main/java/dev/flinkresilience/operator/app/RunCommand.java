package dev.flinkresilience.operator.app;

import dev.flinkresilience.operator.observe.JobManagerAddress;
import dev.flinkresilience.operator.reconcile.PollPacing;
import dev.flinkresilience.operator.spec.Durations;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
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

  @Option(
      names = "--poll-interval",
      description =
          "How often Flink's REST API is polled while the job runs steadily (default: ${DEFAULT-VALUE}).",
      defaultValue = "5s",
      converter = DurationConverter.class)
  Duration pollInterval;

  @Option(
      names = "--fast-poll-interval",
      description =
          "How often it is polled while deploying, recovering or failing (default: ${DEFAULT-VALUE}).",
      defaultValue = "1s",
      converter = DurationConverter.class)
  Duration fastPollInterval;

  @Option(
      names = "--jobmanager-address",
      description =
          "How the JobManager's REST API is reached: POD_IP (in-cluster, or where pod IPs route)"
              + " or SERVICE (the <name>-rest Service by cluster DNS). Default: ${DEFAULT-VALUE}.",
      defaultValue = "POD_IP")
  JobManagerAddress.Mode jobManagerAddress;

  /** Kubernetes-style durations (500ms, 5s, 1m), as in the CRD. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return Durations.parse(value);
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    KubernetesClient client = new KubernetesClientBuilder().build();
    var settings =
        OperatorSettings.allNamespaces()
            .withNamespaces(namespaces == null ? List.of() : namespaces)
            .withPolling(new PollPacing(pollInterval, fastPollInterval))
            .withJobManagerAddress(jobManagerAddress);
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
