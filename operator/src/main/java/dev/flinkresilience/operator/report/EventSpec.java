package dev.flinkresilience.operator.report;

/**
 * A Kubernetes event to emit. Reasons are stable CamelCase words a human can search for ({@code
 * kubectl get events --field-selector reason=InvalidSpec}).
 */
public record EventSpec(Type type, String reason, String message) {
  public enum Type {
    Normal,
    Warning
  }

  public static EventSpec normal(String reason, String message) {
    return new EventSpec(Type.Normal, reason, message);
  }

  public static EventSpec warning(String reason, String message) {
    return new EventSpec(Type.Warning, reason, message);
  }
}
