package dev.flinkresilience.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.decide.JobManagerAnswer;
import dev.flinkresilience.operator.decide.JobManagerSilence;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A JobManager's silence stays evidence after the poller stops calling it. */
class SilenceMemoryTest {
  private static final Instant AT = Instant.parse("2026-12-05T12:00:00Z");
  private static final ResourceID JOB = new ResourceID("orders", "streaming");
  private static final JobManagerSilence SILENT_ON_A =
      new JobManagerSilence("node-a", AT.minusSeconds(9), AT, 8);

  private final SilenceMemory memory = new SilenceMemory();

  @Test
  void aSilenceOutlivesItsPolling() {
    assertThat(memory.update(JOB, SILENT_ON_A, null)).isEqualTo(SILENT_ON_A);
    // The node is judged lost: nothing polls the JobManager there any more.
    assertThat(memory.update(JOB, null, null)).isEqualTo(SILENT_ON_A);
    // The replacement answers from another node: no word about node-a.
    assertThat(memory.update(JOB, null, new JobManagerAnswer("node-b", AT.plusSeconds(5))))
        .isEqualTo(SILENT_ON_A);
    assertThat(memory.update(new ResourceID("payments", "streaming"), null, null))
        .as("per job")
        .isNull();
  }

  @Test
  void anAnswerFromTheSameNodeEndsIt() {
    memory.update(JOB, SILENT_ON_A, null);
    assertThat(memory.update(JOB, null, new JobManagerAnswer("node-a", AT.plusSeconds(1))))
        .isNull();
    assertThat(memory.update(JOB, null, null)).isNull();
  }

  @Test
  void aNewerSilenceReplacesItAndForgetEndsIt() {
    memory.update(JOB, SILENT_ON_A, null);
    JobManagerSilence onB = new JobManagerSilence("node-b", AT, AT.plusSeconds(5), 5);
    assertThat(memory.update(JOB, onB, null)).isEqualTo(onB);
    memory.forget(JOB);
    assertThat(memory.update(JOB, null, null)).isNull();
  }
}
