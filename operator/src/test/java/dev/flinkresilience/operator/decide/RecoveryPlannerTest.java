package dev.flinkresilience.operator.decide;

import static dev.flinkresilience.operator.decide.RecoveryWorld.NOW;
import static dev.flinkresilience.operator.decide.RecoveryWorld.failed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.flinkresilience.operator.api.v1alpha1.CheckpointRef;
import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilityType;
import dev.flinkresilience.operator.api.v1alpha1.Incident;
import dev.flinkresilience.operator.api.v1alpha1.ObservationStatus;
import dev.flinkresilience.operator.api.v1alpha1.ReleasePodsPolicy;
import dev.flinkresilience.operator.decide.Decision.AwaitRecovery;
import dev.flinkresilience.operator.decide.Decision.AwaitTeardown;
import dev.flinkresilience.operator.decide.Decision.BeginOperation;
import dev.flinkresilience.operator.decide.Decision.CloseIncident;
import dev.flinkresilience.operator.decide.Decision.Deploy;
import dev.flinkresilience.operator.decide.Decision.DeployReason;
import dev.flinkresilience.operator.decide.Decision.DismissIncident;
import dev.flinkresilience.operator.decide.Decision.Escalate;
import dev.flinkresilience.operator.decide.Decision.GiveUp;
import dev.flinkresilience.operator.decide.Decision.OpenIncident;
import dev.flinkresilience.operator.decide.Decision.RecoveryAction;
import dev.flinkresilience.operator.decide.Decision.RefuseRestore;
import dev.flinkresilience.operator.decide.Decision.ReleasePods;
import dev.flinkresilience.operator.decide.Decision.Steady;
import dev.flinkresilience.operator.decide.Decision.TearDownForRecovery;
import dev.flinkresilience.operator.decide.ObservedCluster.JobManagerDeployment;
import dev.flinkresilience.operator.decide.Signal.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every row of DESIGN.md §5.2–5.4: a situation, and the one next step the planner must take. */
class RecoveryPlannerTest {

