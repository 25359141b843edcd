package dev.flinkresilience.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.app.OperatorSettings;
import dev.flinkresilience.operator.observe.LeanStore;
import dev.flinkresilience.operator.testing.OperatorHarness;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The informers that hold one object or more per job list in pages: FlinkResilientJobs, and the
 * jobs' Pods, Deployments and Flink's HA ConfigMaps. Unpaged, a list of 5,000 jobs is one 46 MB
 * answer, held whole by the API server and by the operator.
 */
@EnableKubernetesMockClient(crud = true)
class InformerPagingApiTest {
  KubernetesClient client;
  KubernetesMockServer server;

  @Test
  void everyPerJobInformerListsInPages() throws InterruptedException {
    try (OperatorHarness operator =
        OperatorHarness.start(client, OperatorSettings.allNamespaces())) {
      List<String> lists = new ArrayList<>();
      RecordedRequest r;
      while ((r = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
        String path = r.getPath();
        boolean perJob =
            path.contains("/flinkresilientjobs?")
                || path.contains("/pods?")
                || path.contains("/deployments?")
                || path.contains("/configmaps?");
        if (OperatorHarness.OPERATOR_USER_AGENT.equals(r.getHeader("User-Agent"))
            && "GET".equals(r.getMethod())
            && perJob
            && !path.contains("watch=true")) {
          lists.add(path);
        }
      }
      assertThat(lists)
          .as("the informers' lists")
          .anyMatch(p -> p.contains("/flinkresilientjobs?"))
          .anyMatch(p -> p.contains("/pods?"))
          .anyMatch(p -> p.contains("/deployments?"))
          .anyMatch(p -> p.contains("/configmaps?"))
          .allMatch(p -> p.contains("limit=" + LeanStore.LIST_PAGE), "paged");
    }
  }
}
