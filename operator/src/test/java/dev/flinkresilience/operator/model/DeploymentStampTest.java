package dev.flinkresilience.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeploymentStampTest {
  private static final String JOB = "0123456789abcdef0123456789abcdef";

  @ParameterizedTest(name = "attempt {0} -> {1}")
  @CsvSource(
      nullValues = "null",
      value = {
        // A deployment of a spec (first, upgrade, resume, nonce): its job id is new already.
        "null, " + JOB,
        // Redeploys keep the job id; each attempt of each incident gets its own stores.
        "1/1, " + JOB + "-recovery-1-1",
        "1/2, " + JOB + "-recovery-1-2",
        "12/1, " + JOB + "-recovery-12-1",
      })
  void everyDeploymentTheOperatorMakesHasItsOwnResultStore(String attempt, String store) {
    assertThat(new DeploymentStamp(3, "hash", 2, JOB, attempt).resultStore()).isEqualTo(store);
  }
}