  @TestFactory
  Stream<DynamicTest> detection() {
    return Stream.of(
            row("healthy: nothing to do", w -> {}, Steady.class),
            row(
                "TaskManager OOMKilled: Flink replaces it; verify",
                w -> w.replacePod("orders-tm", failed(tm(), "OOMKilled")),
                opened(Reason.TASK_MANAGER_LOST, RecoveryAction.VERIFY)),
            row(
                "TaskManager still showing the OOMKilled an incident already handled: nothing",
                w -> {
                  w.replacePod("orders-tm", failed(tm(), "OOMKilled"));
                  Incident handled = new Incident();
                  handled.setReason(Reason.TASK_MANAGER_LOST.value());
                  handled.setDetectedAt(NOW.toString());
                  handled.setOutcome("Recovered");
                  w.status.getRecovery().setHistory(List.of(handled));
                },
                Steady.class),
            row(
                "TaskManager CrashLoopBackOff",
                w -> w.replacePod("orders-tm", failed(tm(), "CrashLoopBackOff")),
                opened(Reason.TASK_MANAGER_LOST, RecoveryAction.VERIFY)),
            row(
                "JobManager pod deleted, HA on: the standby or replacement recovers it; verify",
                w -> w.ha().replacePod("orders-jm", null),
                opened(Reason.JOB_MANAGER_LOST, RecoveryAction.VERIFY)),
            row(
                "JobManager pod deleted, HA off: redeploy",
                w -> w.replacePod("orders-jm", null),
                opened(Reason.JOB_MANAGER_LOST, RecoveryAction.REDEPLOY)),
            row(
                "JobManager container Error, HA off: redeploy",
                w -> w.replacePod("orders-jm", failed(jm(), "Error")),
                opened(Reason.JOB_MANAGER_LOST, RecoveryAction.REDEPLOY)),
            row(
                "JobManager lost, HA on, HA store empty although checkpoint 12 is recorded",
                w -> {
                  w.ha().replacePod("orders-jm", null);
                  w.ha = new HaStoreView(HaStoreView.State.READ, List.of(), null, null);
                },
                opened(Reason.HA_METADATA_MISSING, RecoveryAction.REDEPLOY)),
            row(
                "JobManager lost, HA on, HA store unreadable: still verify, not guess",
                w -> {
                  w.ha().replacePod("orders-jm", null);
                  w.ha = HaStoreView.unavailable("timeout");
                },
                opened(Reason.JOB_MANAGER_LOST, RecoveryAction.VERIFY)),
            row(
                "node of the JobManager silent past nodeLostAfter, HA off: redeploy",
                w -> w.nodes.put("node-a", RecoveryWorld.silentNode("node-a", 25)),
                opened(Reason.NODE_LOST, RecoveryAction.REDEPLOY)),
            row(
                "node of the JobManager silent, HA on: verify",
                w -> w.ha().nodes.put("node-a", RecoveryWorld.silentNode("node-a", 25)),
                opened(Reason.NODE_LOST, RecoveryAction.VERIFY)),
            row(
                "node of a TaskManager silent: verify",
                w -> w.nodes.put("node-b", RecoveryWorld.silentNode("node-b", 25)),
                opened(Reason.NODE_LOST, RecoveryAction.VERIFY)),
            row(
                "the node watch judged the node lost 5 s before this pass: detected then",
                w ->
                    w.ha()
                        .nodes
                        .put(
                            "node-a",
                            RecoveryWorld.silentNode("node-a", 25)
                                .judgedLostAt(NOW.minusSeconds(5))),
                d -> {
                  opened(Reason.NODE_LOST, RecoveryAction.VERIFY).accept(d);
                  assertThat(((OpenIncident) d).signal().detectedBy(NOW))
                      .isEqualTo(NOW.minusSeconds(5));
                }),
            row(
                "node of a TaskManager still lost after its incident closed: nothing (no storm)",
                w -> {
                  w.nodes.put("node-b", RecoveryWorld.silentNode("node-b", 40));
                  handledNodeLoss(w, "node-b", NOW.minusSeconds(15));
                },
                Steady.class),
            row(
                "a node lost again after a NodeLost closed for an earlier loss of it",
                w -> {
                  w.nodes.put("node-b", RecoveryWorld.silentNode("node-b", 25));
                  handledNodeLoss(w, "node-b", NOW.minusSeconds(600));
                },
                opened(Reason.NODE_LOST, RecoveryAction.VERIFY)),
            row(
                "a NodeLost of another node does not cover this one",
                w -> {
                  w.nodes.put("node-b", RecoveryWorld.silentNode("node-b", 40));
                  handledNodeLoss(w, "node-c", NOW.minusSeconds(15));
                },
                opened(Reason.NODE_LOST, RecoveryAction.VERIFY)),
            row(
                "an incident of another kind since the node went silent does not cover its loss",
                w -> {
                  w.nodes.put("node-a", RecoveryWorld.silentNode("node-a", 25));
                  Incident tm = new Incident();
                  tm.setReason(Reason.TASK_MANAGER_LOST.value());
                  tm.setNode("node-b");
                  tm.setDetectedAt(NOW.minusSeconds(10).toString());
                  tm.setOutcome("Recovered");
                  w.status.getRecovery().setHistory(List.of(tm));
                },
                opened(Reason.NODE_LOST, RecoveryAction.REDEPLOY)),
            row(
                "the same, the node judged lost before that incident: detected by this pass",
                w -> {
                  w.nodes.put(
                      "node-b",
                      RecoveryWorld.silentNode("node-b", 40).judgedLostAt(NOW.minusSeconds(19)));
                  handledNodeLoss(w, "node-b", NOW.minusSeconds(15));
                  boundFiveSecondsAgo(w, "node-b");
                },
                d -> {
                  opened(Reason.NODE_LOST, RecoveryAction.VERIFY).accept(d);
                  assertThat(((OpenIncident) d).signal().detectedBy(NOW)).isEqualTo(NOW);
                }),
            row(
                "a pod bound to the lost node after its incident closed: a new incident",
                w -> {
                  w.nodes.put("node-b", RecoveryWorld.silentNode("node-b", 40));
                  handledNodeLoss(w, "node-b", NOW.minusSeconds(15));
                  boundFiveSecondsAgo(w, "node-b");
                },
                opened(Reason.NODE_LOST, RecoveryAction.VERIFY)),
            row(
                "JobManager stuck Terminating since before the last incident closed with its"
                    + " replacement serving: already seen, no new loss (issue 17 item 7)",
                w -> replacedWhileTerminating(w.ha(), NOW.minusSeconds(60), "orders-jm-2"),
                Steady.class),
            row(
                "the same, without HA: no new loss either",
                w -> replacedWhileTerminating(w, NOW.minusSeconds(60), "orders-jm-2"),
                Steady.class),
            row(
                "JobManager deleted after the last incident closed, though another serves: new",
                w -> replacedWhileTerminating(w.ha(), NOW.minusSeconds(10), "orders-jm-2"),
                opened(Reason.JOB_MANAGER_LOST, RecoveryAction.VERIFY)),
            row(
                "JobManager failing since before the close that still named it serving: new",
                w -> replacedWhileTerminating(w.ha(), NOW.minusSeconds(60), "orders-jm"),
                opened(Reason.JOB_MANAGER_LOST, RecoveryAction.VERIFY)),
            row(
                "the serving replacement fails beside the stuck one: its loss is new",
                w -> {
                  replacedWhileTerminating(w.ha(), NOW.minusSeconds(60), "orders-jm-2");
                  w.replacePod(
                      "orders-jm-2",
                      failed(
                          RecoveryWorld.pod("orders-jm-2", PodView.Role.JOB_MANAGER, "node-b"),
                          "Error"));
                },
                d -> {
                  opened(Reason.JOB_MANAGER_LOST, RecoveryAction.VERIFY).accept(d);
                  assertThat(((OpenIncident) d).signal().pod()).isEqualTo("orders-jm-2");
                }),
            row(
                "node silent for less than nodeLostAfter: nothing yet",
                w -> w.nodes.put("node-b", RecoveryWorld.silentNode("node-b", 15)),
                Steady.class),
            row(
                "node Ready=Unknown, no Lease known: lost on the Node's word",
                w -> w.nodes.put("node-b", new NodeView("node-b", null, "Unknown", false, false)),
                opened(Reason.NODE_LOST, RecoveryAction.VERIFY)),
            row(
                "node Ready=Unknown but its Lease renewed just now: the controller was blind, not"
                    + " the node dead (found after an API server restart)",
                w -> w.nodes.put("node-b", new NodeView("node-b", NOW, "Unknown", false, false)),
                Steady.class),
            row(
                "node Ready=Unknown and its Lease stale past nodeLostAfter: lost",
                w ->
                    w.nodes.put(
                        "node-b",
                        new NodeView("node-b", NOW.minusSeconds(25), "Unknown", false, false)),
                opened(Reason.NODE_LOST, RecoveryAction.VERIFY)),
            row(
                "job FAILED: Flink gave up; redeploy",
                w -> w.status.setJobState("FAILED"),
                opened(Reason.JOB_FAILED, RecoveryAction.REDEPLOY)),
            row(
                "job RESTARTING past stuckRestartingAfter: redeploy",
                w -> restarting(w, Duration.ofMinutes(6)),
                opened(Reason.JOB_STUCK, RecoveryAction.REDEPLOY)),
            row(
                "job RESTARTING for a while: Flink is on it",
                w -> restarting(w, Duration.ofMinutes(4)),
                Steady.class),
            row(
                "REST silent past stuckRestartingAfter while the JobManager pod runs: redeploy",
                w -> unreachable(w, 3, Duration.ofMinutes(6)),
                opened(Reason.JOB_MANAGER_UNREACHABLE, RecoveryAction.REDEPLOY)),
            row(
                "REST silent briefly: not yet",
                w -> unreachable(w, 3, Duration.ofMinutes(1)),
                Steady.class),
            row(
                "job FAILED with the budget spent: give up",
                w -> {
                  w.status.setJobState("FAILED");
                  redeploysAgo(w, 1, 2, 3, 4, 5);
                },
                GiveUp.class),
            row(
                "redeploys outside the window do not count",
                w -> {
                  w.status.setJobState("FAILED");
                  redeploysAgo(w, 61, 70, 80, 90, 100);
                },
                opened(Reason.JOB_FAILED, RecoveryAction.REDEPLOY)),
            row(
                "budget exhausted at this spec: stay put",
                w -> {
                  w.status.setJobState("FAILED");
                  w.status.getRecovery().setBudgetExhaustedAt(RecoveryWorld.HASH);
                },
                Steady.class),
            row(
                "the cluster it saw serving is gone, pods and all (Flink removed it after the job"
                    + " FAILED between two polls): a redeploy, counted, even with HA",
                w -> {
                  w.ha();
                  vanish(w);
                },
                opened(Reason.JOB_MANAGER_LOST, RecoveryAction.REDEPLOY)),
            row(
                "the same with the budget spent: give up, no silent recreation",
                w -> {
                  vanish(w);
                  redeploysAgo(w, 1, 2, 3, 4, 5);
                },
                GiveUp.class),
            row(
                "a cluster deployed but not seen serving yet may just not be cached: no incident,"
                    + " the lifecycle applies it again (idempotent)",
                w -> {
                  vanish(w);
                  w.status.getDeployment().setJobManagerPod(null);
                },
                Decision.Deploy.class),
            row(
                "a suspended job has no cluster on purpose: no incident, it resumes",
                w -> {
                  vanish(w);
                  w.status.setPhase(dev.flinkresilience.operator.api.v1alpha1.Phase.SUSPENDED);
                },
                Decision.Deploy.class),
            row(
                "budget exhausted at an older spec: the new spec may recover again",
                w -> {
                  w.status.setJobState("FAILED");
                  w.status.getRecovery().setBudgetExhaustedAt("hash-0");
                },
                opened(Reason.JOB_FAILED, RecoveryAction.REDEPLOY)))
        .map(Row::test);
  }

