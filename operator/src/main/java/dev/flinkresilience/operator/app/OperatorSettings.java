package dev.flinkresilience.operator.app;

import java.util.List;

/**
 * How the operator runs.
 *
 * @param namespaces namespaces to watch; empty for all
 */
public record OperatorSettings(List<String> namespaces) {
  public static OperatorSettings allNamespaces() {
    return new OperatorSettings(List.of());
  }
}
