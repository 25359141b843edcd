package dev.flinkresilience.operator.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * JOSDK's delete hook reaches everything that follows a job: a job relabelled out of this shard
 * gets no cleanup, only this call (LeaderElectionApiTest shows it arrives for a relabel).
 */
class ForgetDeletedJobsTest {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @Test
  void aJobSeenDeletedIsForgottenByWhatFollowsIt() {
    var forget =
        new ForgetDeletedJobs(
            new JobMetrics(registry, Clock.systemUTC()), new RecoveryMetrics(registry));
    List<ResourceID> forgotten = new ArrayList<>();
    forget.alsoForget(forgotten::add);

    forget.cleanupDoneFor(new ResourceID("payments", "streaming"), Map.of());

    assertThat(forgotten).containsExactly(new ResourceID("payments", "streaming"));
  }
}
