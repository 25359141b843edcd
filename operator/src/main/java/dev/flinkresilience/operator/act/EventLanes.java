package dev.flinkresilience.operator.act;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that send events: a fixed number of lanes, one thread each (started when needed,
 * ended when idle), a job always on the same lane so its events keep their order. Each lane's queue
 * is bounded: when the API server is so slow that it fills, further events are dropped and logged,
 * never waited for (Kubernetes' own event recorders drop the same way). The lanes' threads count
 * toward the operator's bounded total whatever the number of jobs.
 */
final class EventLanes implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventLanes.class);

  /** How long {@link #close()} lets the queued events go out. */
  static final Duration DRAIN_FOR = Duration.ofSeconds(2);

  /**
   * Four lanes: a node loss at 1,000 jobs reports about 700 events within seconds; four at once
   * keep the API server's share for them small beside the passes' own writes.
   */
  private static final int LANES = 4;

  /** Per lane: 2,500 events, enough for two reports from each of 5,000 jobs lost at once. */
  private static final int QUEUE = 2_500;

  private final List<ThreadPoolExecutor> lanes = new ArrayList<>();
  private final AtomicLong dropped = new AtomicLong();

  EventLanes(int lanes, int queue) {
    for (int i = 0; i < lanes; i++) {
      String name = "events-" + i;
      var lane =
          new ThreadPoolExecutor(
              1,
              1,
              30,
              TimeUnit.SECONDS,
              new ArrayBlockingQueue<>(queue),
              r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
              });
      lane.allowCoreThreadTimeOut(true);
      this.lanes.add(lane);
    }
  }

  static EventLanes standard() {
    return new EventLanes(LANES, QUEUE);
  }

  /** Queues the send on the job's lane; drops it (and logs why) when that lane is full. */
  void send(String job, String reason, Runnable send) {
    ThreadPoolExecutor lane = lanes.get(Math.floorMod(job.hashCode(), lanes.size()));
    try {
      lane.execute(send);
    } catch (RejectedExecutionException e) {
      if (lane.isShutdown()) {
        LOG.info("event {} for {} not sent: the operator is stopping", reason, job);
        return;
      }
      LOG.warn(
          "event {} for {} dropped: {} events wait for the API server on its lane ({} dropped so"
              + " far)",
          reason,
          job,
          lane.getQueue().size(),
          dropped.incrementAndGet());
    }
  }

  long dropped() {
    return dropped.get();
  }

  /** Events waiting on all lanes (not counting those being written). */
  int queued() {
    return lanes.stream().mapToInt(l -> l.getQueue().size()).sum();
  }

  @Override
  public void close() {
    lanes.forEach(ThreadPoolExecutor::shutdown);
    long deadline = System.nanoTime() + DRAIN_FOR.toNanos();
    try {
      for (ThreadPoolExecutor lane : lanes) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !lane.awaitTermination(left, TimeUnit.NANOSECONDS)) {
          lane.shutdownNow();
        }
      }
    } catch (InterruptedException e) {
      lanes.forEach(ThreadPoolExecutor::shutdownNow);
      Thread.currentThread().interrupt();
    }
  }
}
