/**
 * Decisions: pure code. Observed state, the checked spec and the status go in; a typed {@link
 * dev.flinkresilience.operator.decide.Decision} comes out. Nothing here talks to Kubernetes or
 * Flink, reads a clock or mutates its input (ArchitectureTest enforces the imports).
 *
 * <p>Lifecycle of one job (issue 2 scope; recovery decisions extend it):
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
 *                                  DeleteCluster ──► AwaitTeardown (pods still present)
 *                                                         │
 *                                                         └─ desired suspended ──► FinishSuspend
 * </pre>
 *
 * A JobManager Deployment that disappears while no operation is recorded is deployed again
 * (Recreate) with the same job id.
 */
package dev.flinkresilience.operator.decide;
