package dev.flinkresilience.local.bench;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.Phase;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the benchmark sees of the jobs, through informers of its own (the operator's process is not
 * touched): each job's resource, its JobManager Deployment and pods, and when each job first had a
 * status, a Deployment and phase Running (wall-clock milliseconds). Jobs are keyed {@code ns/name}.
 */
final class JobWatch implements AutoCloseable {
  /** Called on the informers' threads: must be quick. */
  interface Listener {
    default void job(FlinkResilientJob job) {}

    default void jobManager(Pod pod) {}

    default void jobManagerGone(Pod pod) {}
  }

  private static final String JOB_MANAGER = "component=jobmanager";

  final Map<String, Long> statusAt = new ConcurrentHashMap<>();
  final Map<String, Long> deployedAt = new ConcurrentHashMap<>();
  final Map<String, Long> runningAt = new ConcurrentHashMap<>();
  private final SharedIndexInformer<FlinkResilientJob> jobs;
  private final SharedIndexInformer<Deployment> deployments;
  private final SharedIndexInformer<Pod> jobManagers;
  private volatile Listener listener = new Listener() {};

  JobWatch(KubernetesClient client) {
    jobs = client.resources(FlinkResilientJob.class).inAnyNamespace().inform(handler(this::job), 0);
    deployments =
        client
            .apps()
            .deployments()
            .inAnyNamespace()
            .withLabel("type", "flink-native-kubernetes")
            .inform(handler(this::deployment), 0);
    jobManagers =
        client
            .pods()
            .inAnyNamespace()
            .withLabelSelector(JOB_MANAGER)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Pod pod) {
                    listener.jobManager(pod);
                  }

                  @Override
                  public void onUpdate(Pod before, Pod pod) {
                    listener.jobManager(pod);
                  }

                  @Override
                  public void onDelete(Pod pod, boolean unknownFinalState) {
                    listener.jobManagerGone(pod);
                  }
                },
                0);
  }

  void listen(Listener l) {
    listener = l;
  }

  /** Hands the listener a job as it is now, as if it had just changed. */
  void listenerJob(FlinkResilientJob job) {
    listener.job(job);
  }

  static String key(HasMetadata o) {
    return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }

  /** The job a JobManager pod belongs to: Flink labels it {@code app=<cluster id>}. */
  static String jobOf(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getLabels().get("app");
  }

  Optional<FlinkResilientJob> job(String key) {
    return Optional.ofNullable(jobs.getStore().getByKey(key));
  }

  List<FlinkResilientJob> jobs() {
    return jobs.getStore().list();
  }

  List<Pod> jobManagerPods() {
    return jobManagers.getStore().list();
  }

  private void job(FlinkResilientJob job) {
    long now = System.currentTimeMillis();
    String key = key(job);
    var status = job.getStatus();
    if (status != null && status.getPhase() != null) {
      statusAt.putIfAbsent(key, now);
      if (status.getPhase() == Phase.RUNNING) {
        runningAt.putIfAbsent(key, now);
      }
    }
    listener.job(job);
  }

  private void deployment(Deployment d) {
    deployedAt.putIfAbsent(key(d), System.currentTimeMillis());
  }

  private static <T> ResourceEventHandler<T> handler(java.util.function.Consumer<T> each) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T o) {
        each.accept(o);
      }

      @Override
      public void onUpdate(T before, T o) {
        each.accept(o);
      }

      @Override
      public void onDelete(T o, boolean unknownFinalState) {}
    };
  }

  @Override
  public void close() {
    jobs.close();
    deployments.close();
    jobManagers.close();
  }
}
