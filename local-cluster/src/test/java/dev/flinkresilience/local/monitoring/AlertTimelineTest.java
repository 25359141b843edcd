package dev.flinkresilience.local.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Polls of /api/v1/alerts become pending, firing and resolved transitions, each once. */
class AlertTimelineTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final Map<String, String> JOB = Map.of("namespace", "a", "name", "j");

  @Test
  void anAlertGoesPendingFiringAndResolvedOnce() {
    var timeline = new AlertTimeline();
    timeline.observe(T0, List.of());
    timeline.observe(T0.plusSeconds(1), List.of(alert("pending")));
    timeline.observe(T0.plusSeconds(2), List.of(alert("pending")));
    timeline.observe(T0.plusSeconds(3), List.of(alert("firing")));
    timeline.observe(T0.plusSeconds(4), List.of(alert("firing")));
    timeline.observe(T0.plusSeconds(5), List.of());
    timeline.observe(T0.plusSeconds(6), List.of());

    assertThat(timeline.transitions())
        .extracting(AlertTimeline.Transition::state)
        .containsExactly("pending", "firing", "resolved");
    assertThat(timeline.first("FlinkJobRecovering", JOB, "resolved").orElseThrow().at())
        .isEqualTo(T0.plusSeconds(5));
    assertThat(timeline.first("FlinkJobRecovering", Map.of("name", "other"), "firing")).isEmpty();
    assertThat(timeline.lines(T0))
        .first()
        .asString()
        .startsWith("[  +1.00s] ALERT FlinkJobRecovering PENDING {name=j, namespace=a");
  }

  @Test
  void alertsDifferingInALabelAreTwo() {
    var timeline = new AlertTimeline();
    timeline.observe(T0, List.of(alert("firing")));
    timeline.observe(
        T0.plusSeconds(1),
        List.of(
            alert("firing"),
            new AlertTimeline.Active(
                "FlinkJobRecovering", Map.of("namespace", "a", "name", "k"), "firing", "2")));
    assertThat(timeline.transitions()).hasSize(2);
  }

  private static AlertTimeline.Active alert(String state) {
    return new AlertTimeline.Active("FlinkJobRecovering", JOB, state, "7");
  }
}
