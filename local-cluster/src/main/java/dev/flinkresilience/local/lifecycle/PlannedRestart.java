package dev.flinkresilience.local.lifecycle;

import dev.flinkresilience.local.LocalCluster;
import dev.flinkresilience.local.chaos.ScenarioRun;
import dev.flinkresilience.local.check.CheckpointStorage;
import dev.flinkresilience.local.check.JobManagerRest;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;

/**
 * One planned restart of the sample job (DESIGN.md §5.5): find a random moment between two
 * checkpoints, note what the storage holds then, change the spec, and follow the operator until a
 * new JobManager runs the job; then say what that JobManager reports. The judging is the caller's.
 *
 * <p>The moment: once a checkpoint is complete in storage, a delay drawn from {@code random}
 * between zero and the checkpoint interval. With the same seed a run acts at the same offset into
 * the interval, so a failure can be replayed.
 */
public final class PlannedRestart {
  private final LocalCluster cluster;
  private final ScenarioRun run;
  private final CheckpointStorage storage;
  private final Duration interval;
  private final Random random;
  private final Consumer<String> out;

  public PlannedRestart(
      LocalCluster cluster,
      ScenarioRun run,
      Path checkpoints,
      Duration interval,
      Random random,
      Consumer<String> out) {
    this.cluster = cluster;
    this.run = run;
    this.storage = CheckpointStorage.at(checkpoints);
    this.interval = interval;
    this.random = random;
    this.out = out;
  }

  /** The deployment an action was taken against, and what the storage held at that moment. */
  public record Before(
      String jobId,
      long serial,
      String jobManagerUid,
      long newestInStorage,
      Instant at,
      long delayMillis) {}

  /** The JobManager after the restart, and what it says. */
  public record After(
      Pod jobManager,
      List<JobManagerRest.Job> jobs,
      Optional<JobManagerRest.Restored> restored,
      FlinkResilientJob job) {}

  public CheckpointStorage storage() {
    return storage;
  }

  /**
   * Waits for the next checkpoint to complete in storage, then a random delay below the interval;
   * returns the moment, with the newest complete checkpoint listed right then.
   */
  public Before awaitMoment() throws InterruptedException {
    FlinkResilientJob job = run.get();
    String jobId = job.getStatus().getJobId();
    long serial = job.getStatus().getDeployment().getSerial();
    String jmUid = run.jobManagerPod().getMetadata().getUid();
    long seen = storage.newest(jobId).orElse(-1);
    long completed = storage.awaitNewer(jobId, seen, interval.multipliedBy(6));
    long delay = (long) (random.nextDouble() * interval.toMillis());
    out.accept("checkpoint " + completed + " complete in storage; acting in " + delay + " ms");
    Thread.sleep(delay);
    long newest = storage.newest(jobId).orElse(-1);
    return new Before(jobId, serial, jmUid, newest, Instant.now(), delay);
  }

  /** {@code before} at this instant: the storage listed again (e.g. once a JobManager froze). */
  public Before relisted(Before before) {
    long newest = storage.newest(before.jobId()).orElse(-1);
    return new Before(
        before.jobId(),
        before.serial(),
        before.jobManagerUid(),
        newest,
        Instant.now(),
        before.delayMillis());
  }

  /** Changes the spec as a user would (a patch of the resource), retried on a conflict. */
  public void edit(Consumer<FlinkResilientJob> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        cluster
            .client()
            .resources(FlinkResilientJob.class)
            .inNamespace(run.get().getMetadata().getNamespace())
            .withName(run.get().getMetadata().getName())
            .edit(
                j -> {
                  change.accept(j);
                  return j;
                });
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 5) {
          throw e;
        }
      }
    }
  }

  /**
   * Waits until a deployment after {@code before} runs: a JobManager pod other than the old one
   * Ready, status on a newer serial (or, for {@code sameSerial}, the same one redeployed) with the
   * job RUNNING, and the JobManager's own overview listing a RUNNING job.
   */
  public After awaitRestarted(Before before, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "nothing yet";
    while (System.nanoTime() < deadline) {
      FlinkResilientJob job = run.get();
      var s = job.getStatus();
      Optional<Pod> jm = newJobManager(before.jobManagerUid());
      boolean redeployed =
          s != null
              && s.getDeployment() != null
              && s.getDeployment().getSerial() > before.serial()
              && "RUNNING".equals(s.getJobState());
      if (jm.isPresent() && redeployed) {
        JobManagerRest rest = new JobManagerRest(jm.get().getStatus().getPodIP());
        try {
          List<JobManagerRest.Job> jobs = rest.overview();
          if (jobs.stream().anyMatch(j -> "RUNNING".equals(j.state()))) {
            Optional<JobManagerRest.Restored> restored = rest.restored(s.getJobId());
            out.accept(
                "new JobManager "
                    + jm.get().getMetadata().getName()
                    + " runs "
                    + jobs
                    + ", restored "
                    + restored.map(Object::toString).orElse("nothing"));
            return new After(jm.get(), jobs, restored, job);
          }
          last = "JobManager overview " + jobs;
        } catch (java.io.IOException e) {
          last = "JobManager REST: " + e;
        }
      } else {
        last =
            "phase "
                + (s == null ? null : s.getPhase())
                + ", message "
                + (s == null ? null : s.getMessage());
      }
      Thread.sleep(500);
    }
    FlinkResilientJob job = run.get();
    throw new AssertionError(
        "no new deployment running within "
            + timeout
            + " ("
            + last
            + ")\nstatus:\n"
            + (job == null ? "(none)" : Serialization.asYaml(job.getStatus()))
            + "\npods: "
            + run.pods().stream().map(p -> p.getMetadata().getName()).toList());
  }

  private Optional<Pod> newJobManager(String oldUid) {
    return run.pods().stream()
        .filter(p -> "jobmanager".equals(p.getMetadata().getLabels().get("component")))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> !p.getMetadata().getUid().equals(oldUid))
        .filter(p -> p.getStatus() != null && p.getStatus().getPodIP() != null)
        .filter(
            p ->
                p.getStatus().getConditions() != null
                    && p.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
        .findFirst();
  }

  /** Savepoints taken since the action began (a stop-with-savepoint's), below the job's dir. */
  public List<Path> savepointsSince(Before before) {
    return CheckpointStorage.savepointsCreatedSince(storage.dir().getParent(), before.at());
  }
}
