package dev.flinkresilience.local.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReleaseWindowTest {
  @Test
  void describesCoresPerProcessAndTheApiServersRequestsOverTheWindow() {
    var before =
        new ReleaseWindow.Reading(
            0L,
            ticks(1_000, 500),
            10_000,
            new ApiServerMetrics(
                Map.of("DELETE", 10.0, "PUT", 100.0),
                Map.of("DELETE pods", 10.0, "PUT flinkresilientjobs/status", 100.0)));
    var after =
        new ReleaseWindow.Reading(
            10_000_000_000L, // 10 s later
            ticks(2_500, 1_000),
            13_900,
            new ApiServerMetrics(
                Map.of("DELETE", 110.0, "PUT", 400.0),
                Map.of("DELETE pods", 110.0, "PUT flinkresilientjobs/status", 400.0)));

    String line = ReleaseWindow.describe(before, after);

    assertThat(line)
        .startsWith("10.0 s; CPU in cores: kube-apiserver 1.50, operator 0.50;")
        .contains("the machine busy 3.90 of")
        .contains(
            "API server 40.0 requests/s (PUT flinkresilientjobs/status 30.0, DELETE pods 10.0)");
  }

  @Test
  void processesWithoutPidFilesAreNotFollowed() {
    var pids = ReleaseWindow.processes(java.nio.file.Path.of("/nonexistent"), 42);
    assertThat(pids.keySet()).containsExactly("operator", "benchmark");
  }

  private static Map<String, Long> ticks(long apiServer, long operator) {
    Map<String, Long> t = new LinkedHashMap<>();
    t.put("kube-apiserver", apiServer);
    t.put("operator", operator);
    return t;
  }
}
