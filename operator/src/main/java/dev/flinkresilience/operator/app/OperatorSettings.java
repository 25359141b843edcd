package dev.flinkresilience.operator.app;

import dev.flinkresilience.operator.decide.MassLoss;
import dev.flinkresilience.operator.observe.JobManagerAddress;
import dev.flinkresilience.operator.observe.storage.StorageAccess;
import dev.flinkresilience.operator.reconcile.PollPacing;
import dev.flinkresilience.operator.reconcile.ProgressWrites;
import dev.flinkresilience.operator.validate.TenantPolicy;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How the operator runs.
 *
 * @param namespaces namespaces to watch; empty for all
 * @param polling how often Flink's REST API is polled
 * @param jobManagerAddress how the JobManager's REST API is reached
 * @param healthPort port of /healthz, /readyz and /metrics; 0 for any free port, {@link #NO_HTTP}
 *     for no HTTP server (tests that do not need it)
 * @param leaderElection present: only the holder of the Lease reconciles
 * @param nodeDetection watch Nodes and their Leases to detect lost nodes (DESIGN.md §5.1); off, the
 *     operator needs no cluster-wide read and a lost node is noticed only when Kubernetes itself
 *     evicts its pods (the baseline the chaos benchmark compares against)
 * @param tenantPolicy what a job's author may ask for (pod security level, service accounts)
 * @param massLossFraction the mass-loss guard holds every node loss when more than this fraction of
 *     the nodes look lost at once (DESIGN.md §5.6); in (0, 1]
 * @param jobSelector a label selector: only FlinkResilientJobs matching it are this operator's;
 *     empty for all. With disjoint selectors (or namespaces) and a Lease each, several operators
 *     split the jobs between them (docs/operations.md, Sharding)
 * @param storage Flink's file system plugins and the operator's own file system configuration, with
 *     which it reads checkpoint storage (never a job's {@code s3.*} keys)
 * @param checkpointStatusRate status writes per second, across all jobs, that carry checkpoint
 *     progress alone ({@link ProgressWrites}); 0 writes every checkpoint at once
 * @param taintLostNodes taint a lost node before releasing a JobManager from it (NodeView's
 *     LOST_TAINT, lifted when its Lease renews again), so that the replacement lands elsewhere at
 *     once; off, or refused by RBAC, the JobManager Deployment is kept off the node instead (a
 *     rollout per job, the Deployment controller's pace)
 */
public record OperatorSettings(
    List<String> namespaces,
    PollPacing polling,
    JobManagerAddress.Rule jobManagerAddress,
    int healthPort,
    Optional<LeaderElectionSettings> leaderElection,
    boolean nodeDetection,
    TenantPolicy tenantPolicy,
    double massLossFraction,
    String jobSelector,
    StorageAccess storage,
    double checkpointStatusRate,
    boolean taintLostNodes) {
  public static final int NO_HTTP = -1;

  public OperatorSettings {
    namespaces = List.copyOf(namespaces);
    jobSelector = jobSelector == null ? "" : jobSelector.trim();
    storage = storage == null ? StorageAccess.LOCAL_ONLY : storage;
    java.util.Objects.requireNonNull(tenantPolicy, "tenantPolicy");
    if (!(massLossFraction > 0 && massLossFraction <= 1)) {
      throw new IllegalArgumentException(
          "the mass-loss fraction must be above 0 and at most 1: " + massLossFraction);
    }
    if (!(checkpointStatusRate >= 0) || Double.isInfinite(checkpointStatusRate)) {
      throw new IllegalArgumentException(
          "the checkpoint status rate must be 0 or more: " + checkpointStatusRate);
    }
    if (healthPort < NO_HTTP || healthPort > 65535) {
      throw new IllegalArgumentException("health port out of range: " + healthPort);
    }
  }

  public static OperatorSettings allNamespaces() {
    return new OperatorSettings(
        List.of(),
        PollPacing.DEFAULT,
        JobManagerAddress.Rule.POD_IP,
        NO_HTTP,
        Optional.empty(),
        true,
        TenantPolicy.DEFAULT,
        MassLoss.DEFAULT_FRACTION,
        "",
        StorageAccess.LOCAL_ONLY,
        ProgressWrites.DEFAULT_RATE,
        true);
  }

  public OperatorSettings withPolling(PollPacing polling) {
    return copy(b -> b.polling = polling);
  }

  public OperatorSettings withNamespaces(List<String> namespaces) {
    return copy(b -> b.namespaces = namespaces);
  }

  public OperatorSettings withJobManagerAddress(JobManagerAddress.Rule mode) {
    return copy(b -> b.jobManagerAddress = mode);
  }

  public OperatorSettings withHealthPort(int port) {
    return copy(b -> b.healthPort = port);
  }

  public OperatorSettings withLeaderElection(LeaderElectionSettings election) {
    return copy(b -> b.leaderElection = Optional.of(election));
  }

  public OperatorSettings withNodeDetection(boolean on) {
    return copy(b -> b.nodeDetection = on);
  }

  public OperatorSettings withMassLossFraction(double fraction) {
    return copy(b -> b.massLossFraction = fraction);
  }

  public OperatorSettings withTenantPolicy(TenantPolicy policy) {
    return copy(b -> b.tenantPolicy = policy);
  }

  public OperatorSettings withJobSelector(String selector) {
    return copy(b -> b.jobSelector = selector);
  }

  public OperatorSettings withStorage(StorageAccess access) {
    return copy(b -> b.storage = access);
  }

  public OperatorSettings withCheckpointStatusRate(double perSecond) {
    return copy(b -> b.checkpointStatusRate = perSecond);
  }

  public OperatorSettings withTaintLostNodes(boolean taint) {
    return copy(b -> b.taintLostNodes = taint);
  }

  /** These settings with one changed: each {@code with} method names only its own field. */
  private OperatorSettings copy(Consumer<Copy> change) {
    Copy c = new Copy(this);
    change.accept(c);
    return c.build();
  }

  private static final class Copy {
    List<String> namespaces;
    PollPacing polling;
    JobManagerAddress.Rule jobManagerAddress;
    int healthPort;
    Optional<LeaderElectionSettings> leaderElection;
    boolean nodeDetection;
    TenantPolicy tenantPolicy;
    double massLossFraction;
    String jobSelector;
    StorageAccess storage;
    double checkpointStatusRate;
    boolean taintLostNodes;

    Copy(OperatorSettings s) {
      namespaces = s.namespaces;
      polling = s.polling;
      jobManagerAddress = s.jobManagerAddress;
      healthPort = s.healthPort;
      leaderElection = s.leaderElection;
      nodeDetection = s.nodeDetection;
      tenantPolicy = s.tenantPolicy;
      massLossFraction = s.massLossFraction;
      jobSelector = s.jobSelector;
      storage = s.storage;
      checkpointStatusRate = s.checkpointStatusRate;
      taintLostNodes = s.taintLostNodes;
    }

    OperatorSettings build() {
      return new OperatorSettings(
          namespaces,
          polling,
          jobManagerAddress,
          healthPort,
          leaderElection,
          nodeDetection,
          tenantPolicy,
          massLossFraction,
          jobSelector,
          storage,
          checkpointStatusRate,
          taintLostNodes);
    }
  }
}
