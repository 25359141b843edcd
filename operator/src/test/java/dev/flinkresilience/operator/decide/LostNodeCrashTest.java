package dev.flinkresilience.operator.decide;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.Incident;
import dev.flinkresilience.operator.report.StatusReporter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Crash safety of a lost node's release as the reconciler chains it: the opening of a NodeLost
 * incident that Flink is to recover (HA) is not written on its own, but with the next pass's step
 * (the taint, or the release on a node already tainted). The operator is killed after each pass in
 * turn, before that pass's write; whatever was left in memory is lost with it. The next operator,
 * starting from what was stored, must never release a pod twice or release the replacement, never
 * tear down or redeploy, and the job must end Running with no incident open and the loss on record
 * once, restored from checkpoint 12.
 */
class LostNodeCrashTest {
  private static final ObjectMapper COPY = new ObjectMapper();

  static Stream<Arguments> crashes() {
    List<Arguments> rows = new ArrayList<>();
    for (boolean tainted : new boolean[] {false, true}) {
      for (int crash = -1; crash <= 5; crash++) {
        rows.add(Arguments.of(tainted, crash));
      }
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "node tainted before: {0}, killed after pass {1}")
  @MethodSource("crashes")
  void theNextOperatorRepeatsNothing(boolean taintedBefore, int crashAfterPass) {
    RecoveryWorld w = new RecoveryWorld().ha();
    w.mayTaintNodes = true;
    // node-a died a minute ago (another job's pass may have tainted it already).
    w.nodes.put("node-a", RecoveryWorld.silentNode("node-a", 60).withLostTaint(taintedBefore));
    FlinkResilientJobStatus stored = w.status;
    FlinkResilientJobStatus seen = stored; // what the reconciler passes on without writing
    List<Decision> acted = new ArrayList<>();
    List<String> released = new ArrayList<>();
    for (int pass = 0; pass < 14; pass++) {
      w.now = w.now.plusSeconds(1);
      PlanInput in = w.inputWith(copy(seen));
      Decision d = LifecyclePlanner.decide(in);
      acted.add(d);
      // Act, as the cluster would see it.
      if (d instanceof Decision.TaintLostNode) {
        w.nodes.put("node-a", w.nodes.get("node-a").withLostTaint(true));
      } else if (d instanceof Decision.ReleasePods release) {
        released.addAll(release.pods());
        w.pods.removeIf(p -> release.pods().contains(p.name()));
        // The ReplicaSet's replacement lands on a node that is not tainted.
        w.pods.add(RecoveryWorld.pending("orders-jm-2", PodView.Role.JOB_MANAGER, "node-b"));
      }
      FlinkResilientJobStatus next = StatusReporter.report("orders", 1, in, d, w.now).status();
      if (pass == crashAfterPass) {
        seen = stored; // killed before its write: the next operator starts from what is stored
        continue;
      }
      if (d instanceof Decision.OpenIncident open && open.writtenWithNextStep()) {
        seen = next; // left to the next pass to write
        continue;
      }
      stored = next;
      seen = stored;
      if (w.pods.stream().anyMatch(p -> p.name().equals("orders-jm-2"))) {
        // The replacement starts and Flink recovers the job from the HA store: RUNNING, from 12.
        w.replacePod(
            "orders-jm-2", RecoveryWorld.pod("orders-jm-2", PodView.Role.JOB_MANAGER, "node-b"));
        stored.setJobState("RUNNING");
        stored.setRestoredFrom(RecoveryWorld.checkpoint(12));
        Incident current = stored.getRecovery().getCurrent();
        if (current != null) {
          current.setObservedState("RUNNING");
        }
      }
    }
    String decisions = "decisions " + names(acted);
    assertThat(released)
        .as("each pod released once, the replacement never; " + decisions)
        .containsExactly("orders-jm");
    assertThat(acted)
        .as("nothing torn down or redeployed; " + decisions)
        .noneMatch(d -> d instanceof Decision.TearDownForRecovery || d instanceof Decision.Deploy);
    assertThat(stored.getRecovery().getCurrent()).as("no incident open; " + decisions).isNull();
    assertThat(stored.getJobState()).isEqualTo("RUNNING");
    // Killed between the release and its write, the next operator finds the JobManager gone and
    // records that instead (JobManagerLost): the loss is on record once, whatever the crash.
    assertThat(stored.getRecovery().getHistory())
        .as("the loss recorded once; " + decisions)
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.getOutcome()).isEqualTo("Recovered");
              assertThat(i.getRestoredCheckpointId()).isEqualTo(12);
            });
  }

  private static List<String> names(List<Decision> decisions) {
    return decisions.stream()
        .map(
            d ->
                d instanceof Decision.OpenIncident o
                    ? "OpenIncident(" + o.signal().reason().value() + "/" + o.action().value() + ")"
                    : d.getClass().getSimpleName())
        .toList();
  }

  private static FlinkResilientJobStatus copy(FlinkResilientJobStatus s) {
    return COPY.convertValue(s, FlinkResilientJobStatus.class);
  }
}