  /**
   * Two JobManagers; the leader {@code orders-jm} on {@code node}, and the ReplicaSet's replacement
   * for it, {@code orders-jm-2}, bound to the same node and never started there.
   */
  private static void standbyReplacementOn(RecoveryWorld w, String node) {
    w.spec.getJobManager().setReplicas(2);
    w.pods.add(RecoveryWorld.pending("orders-jm-2", PodView.Role.JOB_MANAGER, node));
  }

  @TestFactory
  Stream<DynamicTest> incidentInProgress() {
    return Stream.of(
            row(
                "lost node, HA on: the JobManager Deployment kept off the node first, its pod"
                    + " stays (released, the old ReplicaSet would replace it anywhere)",
                w -> {
                  w.ha().nodes.put("node-a", RecoveryWorld.silentNode("node-a", 25));
                  incident(w, Reason.NODE_LOST, RecoveryAction.VERIFY);
                },
                d -> {
                  assertThat(d).isInstanceOf(ReleasePods.class);
                  assertThat(((ReleasePods) d).pods()).isEmpty();
                  assertThat(((ReleasePods) d).jobManager())
                      .as("keeps the Deployment off")
                      .isTrue();
                  assertThat(((ReleasePods) d).why()).isEqualTo(RecoveryPlanner.KEEP_OFF_FIRST);
                  assertThat(((ReleasePods) d).jobManagerLater()).as("its pod later").isTrue();
                  assertThat(((ReleasePods) d).handOverFrom()).isNull();
                }),
            row(
                "kept off, but its controller has not taken that yet: the JobManager's pod waits",
                w -> {
                  w.ha().nodes.put("node-a", RecoveryWorld.silentNode("node-a", 25));
                  incident(w, Reason.NODE_LOST, RecoveryAction.VERIFY);
                  keptOff(w, "node-a", false);
                },
                d -> assertThat(d).isNotInstanceOf(ReleasePods.class)),
            row(
                "kept off, not taken, but its ReplicaSet deletes the pod: released (at zero)",
                w -> {
                  w.ha().nodes.put("node-a", RecoveryWorld.silentNode("node-a", 25));
                  incident(w, Reason.NODE_LOST, RecoveryAction.VERIFY);
                  keptOff(w, "node-a", false);
                  deleting(w, "orders-jm");
                },
                d -> {
                  assertThat(d).isInstanceOf(ReleasePods.class);
                  assertThat(((ReleasePods) d).pods()).containsExactly("orders-jm");
                  assertThat(((ReleasePods) d).handOverFrom()).isEqualTo("orders-jm");
                }),
            row(
                "kept off, not taken 45 s after the detection (a controller under load): still"
                    + " waits",
                w -> {
                  w.ha().nodes.put("node-a", RecoveryWorld.silentNode("node-a", 25));
                  incident(w, Reason.NODE_LOST, RecoveryAction.VERIFY)
                      .setDetectedAt(NOW.minusSeconds(45).toString());
                  keptOff(w, "node-a", false);
                },
                d -> assertThat(d).isNotInstanceOf(ReleasePods.class)),
            row(
                "kept off, not taken 45 s after the incident opened, 65 s after the node watch"
                    + " judged the node lost (the job waited in the queue): still waits",
                w -> {
                  w.ha().nodes.put("node-a", RecoveryWorld.silentNode("node-a", 25));
                  Incident i = incident(w, Reason.NODE_LOST, RecoveryAction.VERIFY);
                  i.setDetectedAt(NOW.minusSeconds(65).toString());
                  i.setOpenedAt(NOW.minusSeconds(45).toString());
                  keptOff(w, "node-a", false);
                },
                d -> assertThat(d).isNotInstanceOf(ReleasePods.class)),
            row(
                "kept off, not taken within 60 s of the detection: released anyway",
                w -> {
                  w.ha().nodes.put("node-a", RecoveryWorld.silentNode("node-a", 25));
                  incident(w, Reason.NODE_LOST, RecoveryAction.VERIFY)
                      .setDetectedAt(NOW.minusSeconds(60).toString());
                  keptOff(w, "node-a", false);
                },
                d -> {
                  assertThat(d).isInstanceOf(ReleasePods.class);
                  assertThat(((ReleasePods) d).pods()).containsExactly("orders-jm");
                }),
            row(
                "lost node, HA on, the Deployment kept off and taken: release its pods (grace 0)",
                w -> {
                  w.ha().nodes.put("node-a", RecoveryWorld.silentNode("node-a", 25));
                  incident(w, Reason.NODE_LOST, RecoveryAction.VERIFY);
                  keptOff(w, "node-a", true);
                },
                d -> {
                  assertThat(d).isInstanceOf(ReleasePods.class);
                  assertThat(((ReleasePods) d).node()).isEqualTo("node-a");
                  assertThat(((ReleasePods) d).pods()).containsExactly("orders-jm");
                  assertThat(((ReleasePods) d).jobManager()).isTrue();
                  assertThat(((ReleasePods) d).jobManagerLater()).as("the second step").isFalse();
                  assertThat(((ReleasePods) d).keepsJobManagerOff()).isTrue();
                  assertThat(((ReleasePods) d).handOverFrom())
                      .as("Kubernetes HA: the released JobManager's leadership is handed over")
                      .isEqualTo("orders-jm");
                }),
            row(
                "standby JobManagers, the leader's replacement Pending on the lost node, still"
                    + " Ready to the scheduler: not released (its replacement would land there)",
                w -> {
                  standbyReplacementOn(w, "node-a");
                  w.ha().nodes.put("node-a", RecoveryWorld.silentNode("node-a", 25));
                  incident(w, Reason.NODE_LOST, RecoveryAction.VERIFY)
                      .getReleasedPods()
                      .add("orders-jm");
                },
                AwaitRecovery.class),
            row(
                "standby JobManagers, the leader on the lost node: released at once",
                w -> {
                  standbyReplacementOn(w, "node-a");
                  w.ha().nodes.put("node-a", RecoveryWorld.silentNode("node-a", 25));
                  incident(w, Reason.NODE_LOST, RecoveryAction.VERIFY);
                },
                d -> {
                  assertThat(d).isInstanceOf(ReleasePods.class);
                  assertThat(((ReleasePods) d).pods()).containsExactly("orders-jm");
                }),
            row(
                "standby JobManagers, the replacement Pending on the lost node, now NotReady:"
                    + " released (the next one lands elsewhere)",
                w -> {
                  standbyReplacementOn(w, "node-a");
                  w.ha().nodes.put("node-a", RecoveryWorld.notReadyNode("node-a", 45));
                  incident(w, Reason.NODE_LOST, RecoveryAction.VERIFY)
                      .getReleasedPods()
                      .add("orders-jm");
                },
                d -> {
                  assertThat(d).isInstanceOf(ReleasePods.class);
                  assertThat(((ReleasePods) d).pods()).containsExactly("orders-jm-2");
                }),
            row(
                "one JobManager, a Pending JobManager on the lost node: released at once (its"
                    + " Deployment is kept off the node)",
                w -> {
                  w.replacePod(
                      "orders-jm",
                      RecoveryWorld.pending("orders-jm", PodView.Role.JOB_MANAGER, "node-a"));
                  w.ha().nodes.put("node-a", RecoveryWorld.silentNode("node-a", 25));
                  incident(w, Reason.NODE_LOST, RecoveryAction.VERIFY);
                },
                ReleasePods.class),
            row(
                "lost TaskManager node, HA on, still Ready to the scheduler: not released yet",
                w -> {
                  w.ha().nodes.put("node-b", RecoveryWorld.silentNode("node-b", 25));
                  incident(w, Reason.NODE_LOST, RecoveryAction.VERIFY).setPod(null);
                },
                AwaitRecovery.class),
            row(
                "lost node, ZooKeeper HA: released, no leadership handover (Kubernetes HA only)",
                w -> {
                  w.ha().nodes.put("node-a", RecoveryWorld.silentNode("node-a", 25));
                  w.spec.getHighAvailability().setType(HighAvailabilityType.ZOOKEEPER);
                  incident(w, Reason.NODE_LOST, RecoveryAction.VERIFY);
                  keptOff(w, "node-a", true);
                },
                d -> {
                  assertThat(d).isInstanceOf(ReleasePods.class);
                  assertThat(((ReleasePods) d).pods()).containsExactly("orders-jm");
                  assertThat(((ReleasePods) d).handOverFrom()).isNull();
                }),
            row(
                "lost TaskManager node, HA on, marked NotReady by Kubernetes: released",
                w -> {
                  w.ha().nodes.put("node-b", RecoveryWorld.notReadyNode("node-b", 45));
                  incident(w, Reason.NODE_LOST, RecoveryAction.VERIFY).setPod(null);
                },
                d -> {
                  assertThat(d).isInstanceOf(ReleasePods.class);
                  assertThat(((ReleasePods) d).pods()).containsExactly("orders-tm");
                  assertThat(((ReleasePods) d).jobManager()).isFalse();
                }),
            row(
                "lost node, HA on, the operator may taint nodes: the node is tainted first (one"
                    + " write for all its jobs), nothing released, no Deployment kept off",
                w -> {
                  w.ha().nodes.put("node-a", RecoveryWorld.silentNode("node-a", 25));
                  w.mayTaintNodes = true;
                  incident(w, Reason.NODE_LOST, RecoveryAction.VERIFY);
                },
                d -> assertThat(d).isEqualTo(new Decision.TaintLostNode("node-a"))),
            row(
                "lost node tainted by the operator: its JobManager and TaskManager released at"
                    + " once, no Deployment kept off (nothing rolls), leadership handed over",
                w -> {
                  w.ha()
                      .nodes
                      .put("node-a", RecoveryWorld.silentNode("node-a", 25).withLostTaint(true));
                  w.pods.add(RecoveryWorld.pod("orders-tm-2", PodView.Role.TASK_MANAGER, "node-a"));
                  w.mayTaintNodes = true;
                  incident(w, Reason.NODE_LOST, RecoveryAction.VERIFY);
                },
                d -> {
                  assertThat(d).isInstanceOf(ReleasePods.class);
                  ReleasePods r = (ReleasePods) d;
                  assertThat(r.pods()).containsExactly("orders-jm", "orders-tm-2");
                  assertThat(r.jobManager()).isTrue();
                  assertThat(r.jobManagerLater()).as("no keep-off step").isFalse();
                  assertThat(r.keepsJobManagerOff()).as("the Deployment left as it is").isFalse();
                  assertThat(r.handOverFrom()).isEqualTo("orders-jm");
                }),
            row(
                "the taint refused since (RBAC): the JobManager Deployment kept off the node as"
                    + " without it",
                w -> {
                  w.ha().nodes.put("node-a", RecoveryWorld.silentNode("node-a", 25));
                  w.mayTaintNodes = false;
                  incident(w, Reason.NODE_LOST, RecoveryAction.VERIFY);
                },
                d -> {
                  assertThat(d).isInstanceOf(ReleasePods.class);
                  assertThat(((ReleasePods) d).jobManagerLater()).isTrue();
                }),
            row(
                "a TaskManager alone on a node silent past nodeLostAfter, taints allowed: no taint"
                    + " (no JobManager of the job vouches for the loss), the TaskManager waits for"
                    + " Kubernetes' NotReady",
                w -> {
                  w.ha().nodes.put("node-b", RecoveryWorld.silentNode("node-b", 25));
                  w.mayTaintNodes = true;
                  incident(w, Reason.NODE_LOST, RecoveryAction.VERIFY).setPod(null);
                },
                AwaitRecovery.class),
            row(
                "a TaskManager alone on a node another job's release had the operator taint:"
                    + " released at once (Kubernetes places nothing there)",
                w -> {
                  w.ha()
                      .nodes
                      .put("node-b", RecoveryWorld.silentNode("node-b", 25).withLostTaint(true));
                  w.mayTaintNodes = true;
                  incident(w, Reason.NODE_LOST, RecoveryAction.VERIFY).setPod(null);
                },
                d -> {
                  assertThat(d).isInstanceOf(ReleasePods.class);
                  assertThat(((ReleasePods) d).pods()).containsExactly("orders-tm");
                  assertThat(((ReleasePods) d).jobManager()).isFalse();
                }),
            row(
                "a node carrying the operator's taint whose Lease renews again is not lost: nothing"
                    + " released",
                w -> {
                  w.ha().nodes.put("node-a", RecoveryWorld.liveNode("node-a").withLostTaint(true));
                  w.mayTaintNodes = true;
                  incident(w, Reason.NODE_LOST, RecoveryAction.VERIFY);
                },
                d -> assertThat(d).isNotInstanceOf(ReleasePods.class)),
            row(
                "pods already released are not released again",
                w -> {
                  w.ha().nodes.put("node-a", RecoveryWorld.silentNode("node-a", 25));
                  incident(w, Reason.NODE_LOST, RecoveryAction.VERIFY)
                      .getReleasedPods()
                      .add("orders-jm");
                },
                AwaitRecovery.class),
            row(
                "releasePodsOnLostNode never: wait for Kubernetes",
                w -> {
                  w.ha().nodes.put("node-a", RecoveryWorld.silentNode("node-a", 25));
                  w.spec.getRecovery().setReleasePodsOnLostNode(ReleasePodsPolicy.NEVER);
                  incident(w, Reason.NODE_LOST, RecoveryAction.VERIFY);
                },
                AwaitRecovery.class),
            row(
                "whenFenced, HA off, node only silent: a partitioned JobManager may still write",
                w -> {
                  w.nodes.put("node-a", RecoveryWorld.silentNode("node-a", 25));
                  incident(w, Reason.NODE_LOST, RecoveryAction.REDEPLOY);
                },
                TearDownForRecovery.class),
            row(
                "whenFenced, HA off, node tainted out-of-service: the cluster is torn down first"
                    + " (a JobManager released sooner is replaced from the old restore point)",
                w -> {
                  w.nodes.put(
                      "node-a", new NodeView("node-a", NOW.minusSeconds(25), "True", true, false));
                  incident(w, Reason.NODE_LOST, RecoveryAction.REDEPLOY);
                },
                TearDownForRecovery.class),
            row(
                "whenFenced, HA off, node tainted out-of-service, cluster being deleted: release",
                w -> {
                  w.nodes.put(
                      "node-a", new NodeView("node-a", NOW.minusSeconds(25), "True", true, false));
                  incident(w, Reason.NODE_LOST, RecoveryAction.REDEPLOY);
                  w.jobManager = terminating();
                },
                d -> {
                  assertThat(d).isInstanceOf(ReleasePods.class);
                  assertThat(((ReleasePods) d).pods()).containsExactly("orders-jm");
                  assertThat(((ReleasePods) d).jobManager())
                      .as("a Deployment being deleted is not kept off the node")
                      .isFalse();
                }),
            row(
                "always, HA off, cluster being deleted: release",
                w -> {
                  w.nodes.put("node-a", RecoveryWorld.silentNode("node-a", 25));
                  w.spec.getRecovery().setReleasePodsOnLostNode(ReleasePodsPolicy.ALWAYS);
                  incident(w, Reason.NODE_LOST, RecoveryAction.REDEPLOY);
                  w.jobManager = terminating();
                },
                ReleasePods.class),
            row(
                "verify: RUNNING again from checkpoint ≥ 12: close",
                w -> {
                  incident(w, Reason.JOB_MANAGER_LOST, RecoveryAction.VERIFY);
                  w.ha().status.setRestoredFrom(RecoveryWorld.checkpoint(13));
                },
                CloseIncident.class),
            row(
                "verify: RUNNING but from checkpoint 11 < 12: not recovered",
                w -> {
                  incident(w, Reason.JOB_MANAGER_LOST, RecoveryAction.VERIFY);
                  w.ha().status.setRestoredFrom(RecoveryWorld.checkpoint(11));
                },
                AwaitRecovery.class),
            row(
                "verify: job state not seen since the incident: wait",
                w -> {
                  incident(w, Reason.JOB_MANAGER_LOST, RecoveryAction.VERIFY);
                  w.ha().status.getRecovery().getCurrent().setObservedState(null);
                },
                AwaitRecovery.class),
            row(
                "verify TaskManager loss: RUNNING with a checkpoint since the incident: close",
                w -> {
                  incident(w, Reason.TASK_MANAGER_LOST, RecoveryAction.VERIFY);
                  w.status.setLatestCheckpoint(RecoveryWorld.checkpoint(13));
                },
                CloseIncident.class),
            row(
                "verify TaskManager loss: RUNNING, no checkpoint since: Flink may not know yet",
                w -> incident(w, Reason.TASK_MANAGER_LOST, RecoveryAction.VERIFY),
                AwaitRecovery.class),
            row(
                "verify a lost TaskManager node: RUNNING, no checkpoint since: wait",
                w -> {
                  w.nodes.put("node-b", RecoveryWorld.silentNode("node-b", 25));
                  incident(w, Reason.NODE_LOST, RecoveryAction.VERIFY).setPod(null);
                  w.status.getRecovery().getCurrent().getReleasedPods().add("orders-tm");
                },
                AwaitRecovery.class),
            row(
                "verify TaskManager loss without checkpointing: RUNNING is enough",
                w -> {
                  incident(w, Reason.TASK_MANAGER_LOST, RecoveryAction.VERIFY)
                      .setTargetCheckpointId(null);
                  w.status.setLatestCheckpoint(null);
                },
                CloseIncident.class),
            row(
                "verify: RUNNING in status, but no poll since the incident: wait",
                w -> {
                  incident(w, Reason.TASK_MANAGER_LOST, RecoveryAction.VERIFY)
                      .setObservedState(null);
                  w.status.setLatestCheckpoint(RecoveryWorld.checkpoint(13));
                },
                AwaitRecovery.class),
            row(
                "verify past haRecoveryTimeout: escalate to a redeploy",
                w -> {
                  incident(w, Reason.JOB_MANAGER_LOST, RecoveryAction.VERIFY)
                      .setDetectedAt(NOW.minus(Duration.ofMinutes(3)).toString());
                  w.ha().status.getRecovery().getCurrent().setObservedState(null);
                },
                Escalate.class),
            row(
                "a lost node's JobManager released 90 s after the detection, 3 minutes after it:"
                    + " haRecoveryTimeout counts from the release: wait",
                w -> {
                  w.ha().nodes.put("node-a", RecoveryWorld.silentNode("node-a", 200));
                  Incident i = incident(w, Reason.NODE_LOST, RecoveryAction.VERIFY);
                  i.setDetectedAt(NOW.minus(Duration.ofMinutes(3)).toString());
                  keptOff(w, "node-a", true);
                  i.getReleasedPods().add("orders-jm");
                  i.setJobManagerReleasedAt(NOW.minusSeconds(90).toString());
                  i.setObservedState(null);
                },
                AwaitRecovery.class),
            row(
                "a lost node's JobManager released 30 s after the detection, not back 2 minutes"
                    + " after the release: escalate",
                w -> {
                  w.ha().nodes.put("node-a", RecoveryWorld.silentNode("node-a", 200));
                  Incident i = incident(w, Reason.NODE_LOST, RecoveryAction.VERIFY);
                  i.setDetectedAt(NOW.minusSeconds(151).toString());
                  keptOff(w, "node-a", true);
                  i.getReleasedPods().add("orders-jm");
                  i.setJobManagerReleasedAt(NOW.minusSeconds(121).toString());
                  i.setObservedState(null);
                },
                Escalate.class),
            row(
                "verify past the timeout with the budget spent: give up",
                w -> {
                  incident(w, Reason.TASK_MANAGER_LOST, RecoveryAction.VERIFY)
                      .setDetectedAt(NOW.minus(Duration.ofMinutes(6)).toString());
                  w.status.setJobState("RESTARTING");
                  w.status.getRecovery().getCurrent().setObservedState("RESTARTING");
                  redeploysAgo(w, 1, 2, 3, 4, 5);
                },
                GiveUp.class),
            row(
                "verify a TaskManager loss, then the job FAILED: escalate at once",
                w -> {
                  incident(w, Reason.TASK_MANAGER_LOST, RecoveryAction.VERIFY)
                      .setObservedState("FAILED");
                  w.status.setJobState("FAILED");
                },
                Escalate.class),
            row(
                "redeploy: the failed cluster is still there: tear it down",
                w -> incident(w, Reason.JOB_FAILED, RecoveryAction.REDEPLOY),
                TearDownForRecovery.class),
            row(
                "redeploy: cluster terminating: wait",
                w -> {
                  incident(w, Reason.JOB_FAILED, RecoveryAction.REDEPLOY);
                  w.jobManager =
                      new JobManagerDeployment(
                          RecoveryWorld.HASH, 1L, RecoveryWorld.JOB_ID, 0, true);
                },
                AwaitTeardown.class),
            row(
                "redeploy: Deployment gone, a pod still running: fencing, wait",
                w -> {
                  incident(w, Reason.JOB_FAILED, RecoveryAction.REDEPLOY);
                  w.jobManager = null;
                  w.replacePod("orders-jm", null);
                },
                AwaitTeardown.class),
            row(
                "redeploy: all gone: deploy, same serial and job id, from the newest checkpoint",
                w -> {
                  incident(w, Reason.JOB_FAILED, RecoveryAction.REDEPLOY);
                  w.jobManager = null;
                  w.pods.clear();
                  w.ha().ha =
                      new HaStoreView(
                          HaStoreView.State.READ,
                          List.of(RecoveryWorld.haCheckpoint(14), RecoveryWorld.haCheckpoint(15)),
                          null,
                          null);
                },
                d -> {
                  assertThat(d).isInstanceOf(Deploy.class);
                  Deploy deploy = (Deploy) d;
                  assertThat(deploy.reason()).isEqualTo(DeployReason.RECOVERY);
                  assertThat(deploy.serial()).isEqualTo(1);
                  assertThat(deploy.jobId()).isEqualTo(RecoveryWorld.JOB_ID);
                  assertThat(deploy.restoreFrom().checkpointId()).isEqualTo(15);
                  assertThat(deploy.restoreFrom().source()).isEqualTo("haStore");
                }),
            row(
                "redeploy: nothing addressable at the recorded id: refuse, never lower",
                w -> {
                  incident(w, Reason.JOB_FAILED, RecoveryAction.REDEPLOY);
                  w.jobManager = null;
                  w.pods.clear();
                  CheckpointRef unaddressable = RecoveryWorld.checkpoint(12);
                  unaddressable.setPath(null);
                  w.status.setLatestCheckpoint(unaddressable);
                },
                RefuseRestore.class),
            row(
                "redeploy made just before a crash (stamp found, not recorded): record it",
                w -> {
                  Incident i = incident(w, Reason.JOB_FAILED, RecoveryAction.REDEPLOY);
                  w.jobManager = stamped(i);
                },
                d -> {
                  assertThat(d).isInstanceOf(AwaitRecovery.class);
                  assertThat(((AwaitRecovery) d).markRedeployed()).isTrue();
                }),
            row(
                "redeployed and RUNNING from checkpoint ≥ 12: close",
                w -> {
                  Incident i = incident(w, Reason.JOB_FAILED, RecoveryAction.REDEPLOY);
                  i.setRedeployedAt(NOW.minusSeconds(20).toString());
                  w.jobManager = stamped(i);
                  w.status.setRestoredFrom(RecoveryWorld.checkpoint(12));
                },
                CloseIncident.class),
            row(
                "redeployed but not back within haRecoveryTimeout: another attempt",
                w -> {
                  Incident i = incident(w, Reason.JOB_FAILED, RecoveryAction.REDEPLOY);
                  i.setRedeployedAt(NOW.minus(Duration.ofMinutes(3)).toString());
                  w.jobManager = stamped(i);
                  w.status.getRecovery().getCurrent().setObservedState(null);
                },
                Escalate.class),
            row(
                "redeployed without HA, then its JobManager failed too (its restart waits): another"
                    + " attempt at once",
                w -> {
                  Incident i = incident(w, Reason.JOB_MANAGER_LOST, RecoveryAction.REDEPLOY);
                  i.setRedeployedAt(NOW.minusSeconds(20).toString());
                  w.jobManager = stamped(i);
                  w.status.getRecovery().getCurrent().setObservedState(null);
                  w.replacePod("orders-jm", failed(jm(), "Error"));
                },
                Escalate.class),
            row(
                "redeployed without HA, a JobManager failure from before the redeploy: wait",
                w -> {
                  Incident i = incident(w, Reason.JOB_MANAGER_LOST, RecoveryAction.REDEPLOY);
                  i.setRedeployedAt(NOW.toString());
                  w.jobManager = stamped(i);
                  w.status.getRecovery().getCurrent().setObservedState(null);
                  w.replacePod("orders-jm", failed(jm(), "Error"));
                },
                AwaitRecovery.class),
            row(
                "redeployed with HA, then its JobManager failed: Flink restarts it from the HA"
                    + " store; wait",
                w -> {
                  w.ha();
                  Incident i = incident(w, Reason.JOB_FAILED, RecoveryAction.REDEPLOY);
                  i.setRedeployedAt(NOW.minusSeconds(20).toString());
                  w.jobManager = stamped(i);
                  w.status.getRecovery().getCurrent().setObservedState(null);
                  w.replacePod("orders-jm", failed(jm(), "Error"));
                },
                AwaitRecovery.class),
            row(
                "redeployed, then its Deployment vanished (Flink deleted it): the same attempt again",
                w -> {
                  Incident i = incident(w, Reason.JOB_MANAGER_LOST, RecoveryAction.REDEPLOY);
                  i.setRedeployedAt(NOW.minusSeconds(20).toString());
                  w.jobManager = null;
                  w.pods.clear();
                },
                d -> {
                  assertThat(d).isInstanceOf(Deploy.class);
                  assertThat(((Deploy) d).reason()).isEqualTo(DeployReason.RECOVERY);
                }),
            row(
                "redeployed, its Deployment vanished, haRecoveryTimeout out: another attempt",
                w -> {
                  Incident i = incident(w, Reason.JOB_MANAGER_LOST, RecoveryAction.REDEPLOY);
                  i.setRedeployedAt(NOW.minus(Duration.ofMinutes(3)).toString());
                  w.jobManager = null;
                  w.pods.clear();
                },
                Escalate.class),
            row(
                "spec changed during recovery: the upgrade supersedes it",
                w -> {
                  incident(w, Reason.JOB_FAILED, RecoveryAction.REDEPLOY);
                  w.specHash = "hash-2";
                },
                BeginOperation.class))
        .map(Row::test);
  }

