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
 *
 * <p>The node is the JobManager's ({@code node-a}) or only a TaskManager's ({@code node-b}). A
 * TaskManager is released only from a node that takes no pods any more: tainted by another job's
 * pass, or (the rows "tainted before: false") marked NotReady by Kubernetes. With only a
 * TaskManager there, a kill between its release and the write leaves nothing the next operator can
 * see (the pod is gone, its replacement elsewhere): the loss goes unrecorded and Flink replaces the
 * TaskManager as it would without the operator. That is the one row whose history is empty;
 * docs/recovery.md says so.
 */
class LostNodeCrashTest {
  private static final ObjectMapper COPY = new ObjectMapper();

  static Stream<Arguments> crashes() {
    List<Arguments> rows = new ArrayList<>();
    for (String node : new String[] {"node-a", "node-b"}) {
      for (boolean tainted : new boolean[] {false, true}) {
        for (int crash = -1; crash <= 5; crash++) {
          rows.add(Arguments.of(node, tainted, crash));
        }
      }
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "{0} lost, tainted before: {1}, killed after pass {2}")
  @MethodSource("crashes")
  void theNextOperatorRepeatsNothing(String lost, boolean taintedBefore, int crashAfterPass) {
    RecoveryWorld w = new RecoveryWorld().ha();
    w.mayTaintNodes = true;
    // The node died a minute ago (another job's pass may have tainted it already).
    boolean jobManagersNode = lost.equals("node-a");
    w.nodes.put(
        lost,
        (jobManagersNode || taintedBefore
                ? RecoveryWorld.silentNode(lost, 60)
                : RecoveryWorld.notReadyNode(lost, 60))
            .withLostTaint(taintedBefore));
    PodView onIt = w.pods.stream().filter(p -> lost.equals(p.node())).findFirst().orElseThrow();
    String other = jobManagersNode ? "node-b" : "node-a";
    String replacement = onIt.name() + "-2";
    int releasedInPass = -1;
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
        releasedInPass = pass;
        w.pods.removeIf(p -> release.pods().contains(p.name()));
        // The replacement lands on a node that is not tainted.
        w.pods.add(RecoveryWorld.pending(replacement, onIt.role(), other));
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
      if (w.pods.stream().anyMatch(p -> p.name().equals(replacement))) {
        // The replacement starts and Flink recovers the job from checkpoint 12: RUNNING.
        w.replacePod(replacement, RecoveryWorld.pod(replacement, onIt.role(), other));
        stored.setJobState("RUNNING");
        stored.setRestoredFrom(RecoveryWorld.checkpoint(12));
        if (!jobManagersNode) {
          // Only tasks restarted: a checkpoint completed since shows every task runs.
          var thirteen = RecoveryWorld.checkpoint(13);
          thirteen.setCompletedAt(w.now.toString());
          stored.setLatestCheckpoint(thirteen);
        }
        Incident current = stored.getRecovery().getCurrent();
        if (current != null) {
          current.setObservedState("RUNNING");
        }
      }
    }
    String decisions = "decisions " + names(acted);
    assertThat(released)
        .as("each pod released once, the replacement never; " + decisions)
        .containsExactly(onIt.name());
    assertThat(acted)
        .as("nothing torn down or redeployed; " + decisions)
        .noneMatch(d -> d instanceof Decision.TearDownForRecovery || d instanceof Decision.Deploy);
    assertThat(stored.getRecovery().getCurrent()).as("no incident open; " + decisions).isNull();
    assertThat(stored.getJobState()).isEqualTo("RUNNING");
    if (onIt.role() == PodView.Role.TASK_MANAGER && crashAfterPass == releasedInPass) {
      assertThat(stored.getRecovery().getHistory())
          .as("a TaskManager's release lost with its write leaves no record; " + decisions)
          .isEmpty();
      return;
    }
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
