package dev.flinkresilience.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.app.LeaderElectionSettings;
import dev.flinkresilience.operator.app.OperatorSettings;
import dev.flinkresilience.operator.app.OperatorWiring;
import dev.flinkresilience.operator.app.RunningOperator;
import dev.flinkresilience.operator.ship.ApiRequest;
import dev.flinkresilience.operator.ship.Grant;
import dev.flinkresilience.operator.ship.RbacGrants;
import dev.flinkresilience.operator.ship.RenderedChart;
import dev.flinkresilience.operator.testing.Jobs;
import dev.flinkresilience.operator.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRule;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectRulesReviewStatus;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two operators against one in-process API server with leader election (JOSDK's Lease lock) and
 * short timings: only the Lease holder reconciles; when it stops, the standby takes the Lease
 * within the lease duration and reconciles what is created next. Every request the two make is
 * checked against the chart's RBAC for {@code replicas: 2}.
 */
@EnableKubernetesMockClient(crud = true)
class LeaderElectionApiTest {
  private static final String NS = "streaming";
  private static final String LEASE = "flink-resilience-operator";
  private static final Duration LEASE_DURATION = Duration.ofSeconds(2);
  private static final Duration RENEW_DEADLINE = Duration.ofMillis(1500);
  private static final Duration RETRY_PERIOD = Duration.ofMillis(250);
  private static final String SA = RenderedChart.RELEASE + "-flink-resilience-operator";

  KubernetesClient client;
  KubernetesMockServer server;
  private final List<RunningOperator> running = new ArrayList<>();
  private final List<KubernetesClient> clients = new ArrayList<>();
  private final AtomicInteger unexpectedLosses = new AtomicInteger();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    running.forEach(RunningOperator::close);
    clients.forEach(KubernetesClient::close);
  }

  @Test
  void onlyTheLeaderReconcilesAndTheStandbyTakesOverWithinTheLeaseDuration() throws Exception {
    var chart = RenderedChart.render("replicas: 2");
    answerRulesReviewsLikeTheApiServer(chart);
    installCrd();

    RunningOperator a = start("operator-a");
    await("operator-a holds the Lease", () -> "operator-a".equals(holder()));
    RunningOperator b = start("operator-b");
    assertThat(get(b, "/readyz").statusCode()).as("a standby is ready").isEqualTo(200);
    assertThat(get(b, "/healthz").statusCode()).isEqualTo(200);

    create("first");
    awaitDeployed("first");
    assertThat(reconciliations(a)).as("the leader reconciles").isPositive();
    assertThat(get(a, "/metrics").body())
        .contains("flinkresilience_job_phase{name=\"first\",namespace=\"streaming\"");
    assertThat(reconciliations(b)).as("the standby does not").isZero();
    assertThat(get(b, "/metrics").body()).doesNotContain("name=\"first\"");

    long stoppedAt = System.nanoTime();
    a.close();
    running.remove(a);
    await("operator-b holds the Lease", () -> "operator-b".equals(holder()));
    Duration takeover = Duration.ofNanos(System.nanoTime() - stoppedAt);
    System.out.printf(
        "leader election takeover: %d ms (lease %d ms, renew deadline %d ms, retry %d ms)%n",
        takeover.toMillis(),
        LEASE_DURATION.toMillis(),
        RENEW_DEADLINE.toMillis(),
        RETRY_PERIOD.toMillis());
    // The old leader does not release the Lease (JOSDK), so the standby waits out the lease
    // duration from the last renewal it saw; it notices on its next retry.
    assertThat(takeover).isLessThanOrEqualTo(LEASE_DURATION.plus(RETRY_PERIOD.multipliedBy(2)));

    create("second");
    awaitDeployed("second");
    assertThat(reconciliations(b)).as("the new leader reconciles").isPositive();
    assertThat(unexpectedLosses).as("no leadership lost other than by stopping").hasValue(0);
    assertEveryOperatorRequestIsAllowedBy(RbacGrants.of(chart, SA, RenderedChart.NAMESPACE));
  }

  /**
   * Sharding (issue 14): two operators, each leading its own Lease and owning the jobs of its label
   * selector, run side by side; each reconciles its jobs only, a job of neither shard is nobody's,
   * and a job relabelled moves to the other shard.
   */
  @Test
  void operatorsWithDisjointSelectorsAndLeasesSplitTheJobs() throws Exception {
    var chart = RenderedChart.render("replicas: 2");
    answerRulesReviewsLikeTheApiServer(chart);
    installCrd();

    RunningOperator a = start("operator-a", "fro-shard-a", "shard=a");
    RunningOperator b = start("operator-b", "fro-shard-b", "shard=b");
    await(
        "both lead, each its own Lease",
        () ->
            "operator-a".equals(holder("fro-shard-a"))
                && "operator-b".equals(holder("fro-shard-b")));

    create("orders", "a");
    create("payments", "b");
    create("nobodys", null);
    awaitDeployed("orders");
    awaitDeployed("payments");
    assertThat(jobsIn(a)).containsExactly("orders");
    assertThat(jobsIn(b)).containsExactly("payments");
    Thread.sleep(1_000); // both have had time to reconcile anything they saw
    var nobodys =
        client.resources(FlinkResilientJob.class).inNamespace(NS).withName("nobodys").get();
    assertThat(nobodys.getStatus() == null ? null : nobodys.getStatus().getObservedGeneration())
        .as("a job of neither shard is nobody's: no status written")
        .isNull();

    client
        .resources(FlinkResilientJob.class)
        .inNamespace(NS)
        .withName("payments")
        .edit(
            j -> {
              j.getMetadata().getLabels().put("shard", "a");
              return j;
            });
    await("the relabelled job is operator-a's", () -> jobsIn(a).contains("payments"));
    await("operator-b let the relabelled job go", () -> !jobsIn(b).contains("payments"));
    assertThat(unexpectedLosses).as("no leadership lost").hasValue(0);
  }

  private RunningOperator start(String identity) {
    return start(identity, LEASE, "");
  }

  private RunningOperator start(String identity, String lease, String selector) {
    KubernetesClient operatorClient =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(client.getConfiguration())
                    .withUserAgent(OperatorHarness.OPERATOR_USER_AGENT)
                    .build())
            .build();
    clients.add(operatorClient);
    var election =
        LeaderElectionSettings.of(lease, Optional.of(RenderedChart.NAMESPACE), identity)
            .withTimings(LEASE_DURATION, RENEW_DEADLINE, RETRY_PERIOD)
            .withOnLostLeadership(unexpectedLosses::incrementAndGet);
    var settings =
        OperatorSettings.allNamespaces()
            .withHealthPort(0)
            .withLeaderElection(election)
            .withJobSelector(selector);
    RunningOperator op = OperatorWiring.run(operatorClient, settings, Clock.systemUTC());
    running.add(op);
    return op;
  }

  /**
   * JOSDK checks its Lease rights with a SelfSubjectRulesReview first. The mock's CRUD mode would
   * echo it back without a status; answer as the API server would for the operator's service
   * account: the rules the chart grants in the Lease's namespace.
   */
  private void answerRulesReviewsLikeTheApiServer(RenderedChart chart) {
    List<ResourceRule> rules = new ArrayList<>();
    for (JsonNode role : chart.ofKind("Role")) {
      if (!RenderedChart.NAMESPACE.equals(role.at("/metadata/namespace").asText())) {
        continue;
      }
      role.path("rules")
          .forEach(
              r -> {
                var rule = new ResourceRule();
                rule.setApiGroups(strings(r.path("apiGroups")));
                rule.setResources(strings(r.path("resources")));
                rule.setVerbs(strings(r.path("verbs")));
                rule.setResourceNames(strings(r.path("resourceNames")));
                rules.add(rule);
              });
    }
    assertThat(rules).as("the chart's leader-election Role").isNotEmpty();
    var review = new SelfSubjectRulesReview();
    var status = new SubjectRulesReviewStatus();
    status.setResourceRules(rules);
    status.setIncomplete(false);
    review.setStatus(status);
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(201, review)
        .always();
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private void installCrd() {
    Path crd =
        Path.of(
            System.getProperty("crds.dir", "../crds"),
            "flinkresilientjobs.flinkresilience.dev-v1.yml");
    client.apiextensions().v1().customResourceDefinitions().load(crd.toFile()).create();
  }

  private String holder() {
    return holder(LEASE);
  }

  private String holder(String name) {
    Lease lease = client.leases().inNamespace(RenderedChart.NAMESPACE).withName(name).get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  private void create(String name) {
    create(name, null);
  }

  private void create(String name, String shard) {
    var job = Jobs.job(NS, name);
    job.getMetadata().setUid(null);
    if (shard != null) {
      job.getMetadata().setLabels(new java.util.HashMap<>(java.util.Map.of("shard", shard)));
    }
    client.resource(job).create();
  }

  /** The jobs an operator reports a phase of on its /metrics. */
  private List<String> jobsIn(RunningOperator op) {
    try {
      return get(op, "/metrics")
          .body()
          .lines()
          .filter(l -> l.startsWith("flinkresilience_job_phase{"))
          .map(l -> l.replaceAll(".*[{,]name=\"([^\"]*)\".*", "$1"))
          .distinct()
          .sorted()
          .toList();
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private void awaitDeployed(String name) {
    await(
        name + " reconciled",
        () -> {
          var j = client.resources(FlinkResilientJob.class).inNamespace(NS).withName(name).get();
          return j != null && j.getStatus() != null && j.getStatus().getJobId() != null;
        });
  }

  /** JOSDK's own counter, read from the instance's /metrics. */
  private double reconciliations(RunningOperator op) throws IOException, InterruptedException {
    return get(op, "/metrics")
        .body()
        .lines()
        .filter(l -> l.startsWith("operator_sdk_reconciliations_started_total"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private HttpResponse<String> get(RunningOperator op, String path)
      throws IOException, InterruptedException {
    var uri = URI.create("http://localhost:" + op.httpPort().orElseThrow() + path);
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  private void assertEveryOperatorRequestIsAllowedBy(RbacGrants grants)
      throws InterruptedException {
    List<String> denied = new ArrayList<>();
    boolean leases = false;
    RecordedRequest r;
    while ((r = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
      if (!OperatorHarness.OPERATOR_USER_AGENT.equals(r.getHeader("User-Agent"))) {
        continue;
      }
      Optional<Grant> grant = ApiRequest.toGrant(r.getMethod(), r.getPath());
      if (grant.isEmpty() || grant.get().resource().equals("selfsubjectrulesreviews")) {
        // Every authenticated user may create it (the built-in system:basic-user ClusterRole).
        continue;
      }
      leases |= grant.get().resource().equals("leases");
      if (!grants.allows(grant.get())) {
        denied.add(r.getMethod() + " " + r.getPath() + " needs " + grant.get());
      }
    }
    assertThat(leases).as("Lease requests recorded").isTrue();
    assertThat(denied).isEmpty();
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("timed out waiting for " + what);
  }
}