  /**
   * DESIGN.md §5.6 and issue 17: nothing destructive on what the operator cannot see, a re-check
   * before every destructive step, and no hanging on a pod nothing will remove.
   */
  @TestFactory
  Stream<DynamicTest> neverActOnWhatCannotBeSeen() {
    return Stream.of(
            row(
                "node silent 61 s while the node watch is impaired: no incident",
                w -> {
                  w.nodes.put("node-a", RecoveryWorld.silentNode("node-a", 61));
                  w.sight = impaired();
                },
                Steady.class),
            row(
                "node silent 61 s, the watch healthy again 5 s ago: fresh grace, nothing yet",
                w -> {
                  w.nodes.put("node-a", RecoveryWorld.silentNode("node-a", 61));
                  w.sight = healthyAgain(5);
                },
                Steady.class),
            row(
                "the same node still silent a grace later: lost",
                w -> {
                  w.nodes.put("node-a", RecoveryWorld.silentNode("node-a", 61));
                  w.sight = healthyAgain(25);
                },
                opened(Reason.NODE_LOST, RecoveryAction.REDEPLOY)),
            row(
                "node silent under the mass-loss guard: no incident",
                w -> {
                  w.nodes.put("node-a", RecoveryWorld.silentNode("node-a", 61));
                  w.sight = guard();
                },
                Steady.class),
            row(
                "NodeLost with HA, the guard trips before the release: nothing released",
                w -> {
                  w.ha().nodes.put("node-a", RecoveryWorld.silentNode("node-a", 25));
                  nodeLost(w, RecoveryAction.VERIFY, 25);
                  w.sight = guard();
                },
                d -> {
                  assertThat(d).isInstanceOf(AwaitRecovery.class);
                  assertThat(((AwaitRecovery) d).why()).contains("mass-loss guard");
                }),
            row(
                "NodeLost without HA, the watch impaired before the teardown: nothing torn down",
                w -> {
                  w.nodes.put("node-a", RecoveryWorld.silentNode("node-a", 25));
                  nodeLost(w, RecoveryAction.REDEPLOY, 25);
                  w.sight = impaired();
                },
                AwaitRecovery.class),
            row(
                "NodeLost with HA, held, but Flink recovered meanwhile: closed",
                w -> {
                  w.ha().nodes.put("node-a", RecoveryWorld.silentNode("node-a", 25));
                  nodeLost(w, RecoveryAction.VERIFY, 25).setObservedState("RUNNING");
                  w.status.setRestoredFrom(RecoveryWorld.checkpoint(12));
                  w.sight = guard();
                },
                CloseIncident.class),
            row(
                "NodeLost with HA, the Lease renews before the release: a false alarm",
                w -> {
                  w.ha().nodes.put("node-a", RecoveryWorld.liveNode("node-a"));
                  nodeLost(w, RecoveryAction.VERIFY, 25);
                },
                d -> {
                  assertThat(d).isInstanceOf(DismissIncident.class);
                  assertThat(((DismissIncident) d).why()).contains("node-a");
                }),
            row(
                "NodeLost without HA, the Lease renews before the teardown: a false alarm",
                w -> {
                  w.nodes.put("node-a", RecoveryWorld.liveNode("node-a"));
                  nodeLost(w, RecoveryAction.REDEPLOY, 25);
                },
                DismissIncident.class),
            row(
                "the Lease renews after the JobManager was released: no false alarm, verify on",
                w -> {
                  w.ha().nodes.put("node-a", RecoveryWorld.liveNode("node-a"));
                  nodeLost(w, RecoveryAction.VERIFY, 25).getReleasedPods().add("orders-jm");
                },
                AwaitRecovery.class),
            row(
                "the Lease renews after the teardown began: no false alarm",
                w -> {
                  w.nodes.put("node-a", RecoveryWorld.liveNode("node-a"));
                  nodeLost(w, RecoveryAction.REDEPLOY, 25);
                  w.jobManager = terminating();
                },
                AwaitTeardown.class),
            row(
                "within its grace after a gap, but no renewal since the loss: not a false alarm",
                w -> {
                  w.ha().nodes.put("node-a", RecoveryWorld.silentNode("node-a", 40));
                  nodeLost(w, RecoveryAction.VERIFY, 40);
                  w.sight = healthyAgain(5);
                },
                AwaitRecovery.class),
            row(
                "escalated, then a fresh poll shows RUNNING from checkpoint 12: nothing torn down",
                w -> {
                  incident(w, Reason.JOB_MANAGER_LOST, RecoveryAction.REDEPLOY);
                  w.status.setRestoredFrom(RecoveryWorld.checkpoint(12));
                },
                CloseIncident.class),
            row(
                "escalated, RUNNING but from an older checkpoint: torn down",
                w -> {
                  incident(w, Reason.JOB_MANAGER_LOST, RecoveryAction.REDEPLOY);
                  w.status.setRestoredFrom(RecoveryWorld.checkpoint(11));
                },
                TearDownForRecovery.class),
            row(
                "escalated, RUNNING not yet seen since: torn down",
                w -> {
                  incident(w, Reason.JOB_MANAGER_LOST, RecoveryAction.REDEPLOY)
                      .setObservedState(null);
                  w.status.setRestoredFrom(RecoveryWorld.checkpoint(12));
                },
                TearDownForRecovery.class),
            row(
                "teardown waits on a JobManager stuck terminating, nodes unseen, HA on: released",
                w -> {
                  w.ha();
                  stuckTeardown(w);
                },
                d -> {
                  assertThat(d).isInstanceOf(ReleasePods.class);
                  assertThat(((ReleasePods) d).pods()).containsExactly("orders-jm");
                  assertThat(((ReleasePods) d).jobManager()).isFalse();
                  assertThat(((ReleasePods) d).why()).contains("stuck");
                }),
            row(
                "the same without HA (whenFenced, node not fenced): kept, and status says why",
                RecoveryPlannerTest::stuckTeardown,
                d -> {
                  assertThat(d).isInstanceOf(AwaitTeardown.class);
                  assertThat(((AwaitTeardown) d).stuck())
                      .contains("orders-jm on node-a")
                      .contains("out-of-service");
                }),
            row(
                "a pod terminating for only 10 s is not stuck: wait",
                w -> {
                  w.ha();
                  stuckTeardown(w);
                  w.replacePod("orders-jm", terminatingPod(jm(), 10));
                },
                d -> {
                  assertThat(d).isInstanceOf(AwaitTeardown.class);
                  assertThat(((AwaitTeardown) d).stuck()).isNull();
                }))
        .map(Row::test);
  }

