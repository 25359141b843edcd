package dev.flinkresilience.operator.app;

import dev.flinkresilience.operator.decide.MassLoss;
import dev.flinkresilience.operator.observe.JobManagerAddress;
import dev.flinkresilience.operator.observe.storage.StorageAccess;
import dev.flinkresilience.operator.reconcile.PollPacing;
import dev.flinkresilience.operator.validate.TenantPolicy;
import java.util.List;
import java.util.Optional;

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
    StorageAccess storage) {
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
        StorageAccess.LOCAL_ONLY);
  }

  public OperatorSettings withPolling(PollPacing polling) {
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
        storage);
  }

  public OperatorSettings withNamespaces(List<String> namespaces) {
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
        storage);
  }

  public OperatorSettings withJobManagerAddress(JobManagerAddress.Rule mode) {
    return new OperatorSettings(
        namespaces,
        polling,
        mode,
        healthPort,
        leaderElection,
        nodeDetection,
        tenantPolicy,
        massLossFraction,
        jobSelector,
        storage);
  }

  public OperatorSettings withHealthPort(int port) {
    return new OperatorSettings(
        namespaces,
        polling,
        jobManagerAddress,
        port,
        leaderElection,
        nodeDetection,
        tenantPolicy,
        massLossFraction,
        jobSelector,
        storage);
  }

  public OperatorSettings withLeaderElection(LeaderElectionSettings election) {
    return new OperatorSettings(
        namespaces,
        polling,
        jobManagerAddress,
        healthPort,
        Optional.of(election),
        nodeDetection,
        tenantPolicy,
        massLossFraction,
        jobSelector,
        storage);
  }

  public OperatorSettings withNodeDetection(boolean on) {
    return new OperatorSettings(
        namespaces,
        polling,
        jobManagerAddress,
        healthPort,
        leaderElection,
        on,
        tenantPolicy,
        massLossFraction,
        jobSelector,
        storage);
  }

  public OperatorSettings withMassLossFraction(double fraction) {
    return new OperatorSettings(
        namespaces,
        polling,
        jobManagerAddress,
        healthPort,
        leaderElection,
        nodeDetection,
        tenantPolicy,
        fraction,
        jobSelector,
        storage);
  }

  public OperatorSettings withTenantPolicy(TenantPolicy policy) {
    return new OperatorSettings(
        namespaces,
        polling,
        jobManagerAddress,
        healthPort,
        leaderElection,
        nodeDetection,
        policy,
        massLossFraction,
        jobSelector,
        storage);
  }

  public OperatorSettings withJobSelector(String selector) {
    return new OperatorSettings(
        namespaces,
        polling,
        jobManagerAddress,
        healthPort,
        leaderElection,
        nodeDetection,
        tenantPolicy,
        massLossFraction,
        selector,
        storage);
  }

  public OperatorSettings withStorage(StorageAccess access) {
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
        access);
  }
}
