package dev.flinkresilience.local.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Where the operator's CPU goes in the steady window: Java Flight Recorder's execution samples
 * ({@code jdk.ExecutionSample}, every 10 ms per running thread with the {@code profile} settings),
 * read back with the JDK's {@code jfr} tool and counted three ways: by the method on top of the
 * stack (self time), by the first frame of the operator's own code (which of its parts asked for
 * the work), and by thread pool.
 */
record JfrProfile(
    int samples,
    Map<String, Integer> selfTop,
    Map<String, Integer> operatorFrame,
    Map<String, Integer> threads) {
  private static final String OURS = "dev.flinkresilience.";

  static void start(long pid, Path file) throws IOException, InterruptedException {
    jcmd(pid, "JFR.start", "name=scale-bench", "settings=profile", "filename=" + file);
  }

  static JfrProfile stop(long pid, Path file) throws IOException, InterruptedException {
    jcmd(pid, "JFR.stop", "name=scale-bench");
    Process p =
        new ProcessBuilder(
                tool("jfr"),
                "print",
                "--events",
                "jdk.ExecutionSample",
                "--stack-depth",
                "64",
                file.toString())
            .redirectErrorStream(true)
            .start();
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> ours = new HashMap<>();
    Map<String, Integer> threads = new HashMap<>();
    int samples = 0;
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      boolean inStack = false;
      boolean first = false;
      boolean oursFound = false;
      while ((line = in.readLine()) != null) {
        String t = line.trim();
        if (t.startsWith("sampledThread = ")) {
          samples++;
          threads.merge(pool(t), 1, Integer::sum);
        } else if (t.equals("stackTrace = [")) {
          inStack = true;
          first = true;
          oursFound = false;
        } else if (inStack && t.equals("]")) {
          inStack = false;
          if (!oursFound) {
            ours.merge("(no operator frame)", 1, Integer::sum);
          }
        } else if (inStack && !t.equals("...")) {
          String frame = t.replaceAll("\\s+line:.*$", "");
          if (first) {
            self.merge(frame, 1, Integer::sum);
            first = false;
          }
          if (!oursFound && frame.startsWith(OURS)) {
            ours.merge(frame, 1, Integer::sum);
            oursFound = true;
          }
        }
      }
    }
    p.waitFor(60, TimeUnit.SECONDS);
    return new JfrProfile(samples, self, ours, threads);
  }

  /** {@code sampledThread = "ReconcilerExecutor-flinkresilientjob-47" (javaThreadId = 60)}. */
  private static String pool(String line) {
    int open = line.indexOf('"');
    int close = line.indexOf('"', open + 1);
    String name = open < 0 || close < 0 ? line : line.substring(open + 1, close);
    return name.replaceAll("[-#]?\\d+$", "").replaceAll("\\d+", "N");
  }

  private static void jcmd(long pid, String... command) throws IOException, InterruptedException {
    java.util.List<String> args = new java.util.ArrayList<>();
    args.add(tool("jcmd"));
    args.add(Long.toString(pid));
    args.addAll(java.util.List.of(command));
    Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + String.join(" ", command) + ": " + out);
    }
  }

  private static String tool(String name) {
    return Path.of(System.getProperty("java.home"), "bin", name).toString();
  }

  /** The {@code count} largest entries of {@code counts}, as percentages of all samples. */
  String top(Map<String, Integer> counts, int count) {
    return counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(count)
        .map(
            e ->
                String.format(
                    Locale.ROOT,
                    "   %5.1f%%  %s",
                    100.0 * e.getValue() / Math.max(1, samples),
                    e.getKey()))
        .collect(Collectors.joining("\n"));
  }
}