  private static NodeSight impaired() {
    return NodeSight.of(
        new WatchHealth(false, NOW.minusSeconds(30), "watch closed"),
        java.util.Optional.empty(),
        null);
  }

  private static NodeSight healthyAgain(long secondsAgo) {
    return NodeSight.of(
        new WatchHealth(true, NOW.minusSeconds(secondsAgo), null),
        java.util.Optional.empty(),
        null);
  }

  private static NodeSight guard() {
    return NodeSight.of(
        new WatchHealth(true, NOW.minusSeconds(3600), null),
        java.util.Optional.of("2 of 3 nodes look lost at once"),
        null);
  }

  /** A NodeLost of node-a (the JobManager's), dated when its Lease was last renewed. */
  private static Incident nodeLost(RecoveryWorld w, RecoveryAction action, long silentSeconds) {
    Incident i = incident(w, Reason.NODE_LOST, action);
    i.setNode("node-a");
    i.setFailedAt(NOW.minusSeconds(silentSeconds).toString());
    i.setObservedState(null);
    return i;
  }

  /**
   * The node-loss baseline's hang: an escalated JobManagerLost whose cluster is being deleted, the
   * old JobManager evicted 3 minutes ago from a dead node nobody sees (node detection off).
   */
  private static void stuckTeardown(RecoveryWorld w) {
    incident(w, Reason.JOB_MANAGER_LOST, RecoveryAction.REDEPLOY).setObservedState(null);
    w.jobManager = null;
    w.nodes.clear();
    w.replacePod("orders-tm", null);
    w.replacePod("orders-jm", terminatingPod(jm(), 180));
  }

