package dev.flinkresilience.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.testing.Jobs;
import dev.flinkresilience.operator.validate.TenantPolicy;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Flink renders a job's cluster once per spec, not once per pass; and whatever the memo holds, the
 * verdict is the one a fresh render gives.
 */
class FlinkVerdictsTest {
  private final FlinkVerdicts verdicts = new FlinkVerdicts();
  private final AtomicInteger renders = new AtomicInteger();

  private Optional<String> ask(FlinkResilientJob job, String refusal) {
    return verdicts.refusal(
        job,
        () -> {
          renders.incrementAndGet();
          return Optional.ofNullable(refusal);
        });
  }

  @Test
  void theSameSpecIsRenderedOnceAndItsVerdictKept() {
    var job = Jobs.job("streaming", "orders");
    assertThat(ask(job, null)).isEmpty();
    assertThat(ask(job, "never asked")).isEmpty();
    assertThat(renders).hasValue(1);

    var refused = Jobs.job("streaming", "payments");
    assertThat(ask(refused, "bad memory")).contains("bad memory");
    assertThat(ask(refused, null)).as("kept, refusal too").contains("bad memory");
    assertThat(renders).hasValue(2);
  }

  @Test
  void theSpecHashIsKeptWithTheVerdictAndFollowsTheSpec() {
    var job = Jobs.job("streaming", "orders");
    ask(job, null);
    String first = verdicts.specHash(job);
    assertThat(first).isEqualTo(SpecHash.of(job.getSpec()));
    assertThat(verdicts.specHash(job)).isEqualTo(first);
    changeSpec(job, () -> job.getSpec().getJob().setParallelism(7));
    ask(job, null);
    assertThat(verdicts.specHash(job))
        .as("a changed spec is hashed afresh")
        .isEqualTo(SpecHash.of(job.getSpec()))
        .isNotEqualTo(first);
    changeSpec(job, () -> job.getSpec().getJob().setParallelism(8));
    assertThat(verdicts.specHash(job))
        .as("even when asked before the verdict")
        .isEqualTo(SpecHash.of(job.getSpec()));
  }

  @Test
  void anyChangeOfTheSpecIsRenderedAfresh() {
    var job = Jobs.job("streaming", "orders");
    ask(job, null);
    changeSpec(
        job,
        () -> job.getSpec().setFlinkConfiguration(Map.of("taskmanager.numberOfTaskSlots", "2")));
    assertThat(ask(job, "now refused")).contains("now refused");
    changeSpec(job, () -> job.getSpec().getJob().setParallelism(3));
    ask(job, null);
    assertThat(renders).hasValue(3);
  }

  /**
   * The revision a verdict was taken at is trusted: an API server raises the generation with every
   * change of the spec, so the spec is not digested again until the generation moves. A new uid
   * (the job deleted and created again under its name) is a new revision.
   */
  @Test
  void aRevisionAlreadyJudgedIsTrustedAndANewOneCompared() {
    var job = Jobs.job("streaming", "orders");
    Integer judged = job.getSpec().getJob().getParallelism();
    ask(job, null);
    job.getSpec().getJob().setParallelism(9); // no API server changes a spec in place like this
    assertThat(ask(job, "not asked")).isEmpty();
    assertThat(renders).hasValue(1);

    job.getMetadata().setGeneration(2L); // a revision whose spec is what was judged: kept
    job.getSpec().getJob().setParallelism(judged);
    assertThat(ask(job, "not asked either")).isEmpty();
    assertThat(renders).hasValue(1);

    var again = Jobs.job("streaming", "orders");
    again.getMetadata().setUid("uid-created-again");
    again.getSpec().getJob().setParallelism(4);
    assertThat(ask(again, "refused")).contains("refused");
    assertThat(renders).hasValue(2);
  }

  /** As an API server does: the spec changed, the generation raised. */
  private static void changeSpec(FlinkResilientJob job, Runnable change) {
    change.run();
    job.getMetadata().setGeneration(job.getMetadata().getGeneration() + 1);
  }

  @Test
  void aJobOfTheSameSpecElsewhereIsItsOwnVerdictAndAForgottenJobIsRenderedAgain() {
    ask(Jobs.job("streaming", "orders"), null);
    ask(Jobs.job("other", "orders"), null);
    assertThat(renders).hasValue(2);
    assertThat(verdicts.size()).isEqualTo(2);

    verdicts.forget("streaming", "orders");
    ask(Jobs.job("streaming", "orders"), null);
    assertThat(renders).hasValue(3);
  }

  /** The memo changes when Flink is asked, never what the check says. */
  @Test
  void aCheckWithTheMemoSaysWhatAFreshCheckSays() {
    var memo = new FlinkVerdicts();
    var job = Jobs.job("streaming", "orders");
    job.getSpec().setFlinkConfiguration(Map.of("taskmanager.memory.process.size", "not a size"));
    for (int pass = 0; pass < 3; pass++) {
      var fresh = DesiredState.check(job, TenantPolicy.DEFAULT);
      var memoized = DesiredState.check(job, TenantPolicy.DEFAULT, memo);
      assertThat(memoized.valid()).isEqualTo(fresh.valid());
      assertThat(memoized.violations()).isEqualTo(fresh.violations());
    }
    changeSpec(job, () -> job.getSpec().setFlinkConfiguration(Map.of()));
    assertThat(DesiredState.check(job, TenantPolicy.DEFAULT, memo).valid()).isTrue();
  }
}
