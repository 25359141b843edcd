package dev.flinkresilience.local.bench;

import dev.flinkresilience.local.LocalCluster;
import dev.flinkresilience.local.LocalOperator;
import dev.flinkresilience.local.SampleJob;
import dev.flinkresilience.operator.app.OperatorSettings;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The planned-restart benchmark of issue 12 item 9: for each HA mode and {@code job.upgradeMode},
 * the sample job runs and checkpoints, a Flink setting in its spec changes (an upgrade), and the
 * run measures from that edit how long the stop's savepoint took, when the old cluster was gone,
 * when the new deployment's job was RUNNING, what it restored from and whether the committed output
 * lost or doubled anything ({@link UpgradeRun}). A benchmark, not a test: it prints a table
 * (medians too with {@code --repeat}), and as the last line one JSON object with every row.
 *
 * <p>One local cluster and one operator (in this JVM, as the lifecycle scenarios run it) for every
 * run; each run has a namespace of its own and removes its job at the end. The control plane is the
 * real one when built ({@code -Dfro.control-plane=auto}), else the mock.
 *
 * <p>Usage: {@code UpgradeBenchmark [--ha kubernetes|zookeeper|none|all] [--modes
 * savepoint,last-state,stateless] [--repeat N] [--seed S]}; the seed draws each edit's moment
 * between two checkpoints, as {@code PlannedRestart} does, and is printed. The exit code is 1 when
 * a run did not complete or its output check failed.
 */
public final class UpgradeBenchmark {
  static final List<String> MODES = List.of("savepoint", "last-state", "stateless");

  private UpgradeBenchmark() {}

  /** What to run. */
  public record Options(List<SampleJob.Ha> ha, List<String> modes, int repeat, long seed) {
    public static Options parse(String... args) {
      List<SampleJob.Ha> ha = List.of(SampleJob.Ha.KUBERNETES);
      List<String> modes = MODES;
      int repeat = 1;
      long seed = System.currentTimeMillis();
      for (int i = 0; i < args.length; i++) {
        String value = i + 1 < args.length ? args[i + 1] : null;
        switch (args[i]) {
          case "--ha" -> ha = ha(value);
          case "--modes" -> modes = modes(value);
          case "--repeat" -> repeat = Integer.parseInt(value);
          case "--seed" -> seed = Long.parseLong(value);
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
        i++;
      }
      if (repeat < 1) {
        throw new IllegalArgumentException("--repeat: at least 1");
      }
      return new Options(ha, modes, repeat, seed);
    }

    private static List<SampleJob.Ha> ha(String value) {
      if ("all".equals(value)) {
        return List.of(SampleJob.Ha.NONE, SampleJob.Ha.KUBERNETES, SampleJob.Ha.ZOOKEEPER);
      }
      return List.of(SampleJob.Ha.valueOf(String.valueOf(value).toUpperCase(Locale.ROOT)));
    }

    private static List<String> modes(String value) {
      List<String> modes =
          Arrays.stream(String.valueOf(value).split(",")).map(String::trim).toList();
      for (String m : modes) {
        if (!MODES.contains(m)) {
          throw new IllegalArgumentException("--modes: " + m + " is none of " + MODES);
        }
      }
      return modes;
    }
  }

  public static void main(String[] args) throws Exception {
    List<UpgradeRow> rows = run(Options.parse(args), System.out);
    System.exit(rows.stream().allMatch(UpgradeRow::ok) ? 0 : 1);
  }

  /** Runs every (HA, mode) {@code repeat} times on one cluster; prints the table and the JSON. */
  public static List<UpgradeRow> run(Options options, PrintStream out) throws Exception {
    List<UpgradeRow> rows = new ArrayList<>();
    LocalCluster.Settings settings = LocalCluster.Settings.defaults();
    String setup;
    out.println("== upgrade benchmark, seed " + options.seed());
    try (LocalCluster cluster = LocalCluster.start(settings);
        LocalOperator operator =
            LocalOperator.start(cluster, settings.repo(), OperatorSettings.allNamespaces())) {
      setup =
          "upgrades on "
              + cluster.controlPlane().describe()
              + "; checkpoint interval "
              + UpgradeRun.INTERVAL.toSeconds()
              + " s; the edit: flinkConfiguration heartbeat.interval 2000 -> 2500, at a random"
              + " moment between checkpoints (seed "
              + options.seed()
              + ")";
      out.println("== " + setup);
      Random random = new Random(options.seed());
      // Repeats outside the modes: a drift of the machine's load over the run spreads over every
      // mode rather than landing on the last one.
      for (SampleJob.Ha ha : options.ha()) {
        for (int repeat = 1; repeat <= options.repeat(); repeat++) {
          for (String mode : options.modes()) {
            String namespace = "upgrade-" + (rows.size() + 1);
            rows.add(new UpgradeRun(cluster, ha, mode, repeat, namespace, random, out).measure());
          }
        }
      }
    }
    UpgradeTable.print(rows, setup, options.seed(), out);
    return rows;
  }
}
