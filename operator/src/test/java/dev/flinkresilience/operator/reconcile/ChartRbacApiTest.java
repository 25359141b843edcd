package dev.flinkresilience.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.ship.ApiRequest;
import dev.flinkresilience.operator.ship.Grant;
import dev.flinkresilience.operator.ship.RbacGrants;
import dev.flinkresilience.operator.ship.RenderedChart;
import dev.flinkresilience.operator.ship.ReviewedRbac;
import dev.flinkresilience.operator.testing.OperatorHarness;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/**
 * Every API-tier scenario of {@link FlinkResilientJobApiTest} again, recording each request the
 * operator makes (the mock server sees them all; the operator's own User-Agent tells them from the
 * test's) and checking it against the RBAC the Helm chart grants with the matching values (here all
 * namespaces; {@link ChartRbacWatchedNamespacesApiTest}: a list). After all scenarios the chart's
 * rights must be exactly {@link ReviewedRbac}, the table a reviewer signs off, whose entries marked
 * as used must each have been used.
 */
class ChartRbacApiTest extends FlinkResilientJobApiTest {
  private static final String SA = RenderedChart.RELEASE + "-flink-resilience-operator";
  private static final Set<Grant> USED = new TreeSet<>(ReviewedRbac.ORDER);
  private static final Map<Class<?>, RbacGrants> CHART = new ConcurrentHashMap<>();

  KubernetesMockServer server;

  /** The chart's values matching {@link #settings()}. */
  String chartValues() {
    return "";
  }

  @BeforeEach
  void renderChart() {
    CHART.computeIfAbsent(
        getClass(),
        c -> RbacGrants.of(RenderedChart.render(chartValues()), SA, RenderedChart.NAMESPACE));
  }

  @AfterEach
  void everyRequestOfTheOperatorIsAllowedByTheChart(TestInfo test) throws InterruptedException {
    List<String> denied = new ArrayList<>();
    RecordedRequest r;
    int seen = 0;
    while ((r = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
      if (!OperatorHarness.OPERATOR_USER_AGENT.equals(r.getHeader("User-Agent"))) {
        continue;
      }
      seen++;
      var grant = ApiRequest.toGrant(r.getMethod(), r.getPath());
      if (grant.isEmpty()) {
        continue;
      }
      if (getClass() == ChartRbacApiTest.class) {
        USED.add(grant.get());
      }
      if (!CHART.get(getClass()).allows(grant.get())) {
        denied.add(r.getMethod() + " " + r.getPath() + " needs " + grant.get());
      }
    }
    assertThat(seen).as("requests recorded from the operator's client").isPositive();
    assertThat(denied).as(test.getDisplayName()).isEmpty();
  }

  @AfterAll
  static void everyRightUsedIsReviewedAndEveryReviewedRightIsRendered(TestInfo info) {
    if (info.getTestClass().orElseThrow() == ChartRbacApiTest.class) {
      ReviewedRbac.assertMatches(CHART.get(ChartRbacApiTest.class), USED);
    }
  }
}
