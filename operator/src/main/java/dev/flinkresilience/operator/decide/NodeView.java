package dev.flinkresilience.operator.decide;

import java.time.Duration;
import java.time.Instant;

/**
 * A node that hosts pods of a job, from the Node and Lease informers.
 *
 * @param name node name
 * @param leaseRenewedAt the last renewal of its Lease in {@code kube-node-lease}, null when unknown
 * @param ready its Ready condition status (True, False, Unknown), null when unknown
 * @param outOfService whether it carries the {@code node.kubernetes.io/out-of-service} taint
 * @param deleted whether the Node object is gone
 * @param lostTaint whether it carries the operator's own {@link #LOST_TAINT}: Kubernetes schedules
 *     nothing there any more, on the operator's word (see LostNodeTaints). Not a sign of loss: the
 *     operator's own conclusion, drawn from the signs this view holds
 * @param judgedLostAt when the node watch first judged it lost for the job this view is for (its
 *     nodeLostAfter), null when it has not: the detection time of a NodeLost incident, which the
 *     job's pass may open later (the reconcile queue)
 */
public record NodeView(
    String name,
    Instant leaseRenewedAt,
    String ready,
    boolean outOfService,
    boolean deleted,
    boolean lostTaint,
    Instant judgedLostAt) {

  public NodeView(
      String name, Instant leaseRenewedAt, String ready, boolean outOfService, boolean deleted) {
    this(name, leaseRenewedAt, ready, outOfService, deleted, false, null);
  }

  /** The same view, judged lost by the node watch at {@code at} (null: not judged lost). */
  public NodeView judgedLostAt(Instant at) {
    return new NodeView(name, leaseRenewedAt, ready, outOfService, deleted, lostTaint, at);
  }

  /** The same view, with or without the operator's {@link #LOST_TAINT}. */
  public NodeView withLostTaint(boolean tainted) {
    return new NodeView(name, leaseRenewedAt, ready, outOfService, deleted, tainted, judgedLostAt);
  }

  public static final String OUT_OF_SERVICE_TAINT = "node.kubernetes.io/out-of-service";

  /**
   * The operator's taint (effect NoSchedule) on a node it released pods from: the replacements land
   * elsewhere at once, instead of waiting about 40 s for Kubernetes' own taint. Lifted when the
   * node's Lease is renewed again.
   */
  public static final String LOST_TAINT = "flinkresilience.dev/lost";

  /**
   * Lost: its kubelet stopped renewing the Lease for longer than {@code lostAfter}, or the Node
   * object says so by itself ({@link #reportedLost()}). A kubelet renews every 10 s; Kubernetes
   * itself waits 40 s to mark a node NotReady and about 5 minutes more to evict its pods.
   */
  public boolean isLost(Duration lostAfter, Instant now) {
    if (reportedLost()) {
      return true;
    }
    return leaseRenewedAt != null && Duration.between(leaseRenewedAt, now).compareTo(lostAfter) > 0;
  }

  /**
   * Lost on the word of the Node object, whatever the Lease shows: gone, fenced, or its kubelet
   * reports it not Ready. Ready Unknown is no such word: the node lifecycle controller writes it
   * when <em>it</em> missed the Lease renewals, and it misses them too when it or the API server
   * was down (after an API server restart it marked healthy nodes Unknown while their kubelets
   * renewed). It is the controller's reading of the Lease, so where the operator reads the Lease
   * itself its own reading decides; Unknown counts only for a node whose Lease is unknown.
   */
  public boolean reportedLost() {
    return deleted
        || outOfService
        || "False".equals(ready)
        || "Unknown".equals(ready) && leaseRenewedAt == null;
  }

  /**
   * Kubernetes no longer places pods on it: the node lifecycle controller marked it not Ready (and
   * tainted it), it is gone, or the operator tainted it ({@link #LOST_TAINT}). Until then the
   * scheduler still takes a dead node for a live one.
   */
  public boolean isUnschedulable() {
    return deleted || outOfService || lostTaint || "False".equals(ready) || "Unknown".equals(ready);
  }

  /**
   * Confirmed gone, so its processes cannot write any more: deleted, or tainted out-of-service by
   * an administrator (the Kubernetes convention for a node known to be shut down).
   */
  public boolean isFenced() {
    return deleted || outOfService;
  }

  /** When it was last known alive: the moment a loss is dated from. */
  public Instant lastSeen() {
    return leaseRenewedAt;
  }
}
