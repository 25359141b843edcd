package dev.flinkresilience.operator.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;

/** Znode trees as Flink leaves them, for tests against an embedded ZooKeeper. */
public final class ZooKeeperTrees {
  private static final ACLProvider CREATOR_ONLY =
      new ACLProvider() {
        @Override
        public List<ACL> getDefaultAcl() {
          return ZooDefs.Ids.CREATOR_ALL_ACL;
        }

        @Override
        public List<ACL> getAclForPath(String p) {
          return ZooDefs.Ids.CREATOR_ALL_ACL;
        }
      };

  private ZooKeeperTrees() {}

  /**
   * A tree as Flink leaves it with {@code high-availability.zookeeper.client.acl: creator}: every
   * node created by an authenticated client (digest here, SASL in production) with CREATOR_ALL_ACL,
   * so no other client may read or delete it.
   */
  public static void createWithAclCreator(String connectString, String path) throws Exception {
    try (CuratorFramework flink = creator(connectString)) {
      flink.start();
      flink.create().creatingParentsIfNeeded().forPath(path, new byte[] {1});
    }
  }

  /** Whether {@code path} exists, asked as the client that created it with ACL creator. */
  public static boolean existsAsCreator(String connectString, String path) throws Exception {
    try (CuratorFramework flink = creator(connectString)) {
      flink.start();
      return flink.checkExists().forPath(path) != null;
    }
  }

  private static CuratorFramework creator(String connectString) {
    return CuratorFrameworkFactory.builder()
        .connectString(connectString)
        .retryPolicy(new RetryOneTime(100))
        .authorization("digest", "flink:secret".getBytes(StandardCharsets.UTF_8))
        .aclProvider(CREATOR_ONLY)
        .build();
  }
}
