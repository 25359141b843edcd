package dev.flinkresilience.operator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.CheckpointRef;
import dev.flinkresilience.operator.api.v1alpha1.DeploymentRecord;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.SavepointHistorySpec;
import dev.flinkresilience.operator.api.v1alpha1.SavepointReason;
import dev.flinkresilience.operator.api.v1alpha1.SavepointRecord;
import dev.flinkresilience.operator.api.v1alpha1.SavepointResult;
import dev.flinkresilience.operator.testing.Jobs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which savepoints retention disposes (issue 12 item 5): by count and age, oldest first, never the
 * newest nor a restore point named by status. Savepoints are written {@code name@ageInHours},
 * oldest first; {@code name!} is failed, {@code name~} in progress.
 */
class SavepointRetentionTest {
  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
  private static final String DIR = "s3://bucket/savepoints/";

  record Case(
      String name,
      String savepoints,
      Integer maxCount,
      String maxAge,
      Set<String> kept,
      String disposed) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> table() {
    return Stream.of(
        new Case("no retention: nothing", "a@9 b@8 c@7", null, null, Set.of(), ""),
        new Case("within maxCount: nothing", "a@9 b@8", 2, null, Set.of(), ""),
        new Case("beyond maxCount 2: the oldest", "a@9 b@8 c@7", 2, null, Set.of(), "a"),
        new Case("maxCount 1: all but the newest", "a@9 b@8 c@7", 1, null, Set.of(), "a b"),
        new Case(
            "failed and in-progress ones are not counted nor disposed",
            "a@9 x!@8 b@7 y~@6 c@5",
            2,
            null,
            Set.of(),
            "a"),
        new Case(
            "the restore point is kept, and still counts",
            "a@9 b@8 c@7 d@6",
            2,
            null,
            Set.of("a"),
            "b"),
        new Case(
            "a kept path matches in Flink's and the user's spelling",
            "a@9 b@8",
            1,
            null,
            Set.of("file:///kept/a/_metadata"),
            ""),
        new Case("older than maxAge: disposed", "a@200 b@100 c@1", null, "168h", Set.of(), "a"),
        new Case(
            "the newest is kept, whatever its age", "a@300 b@200", null, "168h", Set.of(), "a"),
        new Case("count and age together", "a@300 b@5 c@4 d@3", 3, "168h", Set.of(), "a"),
        new Case("age alone is bounded by 100", "many", null, "1000h", Set.of(), "s0 s1 s2 s3 s4"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void chooses(Case c) {
    SavepointHistorySpec history = null;
    if (c.maxCount() != null || c.maxAge() != null) {
      history = new SavepointHistorySpec();
      history.setMaxCount(c.maxCount());
      history.setMaxAge(c.maxAge());
    }
    List<SavepointRecord> records = parse(c.savepoints());
    Set<String> kept =
        new java.util.HashSet<>(c.kept().stream().map(k -> k.contains("/") ? k : path(k)).toList());
    if (c.name().contains("spelling")) {
      records.get(0).setPath("file:/kept/a");
    }
    List<String> disposed =
        SavepointRetention.expired(records, history, kept, NOW).stream()
            .map(r -> r.getPath().substring(r.getPath().lastIndexOf('/') + 1))
            .toList();
    assertThat(String.join(" ", disposed)).isEqualTo(c.disposed());
  }

  @Test
  void keptAreTheRestorePointsStatusAndSpecName() {
    FlinkResilientJobStatus s = new FlinkResilientJobStatus();
    s.setRestoredFrom(ref(path("restored")));
    s.setFinalSavepoint(ref(path("final")));
    s.setLatestSavepoint(ref(path("latest")));
    var d = new DeploymentRecord();
    d.setRestorePath(path("deployed"));
    s.setDeployment(d);
    FlinkResilientJobSpec spec = Jobs.validSpec();
    spec.getJob().setInitialSavepointPath(path("initial"));
    assertThat(SavepointRetention.kept(s, spec))
        .containsExactlyInAnyOrder(
            path("restored"), path("final"), path("latest"), path("deployed"), path("initial"));
  }

  @Test
  void retriesBackOffUpToAnHour() {
    assertThat(SavepointRetention.retryAt(1, NOW)).isEqualTo(NOW.plusSeconds(60));
    assertThat(SavepointRetention.retryAt(2, NOW)).isEqualTo(NOW.plusSeconds(120));
    assertThat(SavepointRetention.retryAt(20, NOW)).isEqualTo(NOW.plus(Duration.ofHours(1)));
  }

  @Test
  void statusListsTheLastTenAndWithRetentionEveryCompletedOne() {
    List<SavepointRecord> records = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      records.add(
          record(
              "s" + i, 100 - i, i % 3 == 0 ? SavepointResult.FAILED : SavepointResult.COMPLETED));
    }
    records.get(2).setResult(SavepointResult.IN_PROGRESS);
    List<SavepointRecord> plain = SavepointRetention.trim(records, null);
    assertThat(plain).hasSize(11).startsWith(records.get(2));
    assertThat(plain.subList(1, 11)).isEqualTo(records.subList(20, 30));
    List<SavepointRecord> retained = SavepointRetention.trim(records, new SavepointHistorySpec());
    assertThat(retained)
        .as("every completed one, the in-progress one, failed ones only among the last ten")
        .hasSize(19 + 1 + 3);
  }

  private static List<SavepointRecord> parse(String spec) {
    List<SavepointRecord> out = new ArrayList<>();
    if (spec.equals("many")) {
      for (int i = 0; i < 105; i++) {
        out.add(record("s" + i, 200 - i, SavepointResult.COMPLETED));
      }
      return out;
    }
    for (String item : spec.split(" ")) {
      if (item.isBlank()) {
        continue;
      }
      String[] parts = item.split("@");
      String name = parts[0];
      SavepointResult result =
          name.endsWith("!")
              ? SavepointResult.FAILED
              : name.endsWith("~") ? SavepointResult.IN_PROGRESS : SavepointResult.COMPLETED;
      out.add(record(name.replaceAll("[!~]", ""), Long.parseLong(parts[1]), result));
    }
    return out;
  }

  private static SavepointRecord record(String name, long hoursAgo, SavepointResult result) {
    var r = new SavepointRecord();
    r.setReason(SavepointReason.PERIODIC);
    r.setResult(result);
    r.setTriggeredAt(NOW.minus(Duration.ofHours(hoursAgo)).toString());
    if (result == SavepointResult.COMPLETED) {
      r.setPath(path(name));
      r.setCompletedAt(NOW.minus(Duration.ofHours(hoursAgo)).toString());
    }
    return r;
  }

  private static String path(String name) {
    return DIR + name;
  }

  private static CheckpointRef ref(String path) {
    var r = new CheckpointRef();
    r.setPath(path);
    return r;
  }
}
