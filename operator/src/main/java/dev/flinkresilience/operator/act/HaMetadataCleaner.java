package dev.flinkresilience.operator.act;

import dev.flinkresilience.operator.observe.ha.KubernetesHaLayout;
import dev.flinkresilience.operator.observe.ha.ZooKeeperHaLayout;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes Flink's HA metadata of a cluster, and only when its FlinkResilientJob is deleted: during
 * the job's life it is what Flink (and the operator) recover from. Checkpoints themselves are never
 * touched.
 */
public final class HaMetadataCleaner {
  private static final Logger LOG = LoggerFactory.getLogger(HaMetadataCleaner.class);
  private static final int ZK_TIMEOUT_MS = 5_000;

  private final KubernetesClient client;

  public HaMetadataCleaner(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Flink's Kubernetes HA ConfigMaps of {@code clusterId}: selected by the labels every Flink
   * version gives them, then by name, since Flink 2 no longer labels them {@code
   * configmap-type=high-availability} and its other ConfigMaps carry the same labels.
   */
  public void deleteKubernetesHa(String namespace, String clusterId) {
    var configMaps = client.configMaps().inNamespace(namespace);
    for (ConfigMap cm :
        configMaps.withLabels(KubernetesHaLayout.labels(clusterId)).list().getItems()) {
      String name = cm.getMetadata().getName();
      if (KubernetesHaLayout.isHaConfigMap(clusterId, name)) {
        configMaps.withName(name).delete();
        LOG.info("deleted Kubernetes HA ConfigMap {}/{}", namespace, name);
      }
    }
  }

  /**
   * Before a cluster with a new job id starts where an older one ran: Flink would recover the old
   * job's execution plan and application from these ConfigMaps and fail the new job ("Base job ID
   * ... is not found in the recovered jobs"). Deletes every HA ConfigMap of {@code clusterId} but
   * the checkpoint pointers of {@code keepJobId}, the job just stopped, which stay a restore-point
   * source until the new job has a checkpoint of its own; older jobs' pointers go.
   */
  public void clearKubernetesHaForNewJob(String namespace, String clusterId, String keepJobId) {
    var configMaps = client.configMaps().inNamespace(namespace);
    String keep = KubernetesHaLayout.jobConfigMap(clusterId, keepJobId);
    for (ConfigMap cm :
        configMaps.withLabels(KubernetesHaLayout.labels(clusterId)).list().getItems()) {
      String name = cm.getMetadata().getName();
      if (KubernetesHaLayout.isHaConfigMap(clusterId, name) && !name.equals(keep)) {
        configMaps.withName(name).delete();
        LOG.info("deleted Kubernetes HA ConfigMap {}/{} before a new job", namespace, name);
      }
    }
  }

  /**
   * The same for ZooKeeper: every znode under the cluster's path but {@code jobs/<keepJobId>} (its
   * checkpoint pointers).
   *
   * @throws NotPermitted when ZooKeeper refuses the operator (NoAuth)
   */
  public void clearZooKeeperHaForNewJob(
      String quorum, String rootPath, String clusterIdPath, String keepJobId) throws Exception {
    String path = ZooKeeperHaLayout.clusterPath(rootPath, clusterIdPath);
    if (path.equals("/") || path.isBlank()) {
      throw new IllegalArgumentException("refusing to delete the ZooKeeper root");
    }
    try (CuratorFramework zk = connect(quorum)) {
      try {
        if (zk.checkExists().forPath(path) == null) {
          return;
        }
        for (String child : zk.getChildren().forPath(path)) {
          if (child.equals("jobs")) {
            for (String job : zk.getChildren().forPath(path + "/jobs")) {
              if (!job.equals(keepJobId)) {
                zk.delete().deletingChildrenIfNeeded().forPath(path + "/jobs/" + job);
              }
            }
          } else {
            zk.delete().deletingChildrenIfNeeded().forPath(path + "/" + child);
          }
        }
        LOG.info(
            "cleared ZooKeeper HA data at {} before a new job (kept jobs/{})", path, keepJobId);
      } catch (KeeperException.NoAuthException e) {
        throw new NotPermitted(
            "ZooKeeper refuses the operator at "
                + e.getPath()
                + " (NoAuth: the znodes' ACL admits only the client that created them)",
            e);
      }
    }
  }

  private static CuratorFramework connect(String quorum) throws InterruptedException {
    CuratorFramework zk =
        CuratorFrameworkFactory.builder()
            .connectString(quorum)
            .sessionTimeoutMs(ZK_TIMEOUT_MS * 2)
            .connectionTimeoutMs(ZK_TIMEOUT_MS)
            .retryPolicy(new RetryNTimes(1, 200))
            .build();
    zk.start();
    if (!zk.blockUntilConnected(ZK_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
      zk.close();
      throw new IllegalStateException("ZooKeeper " + quorum + " unreachable");
    }
    return zk;
  }

  /**
   * A removal no retry can mend: the operator may not touch the data (ZooKeeper NoAuth, as on a
   * tree Flink created with ACL creator under its own authenticated identity).
   */
  public static final class NotPermitted extends Exception {
    NotPermitted(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The znode tree Flink keeps for the cluster under {@code rootPath + clusterIdPath}. Bounded in
   * time: an unreachable ensemble fails the call, and the finalizer retries later.
   *
   * @throws NotPermitted when ZooKeeper refuses the operator (NoAuth)
   */
  public void deleteZooKeeperHa(String quorum, String rootPath, String clusterIdPath)
      throws Exception {
    String path = ZooKeeperHaLayout.clusterPath(rootPath, clusterIdPath);
    if (path.equals("/") || path.isBlank()) {
      throw new IllegalArgumentException("refusing to delete the ZooKeeper root");
    }
    try (CuratorFramework zk =
        CuratorFrameworkFactory.builder()
            .connectString(quorum)
            .sessionTimeoutMs(ZK_TIMEOUT_MS * 2)
            .connectionTimeoutMs(ZK_TIMEOUT_MS)
            .retryPolicy(new RetryNTimes(1, 200))
            .build()) {
      zk.start();
      if (!zk.blockUntilConnected(ZK_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("ZooKeeper " + quorum + " unreachable");
      }
      try {
        if (zk.checkExists().forPath(path) != null) {
          zk.delete().deletingChildrenIfNeeded().forPath(path);
          LOG.info("deleted ZooKeeper HA data at {}", path);
        }
      } catch (KeeperException.NoAuthException e) {
        throw new NotPermitted(
            "ZooKeeper refuses the operator at "
                + e.getPath()
                + " (NoAuth: the znodes' ACL admits only the client that created them)",
            e);
      }
    }
  }
}
