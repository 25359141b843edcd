package dev.flinkresilience.local.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API server's own count of the requests it served ({@code apiserver_request_total} on its
 * {@code /metrics}), by verb and by verb and resource. Kubernetes 1.20 labels no client, so the
 * counts are of every client: in steady state the operator is nearly all of them (the stand-in
 * kubelets write nothing then, the three nodes renew a Lease every 10 s, the controllers watch).
 */
record ApiServerMetrics(Map<String, Double> byVerb, Map<String, Double> byVerbAndResource) {
  private static final Pattern LINE =
      Pattern.compile("^apiserver_request_total\\{([^}]*)\\}\\s+(\\S+)$", Pattern.MULTILINE);
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  static ApiServerMetrics scrape(KubernetesClient client) {
    String text = client.raw("/metrics");
    Map<String, Double> verbs = new TreeMap<>();
    Map<String, Double> resources = new TreeMap<>();
    Matcher m = LINE.matcher(text == null ? "" : text);
    while (m.find()) {
      Map<String, String> labels = new HashMap<>();
      Matcher l = LABEL.matcher(m.group(1));
      while (l.find()) {
        labels.put(l.group(1), l.group(2));
      }
      double value = Double.parseDouble(m.group(2));
      String verb = labels.getOrDefault("verb", "?");
      String resource = labels.getOrDefault("resource", "");
      String sub = labels.getOrDefault("subresource", "");
      verbs.merge(verb, value, Double::sum);
      resources.merge(verb + " " + resource + (sub.isEmpty() ? "" : "/" + sub), value, Double::sum);
    }
    return new ApiServerMetrics(verbs, resources);
  }

  /** Requests per second from {@code before} to this scrape, {@code seconds} apart. */
  ApiServerMetrics ratesSince(ApiServerMetrics before, double seconds) {
    return new ApiServerMetrics(
        rates(before.byVerb, byVerb, seconds),
        rates(before.byVerbAndResource, byVerbAndResource, seconds));
  }

  private static Map<String, Double> rates(
      Map<String, Double> before, Map<String, Double> after, double seconds) {
    Map<String, Double> rates = new TreeMap<>();
    after.forEach(
        (k, v) -> {
          double delta = v - before.getOrDefault(k, 0.0);
          if (delta > 0) {
            rates.put(k, delta / seconds);
          }
        });
    return rates;
  }

  double total() {
    return byVerb.values().stream().mapToDouble(Double::doubleValue).sum();
  }
}
