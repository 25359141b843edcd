package dev.flinkresilience.operator.observe.ha;

import dev.flinkresilience.operator.decide.CheckpointPaths;
import dev.flinkresilience.operator.decide.FlinkCheckpoint;
import dev.flinkresilience.operator.decide.HaStoreView;
import dev.flinkresilience.operator.observe.FlinkPoller;
import dev.flinkresilience.operator.observe.PollTarget;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Reads one job's view of Flink's ZooKeeper HA store, strictly read-only: {@code getChildren},
 * {@code checkExists} and {@code getData}, no watches, no namespace (Curator creates a namespace's
 * node on first use), never Flink's locks. One client per quorum, kept between reads. Every read is
 * bounded by the timeout: a slow or unreachable ensemble gives {@code UNAVAILABLE}, not a blocked
 * caller. Only a new client's first read waits for its connection; once connected, a client that
 * has lost its ensemble answers {@code UNAVAILABLE} at once until Curator has reconnected, so an
 * ensemble that is away costs no thread per job ({@link #READ_THREADS}).
 *
 * <p>The quorum comes from a tenant's spec, so the cache of clients is bounded too: a client unused
 * for {@code idleAfter} is closed, and beyond {@code maxClients} the least recently used one is
 * closed, so a tenant cycling quorum strings cannot make the operator hold a connection (and a
 * Curator thread pair) per string. Both are checked on each read, without a thread of their own.
 *
 * <p>{@code completedAt} is the checkpoint node's creation time on the ZooKeeper server: Flink
 * creates it once the checkpoint is complete and its metadata written, so it is the completion time
 * as the server's clock saw it, a little later than Flink's own timestamp.
 */
public final class ZooKeeperHaStoreReader implements FlinkPoller.ZooKeeperReader {
  /** Longer than any poll interval, so a quorum in use is never dropped between two polls. */
  public static final Duration IDLE_AFTER = Duration.ofMinutes(10);

  /**
   * Far above the ensembles one operator's jobs share in practice (usually one per cluster); each
   * client holds a socket and two threads.
   */
  public static final int MAX_CLIENTS = 256;

  private final Duration timeout;
  private final Duration idleAfter;
  private final int maxClients;
  private final Clock clock;

  /** Guarded by itself; in access order, so the first entry is the least recently used. */
  private final LinkedHashMap<String, Cached> clients = new LinkedHashMap<>(16, 0.75f, true);

  /**
   * The threads that run the reads, so that a read which outlasts its bound can be abandoned. A
   * fixed number: a cached pool started a thread per waiting read, and with an ensemble away every
   * read waited its whole bound (2 s), so 5,000 ZooKeeper-HA jobs polled every 5 s held about 2,000
   * threads here (and as many in the poller). A read no longer waits for a client that has
   * connected before and is disconnected now (below), so reads are short and these suffice.
   */
  public static final int READ_THREADS = 16;

  private final ThreadPoolExecutor reads = readThreads();

  public ZooKeeperHaStoreReader(Duration timeout) {
    this(timeout, IDLE_AFTER, MAX_CLIENTS, Clock.systemUTC());
  }

  /**
   * @param idleAfter a client unused this long is closed
   * @param maxClients the most clients kept open; the least recently used goes first
   */
  public ZooKeeperHaStoreReader(Duration timeout, Duration idleAfter, int maxClients, Clock clock) {
    if (maxClients < 1) {
      throw new IllegalArgumentException("maxClients must be at least 1");
    }
    this.timeout = timeout;
    this.idleAfter = idleAfter;
    this.maxClients = maxClients;
    this.clock = clock;
  }

  /** How many clients are open now. */
  int openClients() {
    synchronized (clients) {
      return clients.size();
    }
  }

  /** The poller's read: the job's location as the running spec gives it. */
  @Override
  public HaStoreView read(PollTarget.ZooKeeperHa at, String jobId) {
    return read(at.quorum(), at.rootPath(), at.haClusterId(), jobId, at.checkpointDirectory());
  }

  /**
   * @param quorum {@code high-availability.zookeeper.quorum}
   * @param rootPath {@code high-availability.zookeeper.path.root}
   * @param haClusterId {@code high-availability.cluster-id}
   * @param jobId the job id the operator fixed for the job
   * @param checkpointDirectory the job's {@code execution.checkpointing.dir}
   */
  public HaStoreView read(
      String quorum,
      String rootPath,
      String haClusterId,
      String jobId,
      String checkpointDirectory) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Cached cached = client(quorum);
    CuratorFramework zk = cached.client;
    // Only a new client's first read waits for the connection. One that connected before and is
    // disconnected now answers at once: Curator reconnects in the background, and a read per job
    // waiting out its bound while the ensemble is away is what made the threads grow with the jobs.
    if (!zk.getZookeeperClient().isConnected() && !cached.firstWait.compareAndSet(false, true)) {
      return notConnected(quorum);
    }
    Future<HaStoreView> read =
        reads.submit(
            () -> {
              if (!zk.blockUntilConnected((int) remainingMillis(deadline), TimeUnit.MILLISECONDS)) {
                return unreachable(quorum);
              }
              return view(zk, rootPath, haClusterId, jobId, checkpointDirectory);
            });
    try {
      return read.get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      read.cancel(true);
      return unreachable(quorum);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof KeeperException.NoAuthException) {
        // Flink's ACL creator: only its own authenticated client may read. Reported, never
        // retried harder: the next poll asks again at the usual pace.
        return HaStoreView.unavailable(
            "ZooKeeper "
                + quorum
                + " refuses to let the operator read Flink's HA data (NoAuth: the znodes' ACL"
                + " admits only the client that created them, as with acl creator)");
      }
      return HaStoreView.unavailable(
          "reading Flink's HA data from ZooKeeper " + quorum + " failed: " + e.getCause());
    } catch (InterruptedException e) {
      read.cancel(true);
      Thread.currentThread().interrupt();
      return HaStoreView.unavailable("reading ZooKeeper " + quorum + " was interrupted");
    }
  }

  private static HaStoreView view(
      CuratorFramework zk, String root, String clusterId, String jobId, String checkpointDir)
      throws Exception {
    List<FlinkCheckpoint> checkpoints = new ArrayList<>();
    String parent = ZooKeeperHaLayout.checkpointsPath(root, clusterId, jobId);
    for (String child : childrenOrNone(zk, parent)) {
      OptionalLong id = ZooKeeperHaLayout.checkpointId(child);
      Stat stat = id.isPresent() ? zk.checkExists().forPath(parent + "/" + child) : null;
      // Gone since the listing, or marked for deletion (its locks node removed).
      if (stat == null || stat.getNumChildren() == 0) {
        continue;
      }
      long value = id.getAsLong();
      checkpoints.add(
          FlinkCheckpoint.at(
              value,
              CheckpointPaths.of(checkpointDir, jobId, value),
              Instant.ofEpochMilli(stat.getCtime())));
    }
    String leader = null;
    try {
      leader =
          ZooKeeperHaLayout.leaderAddress(
              zk.getData().forPath(ZooKeeperHaLayout.restServerLeaderPath(root, clusterId)));
    } catch (KeeperException.NoNodeException noLeader) {
      // No leader published (yet, or any more).
    }
    return new HaStoreView(HaStoreView.State.READ, checkpoints, leader, null);
  }

  private static List<String> childrenOrNone(CuratorFramework zk, String path) throws Exception {
    try {
      return zk.getChildren().forPath(path);
    } catch (KeeperException.NoNodeException none) {
      return List.of();
    }
  }

  /** The quorum's client, created on first use; closes the idle and the surplus ones first. */
  private Cached client(String quorum) {
    List<CuratorFramework> closing = new ArrayList<>();
    Cached zk;
    synchronized (clients) {
      Instant now = clock.instant();
      Instant idleSince = now.minus(idleAfter);
      for (var it = clients.values().iterator(); it.hasNext(); ) {
        Cached c = it.next();
        if (!c.lastUsed.isAfter(idleSince)) {
          closing.add(c.client);
          it.remove();
        }
      }
      Cached cached = clients.get(quorum);
      if (cached == null) {
        cached = new Cached(newClient(quorum));
        clients.put(quorum, cached);
        for (var it = clients.values().iterator(); clients.size() > maxClients; ) {
          closing.add(it.next().client);
          it.remove();
        }
      }
      cached.lastUsed = now;
      zk = cached;
    }
    // Outside the lock: closing a client waits for its threads.
    closing.forEach(CuratorFramework::close);
    return zk;
  }

  private CuratorFramework newClient(String quorum) {
    int timeoutMs = (int) Math.max(1, timeout.toMillis());
    CuratorFramework zk =
        CuratorFrameworkFactory.builder()
            .connectString(quorum)
            .connectionTimeoutMs(timeoutMs)
            .sessionTimeoutMs(Math.max(timeoutMs * 5, 10_000))
            // The poller calls again; retrying here would only outlast the bound.
            .retryPolicy(new RetryNTimes(0, 0))
            // Reading needs no quorum: a partitioned read-only server will do.
            .canBeReadOnly(true)
            // Tracking the ensemble sets a config watch; nothing here needs it.
            .ensembleTracker(false)
            .build();
    zk.start();
    return zk;
  }

  /** A cached client, when a read last took it, and whether a read has waited for it. */
  private static final class Cached {
    final CuratorFramework client;
    Instant lastUsed;

    /** Set by the one read that may wait for the connection: the first. */
    final AtomicBoolean firstWait = new AtomicBoolean();

    Cached(CuratorFramework client) {
      this.client = client;
    }
  }

  private HaStoreView unreachable(String quorum) {
    return HaStoreView.unavailable(
        "ZooKeeper " + quorum + " did not answer within " + timeout.toMillis() + " ms");
  }

  private HaStoreView notConnected(String quorum) {
    return HaStoreView.unavailable(
        "ZooKeeper " + quorum + " is not connected (the operator's client reconnects by itself)");
  }

  private static ThreadPoolExecutor readThreads() {
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            READ_THREADS,
            READ_THREADS,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "zookeeper-ha-read");
              t.setDaemon(true);
              return t;
            });
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  private static long remainingMillis(long deadlineNanos) {
    return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
  }

  /** Closes every cached client; reads after this fail. */
  @Override
  public void close() {
    reads.shutdownNow();
    List<CuratorFramework> open;
    synchronized (clients) {
      open = clients.values().stream().map(c -> c.client).toList();
      clients.clear();
    }
    open.forEach(CuratorFramework::close);
  }
}
