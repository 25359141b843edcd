package dev.flinkresilience.local.monitoring;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What Prometheus' {@code /api/v1/alerts} showed over time, as transitions: an alert (by name and
 * labels) seen pending, then firing, then gone (resolved). Pure: fed the active alerts of each
 * poll.
 */
public final class AlertTimeline {
  /** One active alert of {@code /api/v1/alerts}: its labels, state and value. */
  public record Active(String name, Map<String, String> labels, String state, String value) {
    public Active {
      // Sorted for the timeline's lines: Map.copyOf's order changes from one JVM to the next.
      labels = java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
    }

    String key() {
      return name + new TreeMap<>(labels);
    }
  }

  /** An alert entering {@code state} ({@code pending}, {@code firing} or {@code resolved}). */
  public record Transition(Instant at, Active alert, String state) {}

  private final Map<String, Active> current = new LinkedHashMap<>();
  private final List<Transition> transitions = new ArrayList<>();

  /** The alerts active at {@code at}; records what changed since the previous poll. */
  public synchronized void observe(Instant at, List<Active> active) {
    Map<String, Active> now = new LinkedHashMap<>();
    active.forEach(a -> now.put(a.key(), a));
    for (Active a : now.values()) {
      Active before = current.get(a.key());
      if (before == null || !before.state().equals(a.state())) {
        transitions.add(new Transition(at, a, a.state()));
      }
    }
    for (Active gone : current.values()) {
      if (!now.containsKey(gone.key())) {
        transitions.add(new Transition(at, gone, "resolved"));
      }
    }
    current.clear();
    current.putAll(now);
  }

  public synchronized List<Transition> transitions() {
    return List.copyOf(transitions);
  }

  /** The first time an alert named {@code name} whose labels include {@code labels} went there. */
  public synchronized Optional<Transition> first(
      String name, Map<String, String> labels, String state) {
    return transitions.stream()
        .filter(t -> t.alert().name().equals(name) && t.state().equals(state))
        .filter(t -> t.alert().labels().entrySet().containsAll(labels.entrySet()))
        .findFirst();
  }

  /** One line a transition, its time relative to {@code zero}. */
  public synchronized List<String> lines(Instant zero) {
    return transitions.stream()
        .map(
            t ->
                String.format(
                    Locale.ROOT,
                    "[%+7.2fs] ALERT %s %s %s value=%s",
                    Duration.between(zero, t.at()).toMillis() / 1000.0,
                    t.alert().name(),
                    t.state().toUpperCase(Locale.ROOT),
                    t.alert().labels(),
                    t.alert().value()))
        .toList();
  }
}
