package dev.flinkresilience.operator.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Threads stay bounded on a small machine: the probe runs in a JVM told it has 2 CPUs (as a
 * container limited to 2 CPUs is), once as the JDK leaves it and once sized as {@link Main} sizes
 * it. The first row is the JDK's behaviour the fix exists for: if a JDK stops starting a thread per
 * answer, it fails, and {@link CommonPool} may go.
 */
class CommonPoolTest {

  @Test
  void aTwoCpuJvmStartsAThreadPerAnswerUnlessTheCommonPoolIsSized() throws Exception {
    int asTheJdkLeavesIt = startedThreads("as-is");
    int sized = startedThreads("sized");
    System.out.printf(
        "threads started for %d Flink REST calls on 2 CPUs: %d as the JDK leaves it, %d sized%n",
        RestThreadsProbe.CALLS, asTheJdkLeavesIt, sized);
    assertThat(asTheJdkLeavesIt).isGreaterThan(RestThreadsProbe.CALLS / 2);
    assertThat(sized).isLessThan(30);
  }

  private static int startedThreads(String mode) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process probe =
        new ProcessBuilder(
                List.of(
                    java,
                    "-XX:ActiveProcessorCount=2",
                    "-cp",
                    System.getProperty("java.class.path"),
                    RestThreadsProbe.class.getName(),
                    mode))
            .redirectErrorStream(true)
            .start();
    String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(probe.waitFor(60, TimeUnit.SECONDS)).as(out).isTrue();
    assertThat(probe.exitValue()).as(out).isZero();
    String line =
        out.lines()
            .filter(l -> l.startsWith("started="))
            .findFirst()
            .orElseThrow(() -> new AssertionError("the probe printed no count:\n" + out));
    return Integer.parseInt(line.substring("started=".length()));
  }
}
