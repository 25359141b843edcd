package dev.flinkresilience.operator.model;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.kubernetes.utils.Constants;

/**
 * Without high availability, a JobManager container runs Flink once per pod.
 *
 * <p>A Deployment's pod restarts its container in place when the process dies. With HA, the new
 * process finds the job and its latest checkpoint in the HA store. Without HA it knows only its
 * configuration, so it submits the job again from the restore point the pod was deployed with,
 * which is older than what the job has committed since: its first checkpoints commit those records
 * a second time. The operator redeploys from the latest checkpoint anyway; the restarted container
 * only races it (39 duplicates in chaos scenario 10 run without HA). So the container's command is
 * wrapped: the first start in a pod marks an {@code emptyDir} (which lives as long as the pod) and
 * execs Flink's entrypoint; a later start finds the mark, says why on stderr and waits, running
 * nothing, until the operator's redeploy deletes the pod.
 *
 * <p>The price: without HA and without the operator, a dead JobManager stays dead. That is the
 * point, since coming back from an old checkpoint is what HA-less Flink cannot do safely.
 */
public final class RunOnce {
  static final String VOLUME = "flink-resilience-run-once";
  static final String MOUNT_PATH = "/flink-resilience/run-once";

  /** The mark of a first start; {@code $0} of {@link #SCRIPT}. */
  public static final String MARK = MOUNT_PATH + "/started";

  /**
   * {@code bash -c SCRIPT MARK entrypoint args…}. The wait loop sleeps a second at a time so that
   * the TERM trap runs promptly when the pod is deleted (bash runs a trap between commands).
   */
  public static final String SCRIPT =
      String.join(
          "\n",
          "if [ -e \"$0\" ]; then",
          "  echo \"flink-resilience: this JobManager container restarted in place without high"
              + " availability; Flink would resubmit the job from the checkpoint the pod was"
              + " deployed with, so it waits for the operator to redeploy from the latest\" >&2",
          "  trap 'exit 0' TERM INT",
          "  while :; do sleep 1; done",
          "fi",
          ": > \"$0\" || exit 1",
          "exec \"$@\"");

  private RunOnce() {}

  /** A copy of the JobManager {@code deployment} whose main container runs Flink once per pod. */
  public static Deployment guard(Deployment deployment) {
    Deployment copy = new DeploymentBuilder(deployment).build();
    PodSpec pod = copy.getSpec().getTemplate().getSpec();
    Container main = mainContainer(pod);
    List<String> command = new ArrayList<>(List.of("bash", "-c", SCRIPT, MARK));
    command.addAll(main.getCommand() == null ? List.of() : main.getCommand());
    main.setCommand(command);
    List<VolumeMount> mounts =
        new ArrayList<>(main.getVolumeMounts() == null ? List.of() : main.getVolumeMounts());
    mounts.add(new VolumeMountBuilder().withName(VOLUME).withMountPath(MOUNT_PATH).build());
    main.setVolumeMounts(mounts);
    List<Volume> volumes = new ArrayList<>(pod.getVolumes() == null ? List.of() : pod.getVolumes());
    volumes.add(new VolumeBuilder().withName(VOLUME).withNewEmptyDir().endEmptyDir().build());
    pod.setVolumes(volumes);
    return copy;
  }

  /** Flink's main container: the one its decorators name, else the first. */
  private static Container mainContainer(PodSpec pod) {
    return pod.getContainers().stream()
        .filter(c -> Constants.MAIN_CONTAINER_NAME.equals(c.getName()))
        .findFirst()
        .orElse(pod.getContainers().get(0));
  }
}
