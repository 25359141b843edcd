package dev.flinkresilience.local.demo;

import dev.flinkresilience.local.LocalCluster;
import dev.flinkresilience.local.LocalOperator;
import dev.flinkresilience.local.SampleJob;
import dev.flinkresilience.local.chaos.ScenarioRun;
import dev.flinkresilience.local.controlplane.ControlPlane;
import dev.flinkresilience.local.storage.StorageLayout;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.app.OperatorSettings;
import dev.flinkresilience.operator.validate.PodSecurityLevel;
import dev.flinkresilience.operator.validate.TenantPolicy;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * The demo (the README's main command): the local cluster, the operator, the sample job with
 * Kubernetes HA; once it checkpoints, the node hosting its JobManager is killed, and the timeline
 * shows detection, the operator's actions, the job RUNNING again, the restored checkpoint against
 * the latest before the failure, and the records lost and duplicated in the committed output. The
 * last line is one JSON object; everything started is stopped before it is printed.
 *
 * <p>Options: {@code --ha kubernetes|zookeeper|none} (default kubernetes), {@code --control-plane
 * auto|real|mock} (default auto: real when built), {@code --flink 2.3|1.20} (default 2.3: the job's
 * image and {@code spec.flinkVersion}; 1.20 runs its pods on Flink 1.20 and the sample job built
 * for it, from the {@code flink-1.20} module), {@code --storage s3|file} (default s3 on Flink 2.3:
 * checkpoints, savepoints and HA data on the cluster's S3 through Flink's S3 plugin; file on 1.20,
 * whose pods have no S3 plugin), {@code --nodes emulated|real} (default emulated: every pod a JVM
 * on this machine; real: kubelet + containerd nodes of {@code local/realnode}, the pods containers
 * of the Flink 2.3 image, needs the real control plane, Kubernetes HA, S3 storage).
 */
public final class Demo {
  private Demo() {}

  public static void main(String[] args) throws Exception {
    SampleJob.Ha ha = SampleJob.Ha.KUBERNETES;
    ControlPlane.Kind plane = ControlPlane.Kind.AUTO;
    SampleJob.Flink flink = SampleJob.Flink.V2_3;
    String storage = "";
    boolean realNodes = false;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--ha" -> ha = SampleJob.Ha.valueOf(args[i + 1].toUpperCase(Locale.ROOT));
        case "--control-plane" ->
            plane = ControlPlane.Kind.valueOf(args[i + 1].toUpperCase(Locale.ROOT));
        case "--flink" -> flink = SampleJob.Flink.of(args[i + 1]);
        case "--storage" -> storage = args[i + 1].toLowerCase(Locale.ROOT);
        case "--nodes" ->
            realNodes =
                switch (args[i + 1].toLowerCase(Locale.ROOT)) {
                  case "real" -> true;
                  case "emulated" -> false;
                  default ->
                      throw new IllegalArgumentException(
                          "--nodes emulated|real, not " + args[i + 1]);
                };
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    PrintStream out = System.out;
    Instant start = Instant.now();
    ScenarioRun.Result result;
    String finalStatus;
    LocalCluster.Settings settings = LocalCluster.Settings.defaults().withControlPlane(plane);
    if (realNodes) {
      if (plane == ControlPlane.Kind.MOCK
          || ha != SampleJob.Ha.KUBERNETES
          || flink != SampleJob.Flink.V2_3
          || "file".equals(storage)) {
        throw new IllegalArgumentException(
            "--nodes real runs on the real control plane, Flink 2.3, S3 storage and HA"
                + " kubernetes (no cluster DNS: without HA the TaskManagers could not resolve the"
                + " JobManager's Service; no ZooKeeper the pods reach)");
      }
      out.println(
          "== starting the local cluster (real control plane, 3 real nodes: kubelet + containerd,"
              + " S3; about 2 minutes: the nodes one after the other, then the Flink image"
              + " imported into each)");
      settings = settings.withRealNodes();
    } else {
      out.println("== starting the local cluster (control plane, 3 emulated nodes, ZooKeeper, S3)");
      settings.flink().of(flink.image()); // fails now, not in a pod, when that Flink is not built
    }
    // Real nodes: the job's output is a hostPath volume (pod security level privileged).
    OperatorSettings operatorSettings =
        realNodes
            ? OperatorSettings.allNamespaces()
                .withTenantPolicy(TenantPolicy.DEFAULT.withPodSecurity(PodSecurityLevel.PRIVILEGED))
            : OperatorSettings.allNamespaces();
    try (LocalCluster cluster = LocalCluster.start(settings)) {
      out.println("   " + cluster.controlPlane().describe());
      out.println("   nodes " + cluster.nodeNames() + ", kubeconfig " + cluster.kubeconfig());
      out.println("== starting the operator");
      try (LocalOperator operator =
          LocalOperator.start(cluster, settings.repo(), operatorSettings)) {
        SampleJob job =
            SampleJob.of("demo", "sequence", cluster.state().resolve("jobs/sequence"))
                .ha(ha, ha == SampleJob.Ha.ZOOKEEPER ? cluster.zookeeperQuorum() : null)
                .flink(flink)
                .storage(s3(storage, flink) ? cluster.s3().layout() : StorageLayout.file())
                .checkpointInterval(Duration.ofSeconds(3));
        if (realNodes) {
          job.outputOnHostPath();
        }
        out.println("== applying the sample job:");
        job.yaml().lines().filter(l -> !l.startsWith("#")).forEach(l -> out.println("   " + l));
        ScenarioRun run = new ScenarioRun(cluster, job, line -> out.println("   " + line));
        run.deployAndAwaitCheckpoints(3, Duration.ofMinutes(realNodes ? 8 : 5));
        for (Pod p : run.pods()) {
          out.println(
              "   pod "
                  + p.getMetadata().getName()
                  + " on "
                  + p.getSpec().getNodeName()
                  + " ip "
                  + p.getStatus().getPodIP());
        }
        Pod jm = run.jobManagerPod();
        String node = jm.getSpec().getNodeName();
        out.println(
            "== killing "
                + node
                + ", the node hosting the JobManager (its processes stop without a word, its Lease stops)");
        long before =
            run.inject(
                node + " killed (hosted " + jm.getMetadata().getName() + ")",
                () -> cluster.killNode(node));
        result =
            run.awaitRecovery(
                realNodes ? "kill-jobmanager-node-real" : "kill-jobmanager-node",
                before,
                Duration.ofMinutes(realNodes ? 8 : 5));
        FlinkResilientJob last = run.get();
        finalStatus = Serialization.asYaml(last.getStatus());
      }
      out.println("== final status:");
      finalStatus.lines().forEach(l -> out.println("   " + l));
      out.println("== stopping everything");
    }
    out.printf(
        Locale.ROOT,
        "== done in %.0f s%n",
        Duration.between(start, Instant.now()).toMillis() / 1000.0);
    out.println(result.json());
  }

  /** S3 unless {@code file} is asked for, or the job runs on Flink 1.20 (no S3 plugin there). */
  private static boolean s3(String storage, SampleJob.Flink flink) {
    return switch (storage) {
      case "s3" -> true;
      case "file" -> false;
      case "" -> flink == SampleJob.Flink.V2_3;
      default -> throw new IllegalArgumentException("--storage s3|file, not " + storage);
    };
  }
}