  private static PodView terminatingPod(PodView p, long secondsAgo) {
    return new PodView(
        p.name(),
        p.role(),
        p.node(),
        "Running",
        true,
        NOW.minusSeconds(secondsAgo),
        null,
        null,
        p.createdAt());
  }

  private static JobManagerDeployment terminating() {
    return new JobManagerDeployment(RecoveryWorld.HASH, 1L, RecoveryWorld.JOB_ID, 1, true);
  }

  private static PodView jm() {
    return RecoveryWorld.pod("orders-jm", PodView.Role.JOB_MANAGER, "node-a");
  }

  private static PodView tm() {
    return RecoveryWorld.pod("orders-tm", PodView.Role.TASK_MANAGER, "node-b");
  }

  private static void restarting(RecoveryWorld w, Duration since) {
    w.status.setJobState("RESTARTING");
    w.status.setJobStateSince(NOW.minus(since).toString());
  }

  private static void unreachable(RecoveryWorld w, int polls, Duration since) {
    var o = new ObservationStatus();
    o.setFailedPolls(polls);
    o.setProblem("GET /jobs/x: timed out");
    o.setProblemSince(NOW.minus(since).toString());
    w.status.setObservation(o);
  }

  /** The JobManager Deployment and every pod gone. */
  private static void vanish(RecoveryWorld w) {
    w.jobManager = null;
    w.pods.clear();
  }

