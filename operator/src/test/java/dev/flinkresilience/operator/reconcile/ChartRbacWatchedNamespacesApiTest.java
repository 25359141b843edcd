package dev.flinkresilience.operator.reconcile;

import dev.flinkresilience.operator.app.OperatorSettings;
import java.util.List;

/**
 * The API scenarios with the operator watching a list of namespaces, against the chart rendered
 * with the same list: Roles in those namespaces must be enough (no cluster-wide list of jobs).
 */
class ChartRbacWatchedNamespacesApiTest extends ChartRbacApiTest {
  @Override
  OperatorSettings settings() {
    return OperatorSettings.allNamespaces().withNamespaces(List.of("other", "streaming"));
  }

  @Override
  String chartValues() {
    return "watchNamespaces: [other, streaming]";
  }
}
