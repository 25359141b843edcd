package dev.flinkresilience.operator.observe.ha;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * Where Flink's ZooKeeper HA services keep their znodes and how they encode them, as read from
 * Flink's own code (1.20 and 2.3): {@code ZooKeeperUtils} (namespace {@code
 * <high-availability.zookeeper.path.root>/<high-availability.cluster-id>}, {@code /jobs/<job
 * id>/checkpoints}, {@code /leader/rest_server/connection_info}, the leader encoding), {@code
 * ZooKeeperCheckpointStoreUtil} (checkpoint node names {@code %019d}) and {@code
 * ZooKeeperStateHandleStore} (an entry without children has lost its {@code locks} node: it is
 * marked for deletion and Flink does not recover from it). The reader and the cleaner both use it.
 */
public final class ZooKeeperHaLayout {
  private ZooKeeperHaLayout() {}

  /**
   * The cluster's subtree. Like Flink's {@code generateZookeeperPath}, slashes around and between
   * the parts do not matter: {@code ("/flink/", "/ns/name")} is {@code /flink/ns/name}.
   */
  public static String clusterPath(String rootPath, String haClusterId) {
    return "/"
        + Arrays.stream((rootPath + "/" + haClusterId).split("/"))
            .filter(s -> !s.isEmpty())
            .collect(Collectors.joining("/"));
  }

  /** The parent of the job's retained checkpoints, one child per checkpoint. */
  public static String checkpointsPath(String rootPath, String haClusterId, String jobId) {
    return clusterPath(rootPath, haClusterId) + "/jobs/" + jobId + "/checkpoints";
  }

  /** The REST server's leader connection information. */
  public static String restServerLeaderPath(String rootPath, String haClusterId) {
    return clusterPath(rootPath, haClusterId) + "/leader/rest_server/connection_info";
  }

  /** {@code 0000000000000000042} → 42; empty for any other node name. */
  public static OptionalLong checkpointId(String nodeName) {
    return nodeName == null ? OptionalLong.empty() : KubernetesHaLayout.digits(nodeName);
  }

  /**
   * The address in a leader node: Flink writes it with an {@code ObjectOutputStream} as {@code
   * writeUTF(address)} then {@code writeObject(sessionId)}. Only the first, a plain string, is
   * read; the object after it is never deserialized. Null for no data (Flink writes none when there
   * is no leader) or anything else.
   */
  public static String leaderAddress(byte[] data) {
    if (data == null || data.length == 0) {
      return null;
    }
    try (var in = new ObjectInputStream(new ByteArrayInputStream(data))) {
      String address = in.readUTF().trim();
      return address.isEmpty() ? null : address;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
