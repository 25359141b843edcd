package dev.flinkresilience.local.controlplane;

import static dev.flinkresilience.local.controlplane.ApiObjects.bound;
import static dev.flinkresilience.local.controlplane.ApiObjects.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the mock API server lacks and Flink and the operator rely on: Deployments to ReplicaSets to
 * pods ({@link DeploymentController}), scheduling onto Ready nodes ({@link Scheduler}), and garbage
 * collection by owner references ({@link GarbageCollector}).
 *
 * <p>Informers only say that something changed; the work is done on one thread, one pass at a time,
 * each pass from fresh reads of the API. Passes also run periodically (the scheduler every second,
 * the others every two), which retries whatever a pass could not do (an object gone or changed
 * under it, a pod no node fits yet).
 */
public final class FallbackControllers implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FallbackControllers.class);
  static final Duration SCHEDULER_PERIOD = Duration.ofSeconds(1);
  static final Duration SWEEP_PERIOD = Duration.ofSeconds(2);

  private final ScheduledExecutorService worker;
  private final Set<Pass> queued = ConcurrentHashMap.newKeySet();
  private final Map<Pass, AtomicLong> completed = new EnumMap<>(Pass.class);
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private final DeploymentController deployments;
  private final Scheduler scheduler;
  private final GarbageCollector collector;

  /** The kinds of work; a pass asked for while one of its kind is queued is not queued again. */
  enum Pass {
    DEPLOYMENTS,
    SCHEDULE,
    COLLECT
  }

  private FallbackControllers(KubernetesClient client) {
    for (Pass pass : Pass.values()) {
      completed.put(pass, new AtomicLong());
    }
    this.deployments = new DeploymentController(client);
    this.scheduler = new Scheduler(client);
    this.collector = new GarbageCollector(client);
    this.worker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "fallback-controllers");
              t.setDaemon(true);
              return t;
            });
  }

  public static FallbackControllers start(KubernetesClient client) {
    return start(client, SCHEDULER_PERIOD, SWEEP_PERIOD);
  }

  /** With other periods: tests use shorter ones. */
  static FallbackControllers start(
      KubernetesClient client, Duration schedulerPeriod, Duration sweepPeriod) {
    FallbackControllers c = new FallbackControllers(client);
    try {
      c.watch(client);
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
    c.every(schedulerPeriod, Pass.SCHEDULE);
    c.every(sweepPeriod, Pass.DEPLOYMENTS);
    c.every(sweepPeriod, Pass.COLLECT);
    return c;
  }

  /** How many passes of a kind have finished, for tests that check something does not happen. */
  long completed(Pass pass) {
    return completed.get(pass).get();
  }

  private void watch(KubernetesClient client) {
    informers.add(
        client.apps().deployments().inAnyNamespace().inform(on(Pass.DEPLOYMENTS, Pass.COLLECT), 0));
    informers.add(
        client.apps().replicaSets().inAnyNamespace().inform(on(Pass.DEPLOYMENTS, Pass.COLLECT), 0));
    informers.add(client.pods().inAnyNamespace().inform(podHandler(), 0));
    informers.add(client.nodes().inform(on(Pass.SCHEDULE, null), 0));
  }

  /**
   * Pods: an unbound one wants scheduling; one of a ReplicaSet that appears, goes, or changes phase
   * or readiness wants the Deployment pass (to replace it, or for the Deployment's status).
   */
  private ResourceEventHandler<Pod> podHandler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(Pod pod) {
        changed(pod, true);
      }

      @Override
      public void onUpdate(Pod before, Pod pod) {
        boolean replicaChanged =
            !Objects.equals(phase(before), phase(pod))
                || ApiObjects.ready(before) != ApiObjects.ready(pod)
                || ApiObjects.deleting(before) != ApiObjects.deleting(pod);
        changed(pod, replicaChanged);
      }

      @Override
      public void onDelete(Pod pod, boolean unknownFinalState) {
        changed(pod, true);
      }

      private void changed(Pod pod, boolean replicaChanged) {
        if (!bound(pod)) {
          request(Pass.SCHEDULE);
        }
        if (replicaChanged
            && controller(pod).filter(r -> "ReplicaSet".equals(r.getKind())).isPresent()) {
          request(Pass.DEPLOYMENTS);
        }
      }
    };
  }

  private static String phase(Pod pod) {
    return pod.getStatus() == null ? null : pod.getStatus().getPhase();
  }

  /** Any change asks for {@code onChange}; a deletion also for {@code onDelete}, if any. */
  private <T extends HasMetadata> ResourceEventHandler<T> on(Pass onChange, Pass onDelete) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T o) {
        request(onChange);
      }

      @Override
      public void onUpdate(T before, T o) {
        request(onChange);
      }

      @Override
      public void onDelete(T o, boolean unknownFinalState) {
        request(onChange);
        if (onDelete != null) {
          request(onDelete);
        }
      }
    };
  }

  private void request(Pass pass) {
    if (queued.add(pass)) {
      try {
        worker.execute(
            () -> {
              queued.remove(pass);
              run(pass);
            });
      } catch (RejectedExecutionException e) {
        queued.remove(pass); // closing
      }
    }
  }

  private void every(Duration period, Pass pass) {
    worker.scheduleWithFixedDelay(
        () -> run(pass), period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** One pass; a failure is logged and the next pass starts afresh. */
  private void run(Pass pass) {
    try {
      switch (pass) {
        case DEPLOYMENTS -> deployments.syncAll();
        case SCHEDULE -> scheduler.schedulePending();
        case COLLECT -> collector.sweep();
      }
    } catch (RuntimeException e) {
      if (worker.isShutdown()) {
        LOG.debug("{} pass interrupted by close: {}", pass, e.toString());
      } else if (e instanceof KubernetesClientException) {
        LOG.warn("{} pass failed (retried): {}", pass, e.getMessage());
      } else {
        LOG.warn("{} pass failed (retried)", pass, e);
      }
    } finally {
      completed.get(pass).incrementAndGet();
    }
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
    worker.shutdownNow();
    try {
      if (!worker.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("fallback controllers did not stop within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