  private static void redeploysAgo(RecoveryWorld w, long... minutes) {
    for (long m : minutes) {
      w.status.getRecovery().getRedeploys().add(NOW.minus(Duration.ofMinutes(m)).toString());
    }
  }

  /**
   * The benchmark's baseline after a TaskManagerLost (detected 90 s ago, closed 30 s ago) that
   * named {@code serving} as the serving JobManager: orders-jm Terminating since {@code deleted} on
   * node-a (which nothing confirms), its replacement orders-jm-2 Running on node-b.
   */
  private static void replacedWhileTerminating(RecoveryWorld w, Instant deleted, String serving) {
    w.replacePod(
        "orders-jm",
        new PodView(
            "orders-jm",
            PodView.Role.JOB_MANAGER,
            "node-a",
            "Running",
            true,
            deleted,
            null,
            null,
            NOW.minus(Duration.ofHours(1))));
    w.pods.add(RecoveryWorld.pod("orders-jm-2", PodView.Role.JOB_MANAGER, "node-b"));
    w.status.getDeployment().setJobManagerPod(serving);
    Incident tm = new Incident();
    tm.setReason(Reason.TASK_MANAGER_LOST.value());
    tm.setNode("node-b");
    tm.setPod("orders-tm");
    tm.setDetectedAt(NOW.minusSeconds(90).toString());
    tm.setRecoveredAt(NOW.minusSeconds(30).toString());
    tm.setOutcome("Recovered");
    w.status.getRecovery().setHistory(List.of(tm));
  }

