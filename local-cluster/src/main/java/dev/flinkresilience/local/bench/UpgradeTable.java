package dev.flinkresilience.local.bench;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The upgrade benchmark's printout: one aligned row per run, then the median of each (HA, mode)
 * that ran more than once, then as the last line one JSON object with every row.
 */
final class UpgradeTable {
  private static final String FORMAT =
      "%-10s %-10s %3s %5s %7s %6s %7s %7s %9s %8s %7s %6s %8s  %-41s %5s %5s %5s  %s%n";

  /** The numeric columns, in order, as the header names them. */
  private static final Map<String, ToDoubleFunction<UpgradeRow>> COLUMNS = new LinkedHashMap<>();

  static {
    COLUMNS.put("seen", UpgradeRow::seen);
    COLUMNS.put("sp done", UpgradeRow::savepoint);
    COLUMNS.put("sp own", UpgradeRow::savepointOwn);
    COLUMNS.put("sp file", UpgradeRow::savepointWritten);
    COLUMNS.put("jm gone", UpgradeRow::jobManagerGone);
    COLUMNS.put("pods gone", UpgradeRow::podsGone);
    COLUMNS.put("deployed", UpgradeRow::deployed);
    COLUMNS.put("RUNNING", UpgradeRow::running);
    COLUMNS.put("RUN fl", UpgradeRow::flinkRunning);
    COLUMNS.put("1st ckpt", UpgradeRow::firstCheckpoint);
  }

  private UpgradeTable() {}

  static void print(List<UpgradeRow> rows, String header, long seed, PrintStream out) {
    out.println();
    out.println("== " + header);
    out.println(
        "   seconds from the spec edit (benchmark clock) to: seen = status.operation.startedAt;"
            + " sp done = the stop's savepoint completed (status.savepoints[Upgrade].completedAt);"
            + " sp own = its completedAt - triggeredAt; sp file = its _metadata file time -"
            + " triggeredAt;"
            + " jm gone / pods gone = the last old JobManager pod / old pod removed (watch);"
            + " deployed = status.deployment.deployedAt; RUNNING = status.jobStateSince of the new"
            + " job, as the operator first polled it (the total); RUN fl = the same by Flink's own"
            + " timestamp (GET /jobs/:id); 1st ckpt = its first checkpoint's _metadata written");
    out.printf(
        Locale.ROOT,
        FORMAT,
        "ha",
        "mode",
        "#",
        "seen",
        "sp done",
        "sp own",
        "sp file",
        "jm gone",
        "pods gone",
        "deployed",
        "RUNNING",
        "RUN fl",
        "1st ckpt",
        "restored from",
        "lost",
        "dup",
        "state",
        "check");
    for (UpgradeRow r : rows) {
      out.printf(
          Locale.ROOT,
          FORMAT,
          r.ha(),
          r.mode(),
          Integer.toString(r.repeat()),
          cell(r.seen()),
          cell(r.savepoint()),
          cell(r.savepointOwn()),
          cell(r.savepointWritten()),
          cell(r.jobManagerGone()),
          cell(r.podsGone()),
          cell(r.deployed()),
          cell(r.running()),
          cell(r.flinkRunning()),
          cell(r.firstCheckpoint()),
          r.error() == null ? r.restoredShort() : "-",
          count(r.lost()),
          count(r.duplicated()),
          count(r.stateErrors()),
          r.error() == null ? r.check() : "ERROR: " + r.error());
    }
    medians(rows, out);
    out.println(json(rows, header, seed));
  }

  /** Per (HA, mode) that ran more than once: the median of each column over its completed runs. */
  private static void medians(List<UpgradeRow> rows, PrintStream out) {
    Map<String, List<UpgradeRow>> groups =
        rows.stream()
            .collect(
                Collectors.groupingBy(
                    r -> r.ha() + " " + r.mode(), LinkedHashMap::new, Collectors.toList()));
    if (groups.values().stream().noneMatch(g -> g.size() > 1)) {
      return;
    }
    out.println("-- medians (completed runs of each HA and mode; nearest rank)");
    for (List<UpgradeRow> group : groups.values()) {
      if (group.size() < 2) {
        continue;
      }
      List<UpgradeRow> done = group.stream().filter(r -> r.error() == null).toList();
      Object[] cells = new Object[19];
      cells[0] = group.get(0).ha();
      cells[1] = group.get(0).mode();
      cells[2] = "p50";
      int i = 3;
      for (ToDoubleFunction<UpgradeRow> column : COLUMNS.values()) {
        cells[i++] = cell(median(done, column));
      }
      cells[i++] = done.size() + " of " + group.size() + " completed";
      cells[i++] = "";
      cells[i++] = "";
      cells[i++] = "";
      cells[i] = done.stream().filter(UpgradeRow::ok).count() + " ok";
      out.printf(Locale.ROOT, FORMAT, cells);
    }
  }

  private static double median(List<UpgradeRow> rows, ToDoubleFunction<UpgradeRow> column) {
    List<Double> values =
        rows.stream().map(column::applyAsDouble).filter(v -> !Double.isNaN(v)).toList();
    return Stats.of(values).p50();
  }

  private static String json(List<UpgradeRow> rows, String header, long seed) {
    return String.format(
        Locale.ROOT,
        "{\"benchmark\":\"upgrades\",\"setup\":\"%s\",\"seed\":%d,\"rows\":%s}",
        header.replace("\"", "'"),
        seed,
        rows.stream().map(UpgradeRow::json).collect(Collectors.joining(",", "[", "]")));
  }

  private static String cell(double seconds) {
    return Double.isNaN(seconds) ? "-" : String.format(Locale.ROOT, "%.1f", seconds);
  }

  private static String count(long n) {
    return n < 0 ? "-" : Long.toString(n);
  }
}
