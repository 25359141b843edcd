package dev.flinkresilience.operator.observe;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.decide.FlinkCheckpoint;
import dev.flinkresilience.operator.decide.FlinkObservation;
import dev.flinkresilience.operator.decide.HaStoreView;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;

/**
 * Polls Flink for every tracked job on its own threads, so a slow or dead JobManager never holds a
 * reconcile thread, and wakes the job's reconciler when the answer changes or a poll fails. The
 * reconciler reads the newest result with {@code context.getSecondaryResource(Polled.class)}.
 *
 * <p>One poll at a time per job: a new tick while the last poll is still out is skipped, so a hung
 * JobManager costs at most one pending call (which the REST client's timeout ends).
 */
public final class FlinkPoller extends AbstractEventSource<Polled, FlinkResilientJob>
    implements AutoCloseable {

  /** Reads the job through the REST API; never completes exceptionally. */
  @FunctionalInterface
  public interface RestReader {
    /**
     * {@code previous}: this job's last answer from the same JobManager, or null; a reader may
     * spare calls with it, and more of them when {@code steady} (nothing waits on the job's next
     * checkpoint: {@link PollTarget#checkpointWakes} false).
     */
    CompletableFuture<FlinkObservation> read(
        URI restBase, String jobId, FlinkObservation previous, boolean steady);
  }

  /** Reads the job's ZooKeeper HA data; blocking but bounded in time, never throws. */
  public interface ZooKeeperReader extends AutoCloseable {
    HaStoreView read(PollTarget.ZooKeeperHa location, String jobId);

    @Override
    default void close() {}
  }

  /**
   * Told of a newer completed checkpoint that woke no reconcile: what shows checkpoint progress
   * without a pass (the checkpoint-age metric) follows it here.
   */
  @FunctionalInterface
  public interface QuietCheckpoints {
    void seen(ResourceID job, FlinkCheckpoint checkpoint);

    QuietCheckpoints NONE = (job, checkpoint) -> {};
  }

  private final RestReader rest;
  private final ZooKeeperReader zooKeeper;
  private final Clock clock;
  private final QuietCheckpoints quietCheckpoints;
  private final BooleanSupplier progressPasses;
  private final LongFunction<Duration> steadyFor;
  private final ScheduledExecutorService ticks;
  private final ExecutorService blocking;
  private final Map<ResourceID, Tracked> tracked = new ConcurrentHashMap<>();

  /** A poller whose every change, each checkpoint included, wakes the job. */
  public FlinkPoller(RestReader rest, ZooKeeperReader zooKeeper, Clock clock) {
    this(rest, zooKeeper, clock, QuietCheckpoints.NONE, () -> true);
  }

  /**
   * @param quietCheckpoints told of the checkpoints that woke no pass
   * @param progressPasses asked, for each new checkpoint of a job whose pass does not wait on one
   *     ({@link PollTarget#checkpointWakes()} false), whether a pass may follow it all the same: a
   *     budget shared by all jobs, so that with few jobs status follows every checkpoint and with
   *     thousands the passes for progress alone stay bounded
   */
  public FlinkPoller(
      RestReader rest,
      ZooKeeperReader zooKeeper,
      Clock clock,
      QuietCheckpoints quietCheckpoints,
      BooleanSupplier progressPasses) {
    this(rest, zooKeeper, clock, quietCheckpoints, progressPasses, jobs -> Duration.ZERO);
  }

  /**
   * @param steadyFor the steady interval when this many jobs are polled (PollPacing#steadyFor): a
   *     job whose target is {@link PollTarget#steady} waits the longer of it and its own interval
   *     between polls, counted anew at every poll, so all jobs follow the count at once
   */
  public FlinkPoller(
      RestReader rest,
      ZooKeeperReader zooKeeper,
      Clock clock,
      QuietCheckpoints quietCheckpoints,
      BooleanSupplier progressPasses,
      LongFunction<Duration> steadyFor) {
    super(Polled.class, "flink-poller");
    this.steadyFor = steadyFor;
    this.rest = rest;
    this.zooKeeper = zooKeeper;
    this.clock = clock;
    this.quietCheckpoints = quietCheckpoints;
    this.progressPasses = progressPasses;
    this.ticks = Executors.newSingleThreadScheduledExecutor(daemon("flink-poll-timer"));
    this.blocking = Executors.newFixedThreadPool(ZOOKEEPER_THREADS, daemon("flink-poll-zk"));
  }

  /**
   * The threads that wait on ZooKeeper reads, a fixed number whatever the jobs: a cached pool grew
   * a thread per job while an ensemble was away (each read waiting out its bound). The reader
   * answers at once for a client that lost its ensemble, so reads are short, and a poll whose read
   * waits here waits for a few others' milliseconds.
   */
  static final int ZOOKEEPER_THREADS = 8;

  /**
   * Polls {@code target} for the job from now on. The same target again changes nothing; a new
   * address or job id drops the old result and polls at once; a new interval applies from the next
   * poll.
   */
  public void track(ResourceID job, PollTarget target) {
    if (target.pollsNothing()) {
      forget(job);
      return;
    }
    Tracked current = tracked.get(job);
    if (current != null && current.target.equals(target)) {
      return;
    }
    boolean sameSource =
        current != null
            && Objects.equals(current.target.restBase(), target.restBase())
            && Objects.equals(current.target.jobId(), target.jobId())
            && Objects.equals(current.target.zooKeeper(), target.zooKeeper());
    if (sameSource) {
      // Only the pace changed, or whether a checkpoint wakes the job. Keep the result and any
      // poll still out: replacing the job's state here would start a second call to a JobManager
      // that has not answered the first.
      synchronized (current) {
        boolean samePace = current.target.interval().equals(target.interval());
        current.target = target;
        if (!current.polling && !samePace) {
          current.cancelNext();
          schedule(job, current, every(target));
        }
      }
      return;
    }
    Tracked next = new Tracked(target);
    Tracked previous = tracked.put(job, next);
    if (previous != null) {
      previous.cancel();
    }
    synchronized (next) {
      schedule(job, next, 0);
    }
  }

  /** Stops polling the job (it was deleted, suspended, or has nothing to poll). */
  public void forget(ResourceID job) {
    Tracked gone = tracked.remove(job);
    if (gone != null) {
      gone.cancel();
    }
  }

  /**
   * Whether a new checkpoint of the job is news to its reconciler, as its last pass said: true for
   * a job not polled (nothing known, so anything may be).
   */
  public boolean checkpointWakes(ResourceID job) {
    Tracked t = tracked.get(job);
    return t == null || t.target.checkpointWakes();
  }

  public Optional<Polled> latest(ResourceID job) {
    Tracked t = tracked.get(job);
    return t == null ? Optional.empty() : Optional.ofNullable(t.latest);
  }

  @Override
  public Set<Polled> getSecondaryResources(FlinkResilientJob primary) {
    return latest(ResourceID.fromResource(primary)).map(Set::of).orElse(Set.of());
  }

  @Override
  public void stop() {
    close();
    super.stop();
  }

  @Override
  public void close() {
    tracked.values().forEach(Tracked::cancel);
    tracked.clear();
    ticks.shutdownNow();
    blocking.shutdownNow();
    zooKeeper.close();
  }

  /** Called holding {@code t}'s lock. */
  private void schedule(ResourceID job, Tracked t, long delayMillis) {
    if (ticks.isShutdown()) {
      return;
    }
    t.next = ticks.schedule(() -> poll(job, t), delayMillis, TimeUnit.MILLISECONDS);
  }

  private void poll(ResourceID job, Tracked t) {
    PollTarget target;
    synchronized (t) {
      if (t.cancelled) {
        return;
      }
      t.polling = true;
      target = t.target;
    }
    long started = System.nanoTime();
    // An answer of another JobManager or job tells nothing about this one's calls to spare.
    boolean same =
        t.latest != null
            && Objects.equals(t.latest.target().restBase(), target.restBase())
            && Objects.equals(t.latest.target().jobId(), target.jobId());
    CompletableFuture<FlinkObservation> restPoll = readRest(target, same ? t.latest.rest() : null);
    CompletableFuture<HaStoreView> zkPoll =
        target.zooKeeper() == null
            ? CompletableFuture.completedFuture(null)
            : CompletableFuture.supplyAsync(
                () -> zooKeeper.read(target.zooKeeper(), target.jobId()), blocking);
    restPoll
        .thenCombine(zkPoll, (r, z) -> new Polled(target, r, z))
        .whenComplete(
            (polled, error) -> {
              if (t.cancelled) {
                return;
              }
              if (polled == null) {
                // The readers promise never to fail; if one does, say so rather than go quiet.
                polled = failure(target, error);
              }
              Polled before = t.latest;
              polled = polled.after(before);
              t.latest = polled;
              boolean changed = worthAReconcile(before, polled, true);
              boolean news = changed && worthAReconcile(before, polled, t.target.checkpointWakes());
              if (news || (changed && progressPasses.getAsBoolean())) {
                if (getEventHandler() != null) {
                  getEventHandler().handleEvent(new Event(job));
                }
              } else if (changed) {
                newerCheckpoint(before, polled).ifPresent(c -> quietCheckpoints.seen(job, c));
              }
              synchronized (t) {
                t.polling = false;
                // The interval may have changed while this poll was out. It counts from this
                // poll's start: a call that waited out its time limit (a JobManager on a dead
                // node, or a standby not yet leading, whose REST handlers wait on the old
                // leader) has already waited longer than the interval, and waiting another
                // interval kept the operator blind to a job that ran again (the node-loss
                // benchmark: 1.1 s of the 1.3 s between a standby running the job and the
                // operator's seeing it). Still one call at a time: slow answers never pile up.
                long took = (System.nanoTime() - started) / 1_000_000;
                schedule(job, t, Math.max(0, every(t.target) - took));
              }
            });
  }

  /** Milliseconds between two polls of {@code target}, with the number of jobs polled now. */
  private long every(PollTarget target) {
    long own = target.interval().toMillis();
    return target.steady() ? Math.max(own, steadyFor.apply(tracked.size()).toMillis()) : own;
  }

  /**
   * A reader that throws instead of failing its future would otherwise end this job's polling for
   * good: the exception escapes the timer task and nothing schedules the next poll.
   */
  private CompletableFuture<FlinkObservation> readRest(
      PollTarget target, FlinkObservation previous) {
    if (target.restBase() == null) {
      return CompletableFuture.completedFuture(null);
    }
    try {
      return rest.read(target.restBase(), target.jobId(), previous, !target.checkpointWakes());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private Polled failure(PollTarget target, Throwable error) {
    return new Polled(
        target,
        FlinkObservation.failed(
            clock.instant(), FlinkObservation.Outcome.BAD_ANSWER, "poll failed: " + error),
        null);
  }

  /**
   * A change, or a failure (each failed poll counts toward reporting a lasting problem). A newer
   * checkpoint, in the REST answer or in ZooKeeper, counts only when {@code checkpointWakes}.
   */
  private static boolean worthAReconcile(Polled before, Polled now, boolean checkpointWakes) {
    if (before == null) {
      return true;
    }
    if (now.rest() != null && now.rest().outcome() != FlinkObservation.Outcome.OK) {
      return true;
    }
    return !Objects.equals(
            comparable(before.rest(), checkpointWakes), comparable(now.rest(), checkpointWakes))
        || !Objects.equals(
            comparable(before.zooKeeper(), checkpointWakes),
            comparable(now.zooKeeper(), checkpointWakes));
  }

  /** What of a REST answer a reconcile cares about: never the time it was taken. */
  private static FlinkObservation comparable(FlinkObservation o, boolean checkpointWakes) {
    return o == null
        ? null
        : new FlinkObservation(
            null,
            o.outcome(),
            o.problem(),
            o.jobState(),
            o.restarts(),
            checkpointWakes ? o.latestCompleted() : null,
            o.latestSavepoint(),
            o.restored(),
            o.restoredAt());
  }

  private static HaStoreView comparable(HaStoreView ha, boolean checkpointWakes) {
    return ha == null || checkpointWakes
        ? ha
        : new HaStoreView(ha.state(), List.of(), ha.leaderRestAddress(), ha.problem());
  }

  /** The REST answer's completed checkpoint, when newer than the one before it and timed. */
  private static Optional<FlinkCheckpoint> newerCheckpoint(Polled before, Polled now) {
    FlinkCheckpoint was =
        before == null || before.rest() == null ? null : before.rest().latestCompleted();
    FlinkCheckpoint is = now.rest() == null ? null : now.rest().latestCompleted();
    boolean newer = is != null && is.completedAt() != null && (was == null || is.id() > was.id());
    return newer ? Optional.of(is) : Optional.empty();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * One job's polling state. {@code latest} is read by reconcile threads; the rest is guarded by
   * the object's lock (the timer thread, the HTTP callbacks and {@code track} all touch it).
   */
  private static final class Tracked {
    volatile PollTarget target;
    volatile Polled latest;
    ScheduledFuture<?> next;
    boolean polling;
    volatile boolean cancelled;

    Tracked(PollTarget target) {
      this.target = target;
    }

    synchronized void cancel() {
      cancelled = true;
      cancelNext();
    }

    synchronized void cancelNext() {
      if (next != null) {
        next.cancel(false);
      }
    }
  }
}
