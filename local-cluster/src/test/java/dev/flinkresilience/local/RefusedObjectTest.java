package dev.flinkresilience.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.local.controlplane.ControlPlane;
import dev.flinkresilience.local.controlplane.RealControlPlane;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.app.OperatorSettings;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14, item 4, on the real control plane: an object the API server refuses (here a
 * ResourceQuota of zero Services; in the scale run it was a full Service IP range) shows on the job
 * (phase, a condition reason, a message naming the object and the server's answer, a Warning
 * event), and the operator keeps trying: once the quota is lifted, the job deploys with no event
 * from us. The cluster has no nodes: nothing here needs a pod to run.
 */
class RefusedObjectTest {
  private static final Path REPO = Path.of(System.getProperty("repo.dir", "..")).toAbsolutePath();
  private static final String NS = "quota";
  private static final String NAME = "orders";

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void aJobWhoseServiceIsRefusedSaysSoAndDeploysOnceTheQuotaIsLifted() throws Exception {
    boolean real = RealControlPlane.available();
    if (!real && Boolean.getBoolean("fro.require-real-control-plane")) {
      throw new IllegalStateException("the real control plane is required but not built");
    }
    Assumptions.assumeTrue(
        real, "needs the real control plane (quota admission): run local/controlplane/build.sh");
    LocalCluster.Settings settings =
        LocalCluster.Settings.defaults().withControlPlane(ControlPlane.Kind.REAL).withNodes(0);
    try (LocalCluster cluster = LocalCluster.start(settings);
        LocalOperator operator =
            LocalOperator.start(cluster, REPO, OperatorSettings.allNamespaces())) {
      KubernetesClient admin = cluster.client();
      cluster.ensureNamespace(NS);
      admin
          .resourceQuotas()
          .inNamespace(NS)
          .resource(
              new ResourceQuotaBuilder()
                  .withNewMetadata()
                  .withName("no-services")
                  .endMetadata()
                  .withNewSpec()
                  .withHard(Map.of("services", new io.fabric8.kubernetes.api.model.Quantity("0")))
                  .endSpec()
                  .build())
          .create();
      // A quota restricts only once the controller-manager's quota controller has filled in its
      // status (status.hard); admitted before that, the Service was created and nothing was
      // refused (seen with two test JVMs sharing the 2 cores).
      admin
          .resourceQuotas()
          .inNamespace(NS)
          .withName("no-services")
          .waitUntilCondition(
              q ->
                  q.getStatus() != null
                      && q.getStatus().getHard() != null
                      && q.getStatus().getHard().containsKey("services"),
              1,
              TimeUnit.MINUTES);
      createJob(admin);

      Waits waits = new Waits(admin, NS, NAME);
      FlinkResilientJob refused =
          waits.job(
              "the refusal on the job",
              Duration.ofSeconds(60),
              j -> "ObjectRefused".equals(reason(j, "Degraded")));
      String message = refused.getStatus().getMessage();
      System.out.println("refused: phase " + refused.getStatus().getPhase() + ", " + message);
      assertThat(refused.getStatus().getPhase()).as("never a job without status").isNotNull();
      assertThat(message)
          .contains("Service " + NS + "/" + NAME)
          .contains("exceeded quota")
          .contains("HTTP 403");
      assertThat(reason(refused, "Ready")).isEqualTo("ObjectRefused");
      assertThat(admin.apps().deployments().inNamespace(NS).list().getItems())
          .as("no JobManager without its Service")
          .isEmpty();
      assertThat(admin.v1().events().inNamespace(NS).list().getItems())
          .extracting(Event::getReason)
          .contains("ObjectRefused");

      long lifted = System.nanoTime();
      admin.resourceQuotas().inNamespace(NS).withName("no-services").delete();
      FlinkResilientJob deployed =
          waits.job(
              "deployed once the quota is lifted",
              Duration.ofSeconds(60),
              j ->
                  !"ObjectRefused".equals(reason(j, "Degraded"))
                      && !admin.apps().deployments().inNamespace(NS).list().getItems().isEmpty());
      System.out.printf(
          "deployed %.1f s after the quota was lifted: phase %s, %s%n",
          (System.nanoTime() - lifted) / 1e9,
          deployed.getStatus().getPhase(),
          deployed.getStatus().getMessage());
      assertThat(admin.services().inNamespace(NS).withName(NAME + "-rest").get()).isNotNull();
    }
  }

  @SuppressWarnings("unchecked")
  private static void createJob(KubernetesClient client) throws java.io.IOException {
    Map<String, Object> document =
        Serialization.unmarshal(Files.readString(REPO.resolve("examples/orders.yaml")), Map.class);
    Map<String, Object> metadata = (Map<String, Object>) document.get("metadata");
    metadata.put("name", NAME);
    metadata.put("namespace", NS);
    client
        .resources(FlinkResilientJob.class)
        .inNamespace(NS)
        .resource(Serialization.unmarshal(Serialization.asJson(document), FlinkResilientJob.class))
        .create();
  }

  private static String reason(FlinkResilientJob job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return null;
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .map(Condition::getReason)
        .findFirst()
        .orElse(null);
  }
}
