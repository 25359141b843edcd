/**
 * Decisions: pure code. Observed state, the checked spec and the status go in; a typed {@link
 * dev.flinkresilience.operator.decide.Decision} comes out. Nothing here talks to Kubernetes or
 * Flink, reads a clock or mutates its input (ArchitectureTest enforces the imports).
 *
 * <p>Lifecycle of one job:
 *
 * <pre>
 *                 spec invalid (any state) ──► RejectSpec: cluster untouched, Ready=False InvalidSpec
 *
 *   (no cluster) ──Deploy(Initial)──► cluster running ◄──────────────── Deploy(Upgrade|Resume)
 *                                        │                                      ▲
 *                      spec hash changed │ job.state=suspended                 │ no JM Deployment,
 *                                        ▼                                      │ no pods left
 *                         BeginOperation(Upgrade|Suspend)   ── status.operation written first (WAL)
 *                                        │
 *                                        ▼
 *               upgradeMode savepoint: StopWithSavepoint (its own diagram): trigger id into status,
 *               stop through Flink, SavepointTaken into status; or a fallback to last-state
 *                                        │
 *                                        ▼
 *                                  DeleteCluster ──► AwaitTeardown (pods still present)
 *                                                         │
 *                                                         └─ desired suspended ──► FinishSuspend
 * </pre>
 *
 * The deployment after the teardown starts from the stop's savepoint ({@code
 * status.finalSavepoint}), from empty state for {@code upgradeMode: stateless}, or else from the
 * newest checkpoint in the storage ({@link dev.flinkresilience.operator.decide.RestorePoints}).
 *
 * <p>A JobManager Deployment that disappears while no operation is recorded is deployed again
 * (Recreate) with the same job id.
 *
 * <p>While the current spec runs with nothing else to do (no operation, no incident), {@link
 * dev.flinkresilience.operator.decide.SavepointSchedule} takes savepoints that leave the job
 * running ({@code savepointNonce}, {@code savepointInterval}; its own diagram) and {@link
 * dev.flinkresilience.operator.decide.SavepointRetention} disposes old ones: {@link
 * dev.flinkresilience.operator.decide.Decision.Housekeeping} decisions, reported as Steady is.
 *
 * <p>While the current spec runs, {@link dev.flinkresilience.operator.decide.RecoveryPlanner} takes
 * over: {@link dev.flinkresilience.operator.decide.Signals} detects failures, the incident in
 * {@code status.recovery.current} drives Verify or Redeploy (its own diagram), and {@link
 * dev.flinkresilience.operator.decide.RestorePoints} chooses where a deployment starts from. A spec
 * changed during an incident supersedes it with an Upgrade; a spent budget holds the job Failed
 * until the spec changes.
 */
package dev.flinkresilience.operator.decide;
