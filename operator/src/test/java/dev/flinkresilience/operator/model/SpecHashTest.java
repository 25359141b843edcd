package dev.flinkresilience.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.SavepointHistorySpec;
import dev.flinkresilience.operator.testing.Jobs;
import org.junit.jupiter.api.Test;

/** What redeploys a job: the savepoint schedule does not; a restartNonce does. */
class SpecHashTest {

  @Test
  void theSavepointScheduleIsNoNewDeployment() {
    FlinkResilientJobSpec spec = Jobs.validSpec();
    String before = SpecHash.of(spec);
    spec.getJob().setSavepointNonce(7);
    spec.getJob().setSavepointInterval("1h");
    var history = new SavepointHistorySpec();
    history.setMaxCount(3);
    spec.getJob().setSavepointHistory(history);
    assertThat(SpecHash.of(spec))
        .as(
            "a savepoint is taken while the job keeps running, and the hash of the jobs that ran"
                + " before these fields existed stays the same")
        .isEqualTo(before);
    spec.setRestartNonce(1);
    assertThat(SpecHash.of(spec)).isNotEqualTo(before);
  }
}
