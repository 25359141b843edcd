package dev.flinkresilience.operator.report;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Kubernetes-convention conditions, built fresh each pass: a condition keeps its lastTransitionTime
 * while its status stays the same, and carries the generation it describes.
 */
final class Conditions {
  static final String READY = "Ready";
  static final String PROGRESSING = "Progressing";
  static final String DEGRADED = "Degraded";

  private Conditions() {}

  static Condition of(
      String type,
      boolean status,
      String reason,
      String message,
      long generation,
      List<Condition> previous,
      Instant now) {
    String value = status ? "True" : "False";
    String since =
        previous == null
            ? null
            : previous.stream()
                .filter(c -> type.equals(c.getType()) && value.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime)
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(null);
    return new ConditionBuilder()
        .withType(type)
        .withStatus(value)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(generation)
        .withLastTransitionTime(since != null ? since : now.toString())
        .build();
  }
}
