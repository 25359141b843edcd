package dev.flinkresilience.local.bench;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * The operator's identity in the benchmark: a ServiceAccount's token, as the chart's Deployment has
 * in a cluster, not the control plane's admin client certificate. Besides being what a platform
 * team runs, it changes what the operator's own client costs: fabric8 7.5.2 re-reads and parses the
 * kubeconfig before every request while its credentials hold no token (it refreshes the token it
 * lacks once a minute only after it found one): 41 of the 467 samples of the steady CPU profile at
 * 1,000 jobs with the admin certificate, 1 of 569 with the token (2026-12-07, runs N and M). Bound
 * to {@code cluster-admin}: what the benchmark measures is the operator's cost, not the API
 * server's authorization.
 */
final class OperatorIdentity {
  static final String NAMESPACE = "flink-resilience";
  static final String NAME = "flink-resilience-operator";

  private OperatorIdentity() {}

  /** Creates the ServiceAccount and its token, and writes a kubeconfig with that token. */
  static Path kubeconfig(KubernetesClient admin, Path dir, Duration timeout)
      throws IOException, InterruptedException {
    admin
        .serviceAccounts()
        .inNamespace(NAMESPACE)
        .resource(
            new ServiceAccountBuilder()
                .withMetadata(new ObjectMetaBuilder().withName(NAME).build())
                .build())
        .createOr(existing -> existing.update());
    admin
        .rbac()
        .clusterRoleBindings()
        .resource(
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName(NAME + "-bench")
                .endMetadata()
                .withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("ClusterRole")
                .withName("cluster-admin")
                .endRoleRef()
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName(NAME)
                .withNamespace(NAMESPACE)
                .endSubject()
                .build())
        .createOr(existing -> existing.update());
    // Kubernetes 1.20's token controller fills a Secret of this type for the account it names.
    admin
        .secrets()
        .inNamespace(NAMESPACE)
        .resource(
            new SecretBuilder()
                .withMetadata(
                    new ObjectMetaBuilder()
                        .withName(NAME + "-token")
                        .withAnnotations(Map.of("kubernetes.io/service-account.name", NAME))
                        .build())
                .withType("kubernetes.io/service-account-token")
                .build())
        .createOr(existing -> existing.update());
    String token = awaitToken(admin, timeout);
    Config config = admin.getConfiguration();
    String kubeconfig =
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: local",
            "  cluster:",
            "    server: " + config.getMasterUrl(),
            "    certificate-authority-data: " + caData(config),
            "users:",
            "- name: " + NAME,
            "  user:",
            "    token: " + token,
            "contexts:",
            "- name: " + NAME,
            "  context:",
            "    cluster: local",
            "    user: " + NAME,
            "current-context: " + NAME,
            "");
    Path file = dir.resolve("operator.kubeconfig");
    Files.writeString(file, kubeconfig);
    return file;
  }

  private static String awaitToken(KubernetesClient admin, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Secret secret = admin.secrets().inNamespace(NAMESPACE).withName(NAME + "-token").get();
      if (secret != null && secret.getData() != null && secret.getData().get("token") != null) {
        return new String(
            Base64.getDecoder().decode(secret.getData().get("token")), StandardCharsets.UTF_8);
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        "no token for ServiceAccount " + NAMESPACE + "/" + NAME + " within " + timeout);
  }

  private static String caData(Config config) throws IOException {
    if (config.getCaCertData() != null) {
      return config.getCaCertData();
    }
    return Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(config.getCaCertFile())));
  }
}
