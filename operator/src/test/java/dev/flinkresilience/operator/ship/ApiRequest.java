package dev.flinkresilience.operator.ship;

import java.util.Arrays;
import java.util.Optional;

/**
 * Maps an HTTP request to the Kubernetes API onto the RBAC right it needs, as the API server's
 * request-info resolver does: the path gives group, namespace, resource (with subresource) and
 * name; the method (and {@code watch=true}) gives the verb. Discovery and other non-resource paths
 * map to nothing: every authenticated user may read them (system:discovery).
 */
public final class ApiRequest {
  private ApiRequest() {}

  public static Optional<Grant> toGrant(String method, String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    String query = q < 0 ? "" : pathAndQuery.substring(q + 1);
    String[] p = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
    int i;
    String group;
    if (p.length >= 2 && p[0].equals("api")) {
      group = "";
      i = 2;
    } else if (p.length >= 3 && p[0].equals("apis")) {
      group = p[1];
      i = 3;
    } else {
      return Optional.empty();
    }
    if (p.length == i) {
      return Optional.empty(); // discovery of one group version
    }
    String namespace = Grant.CLUSTER;
    if (p[i].equals("namespaces") && p.length > i + 2) {
      namespace = p[i + 1];
      i += 2;
    }
    String resource = p[i];
    boolean named = p.length > i + 1;
    if (p.length > i + 2) {
      resource = resource + "/" + p[i + 2];
    }
    return Optional.of(new Grant(namespace, group, resource, verb(method, named, query)));
  }

  private static String verb(String method, boolean named, String query) {
    switch (method) {
      case "GET":
        if (query.contains("watch=true") || query.contains("watch=1")) {
          return "watch";
        }
        return named ? "get" : "list";
      case "POST":
        return "create";
      case "PUT":
        return "update";
      case "PATCH":
        return "patch";
      case "DELETE":
        return named ? "delete" : "deletecollection";
      default:
        throw new IllegalArgumentException("unexpected method " + method);
    }
  }
}
