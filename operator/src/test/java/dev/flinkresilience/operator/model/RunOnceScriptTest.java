package dev.flinkresilience.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JobManager's run-once wrapper, run by a real bash as a container would run it: the first
 * start in a pod execs the entrypoint, a restart in place waits without running it, and the wait
 * ends promptly on SIGTERM (a pod deletion).
 */
class RunOnceScriptTest {
  @TempDir Path pod;

  @Test
  void theFirstStartRunsTheEntrypointAndARestartWaitsUntilTerminated() throws Exception {
    Path mark = pod.resolve("started");
    Path ran = pod.resolve("entrypoint-ran");

    Process first = start(mark, ran);
    assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(first.exitValue()).isZero();
    assertThat(ran).as("the entrypoint ran on the first start").exists();
    assertThat(mark).exists();

    Files.delete(ran);
    Process restart = start(mark, ran);
    assertThat(restart.waitFor(2, TimeUnit.SECONDS)).as("a restart in place waits").isFalse();
    assertThat(ran).as("the entrypoint did not run again").doesNotExist();

    restart.destroy(); // SIGTERM, as the kubelet sends on a pod deletion
    assertThat(restart.waitFor(5, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
    assertThat(restart.exitValue()).isZero();
    assertThat(Files.readString(pod.resolve("stderr")))
        .contains("restarted in place without high availability");
  }

  @Test
  void anUnwritableMarkFailsTheContainerInsteadOfRunningUnguarded() throws Exception {
    Path ran = pod.resolve("entrypoint-ran");
    Process p = start(pod.resolve("no-such-dir/started"), ran);
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isNotZero();
    assertThat(ran).doesNotExist();
  }

  private Process start(Path mark, Path ran) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", "-c", RunOnce.SCRIPT, mark.toString()));
    command.addAll(List.of("touch", ran.toString()));
    return new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.appendTo(pod.resolve("stderr").toFile()))
        .start();
  }
}
