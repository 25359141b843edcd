package dev.flinkresilience.operator.testing;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.function.Consumer;

/**
 * A job the operator deployed whose JobManager is played here: a {@link FakeFlinkRest} answers for
 * the job id the operator fixed, and a {@link Kubelet} reports the JobManager's pod Running at the
 * fake's port and its Deployment ready. The set-up the API tests that talk to Flink's REST API
 * share. Closing it closes both.
 */
public final class FakeFlinkJob implements AutoCloseable {
  private final FakeFlinkRest flink;
  private final Kubelet kubelet;

  private FakeFlinkJob(FakeFlinkRest flink, Kubelet kubelet) {
    this.flink = flink;
    this.kubelet = kubelet;
  }

  /**
   * Creates {@code job}, starts the fake for its job id, lets {@code answers} script the fake
   * before the JobManager shows up, then plays the kubelet until the operator made the Deployment
   * and it is ready.
   */
  public static FakeFlinkJob deploy(
      OperatorHarness operator,
      KubernetesClient client,
      FlinkResilientJob job,
      Consumer<FakeFlinkRest> answers) {
    String namespace = job.getMetadata().getNamespace();
    String name = job.getMetadata().getName();
    FakeFlinkRest flink = FakeFlinkRest.start(operator.createAndAwaitJobId(job));
    answers.accept(flink);
    Kubelet kubelet = new Kubelet(client, namespace, 1000);
    kubelet.runJobManager(name, name + "-jobmanager-0", null, flink.port());
    operator.await("the JobManager Deployment", () -> kubelet.jobManagerDeploymentExists(name));
    kubelet.markJobManagerReady(name);
    return new FakeFlinkJob(flink, kubelet);
  }

  public FakeFlinkRest flink() {
    return flink;
  }

  public Kubelet kubelet() {
    return kubelet;
  }

  public String jobId() {
    return flink.jobId();
  }

  @Override
  public void close() {
    kubelet.close();
    flink.close();
  }
}