  /** A NodeLost incident for {@code node}, detected at {@code at} and closed. */
  /** A TaskManager bound to {@code node} 5 s ago, Pending. */
  private static void boundFiveSecondsAgo(RecoveryWorld w, String node) {
    w.pods.add(
        new PodView(
            "orders-tm-2",
            PodView.Role.TASK_MANAGER,
            node,
            "Pending",
            false,
            null,
            null,
            null,
            NOW.minusSeconds(5)));
  }

  private static void handledNodeLoss(RecoveryWorld w, String node, Instant at) {
    Incident i = new Incident();
    i.setReason(Reason.NODE_LOST.value());
    i.setNode(node);
    i.setDetectedAt(at.toString());
    i.setRecoveredAt(at.plusSeconds(1).toString());
    i.setOutcome("Recovered");
    w.status.getRecovery().setHistory(List.of(i));
  }

  /**
   * The JobManager Deployment's template keeps off {@code node}; {@code taken} by its controller.
   */
  private static void keptOff(RecoveryWorld w, String node, boolean taken) {
    var jm = w.jobManager;
    w.jobManager =
        new JobManagerDeployment(
            jm.specHash(),
            jm.serial(),
            jm.jobId(),
            jm.readyReplicas(),
            jm.terminating(),
            jm.recoveryAttempt(),
            java.util.Set.of(node),
            taken);
  }

  /** The pod is being deleted (its ReplicaSet let it go). */
  private static void deleting(RecoveryWorld w, String name) {
    w.pods.replaceAll(
        p ->
            p.name().equals(name)
                ? new PodView(
                    p.name(),
                    p.role(),
                    p.node(),
                    p.phase(),
                    p.ready(),
                    NOW.minusSeconds(1),
                    p.failure(),
                    p.failedAt(),
                    p.createdAt())
                : p);
  }

  private static Incident incident(RecoveryWorld w, Reason reason, RecoveryAction action) {
    Incident i = new Incident();
    i.setId(1L);
    i.setReason(reason.value());
    i.setDetail("test");
    i.setDetectedAt(NOW.minusSeconds(5).toString());
    i.setAction(action.value());
    i.setAttempts(action == RecoveryAction.REDEPLOY ? 1 : 0);
    i.setTargetCheckpointId(12L);
    i.setObservedState("RUNNING"); // what polls since the incident said; rows change it
    if (reason == Reason.NODE_LOST || reason == Reason.JOB_MANAGER_LOST) {
      i.setPod("orders-jm");
    }
    w.status.getRecovery().setCurrent(i);
    return i;
  }

  private static JobManagerDeployment stamped(Incident i) {
    return new JobManagerDeployment(
        RecoveryWorld.HASH, 1L, RecoveryWorld.JOB_ID, 1, false, RecoveryAttempts.of(i));
  }

  private static Consumer<Decision> opened(Reason reason, RecoveryAction action) {
    return d -> {
      assertThat(d).isInstanceOf(OpenIncident.class);
      OpenIncident open = (OpenIncident) d;
      assertThat(open.signal().reason()).isEqualTo(reason);
      assertThat(open.action()).isEqualTo(action);
    };
  }

  private static Row row(
      String name, Consumer<RecoveryWorld> setup, Class<? extends Decision> type) {
    return new Row(name, setup, d -> assertThat(d).isInstanceOf(type));
  }

  private static Row row(String name, Consumer<RecoveryWorld> setup, Consumer<Decision> expect) {
    return new Row(name, setup, expect);
  }

  private record Row(String name, Consumer<RecoveryWorld> setup, Consumer<Decision> expect) {
    DynamicTest test() {
      return dynamicTest(
          name,
          () -> {
            RecoveryWorld w = new RecoveryWorld();
            setup.accept(w);
            Decision d = w.decide();
            assertThat(d).as(name).isNotNull();
            try {
              expect.accept(d);
            } catch (AssertionError e) {
              throw new AssertionError(name + ": got " + d, e);
            }
          });
    }
  }
}
