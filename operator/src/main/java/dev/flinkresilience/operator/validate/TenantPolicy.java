package dev.flinkresilience.operator.validate;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the operator lets a job's author ask for, beyond what the spec's own rules allow: the pod
 * security level pod templates and pass-through keys are held to, and which service accounts a job
 * may run as. Set once by the operator's administrator (flags, environment, chart values) and the
 * same for every job the operator serves; {@code render} applies it too, so a pull request sees the
 * verdict the operator will give.
 *
 * @param podSecurity the Pod Security Standards level of every pod the operator creates
 * @param allowedServiceAccounts patterns for {@code spec.serviceAccount}, each {@code name} or
 *     {@code namespace/name} with {@code *} as a wildcard; empty allows any (but never the
 *     operator's own account). An empty {@code spec.serviceAccount} (the operator creates {@code
 *     <name>-flink}) is always allowed.
 * @param operatorAccount the operator's own service account, when it runs in a cluster
 * @param leaseRenewal how often the cluster's kubelets renew their node Leases (10 s by default in
 *     Kubernetes): node-loss thresholds below what a renewal can show are refused, since a healthy
 *     node would look lost between two renewals
 */
public record TenantPolicy(
    PodSecurityLevel podSecurity,
    List<String> allowedServiceAccounts,
    Optional<ServiceAccountRef> operatorAccount,
    Duration leaseRenewal) {

  /** Kubernetes' kubelet renews its Lease every 10 s (a quarter of its 40 s duration). */
  public static final Duration KUBELET_LEASE_RENEWAL = Duration.ofSeconds(10);

  /** What an operator started without policy flags enforces. */
  public static final TenantPolicy DEFAULT =
      new TenantPolicy(
          PodSecurityLevel.BASELINE, List.of(), Optional.empty(), KUBELET_LEASE_RENEWAL);

  public TenantPolicy {
    Objects.requireNonNull(podSecurity, "podSecurity");
    allowedServiceAccounts = List.copyOf(allowedServiceAccounts);
    Objects.requireNonNull(operatorAccount, "operatorAccount");
    Objects.requireNonNull(leaseRenewal, "leaseRenewal");
  }

  public TenantPolicy withPodSecurity(PodSecurityLevel level) {
    return new TenantPolicy(level, allowedServiceAccounts, operatorAccount, leaseRenewal);
  }

  public TenantPolicy withAllowedServiceAccounts(List<String> patterns) {
    return new TenantPolicy(podSecurity, patterns, operatorAccount, leaseRenewal);
  }

  public TenantPolicy withOperatorAccount(ServiceAccountRef account) {
    return new TenantPolicy(
        podSecurity, allowedServiceAccounts, Optional.of(account), leaseRenewal);
  }

  public TenantPolicy withLeaseRenewal(Duration renewal) {
    return new TenantPolicy(podSecurity, allowedServiceAccounts, operatorAccount, renewal);
  }

  /** A service account by namespace and name. */
  public record ServiceAccountRef(String namespace, String name) {
    public ServiceAccountRef {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(name, "name");
    }

    @Override
    public String toString() {
      return namespace + "/" + name;
    }
  }
}
