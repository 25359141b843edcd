package dev.flinkresilience.operator.model;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.client.deployment.ClusterSpecification;
import org.apache.flink.configuration.BlobServerOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptionsInternal;
import org.apache.flink.configuration.HighAvailabilityOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.kubernetes.KubernetesClusterClientFactory;
import org.apache.flink.kubernetes.configuration.KubernetesConfigOptions;
import org.apache.flink.kubernetes.configuration.KubernetesConfigOptionsInternal;
import org.apache.flink.kubernetes.entrypoint.KubernetesApplicationClusterEntrypoint;
import org.apache.flink.kubernetes.kubeclient.FlinkPod;
import org.apache.flink.kubernetes.kubeclient.KubernetesJobManagerSpecification;
import org.apache.flink.kubernetes.kubeclient.factory.KubernetesJobManagerFactory;
import org.apache.flink.kubernetes.kubeclient.parameters.KubernetesJobManagerParameters;
import org.apache.flink.kubernetes.shaded.io.fabric8.kubernetes.api.model.Container;
import org.apache.flink.kubernetes.shaded.io.fabric8.kubernetes.api.model.Pod;
import org.apache.flink.kubernetes.utils.Constants;
import org.apache.flink.kubernetes.utils.KubernetesUtils;
import org.apache.flink.runtime.entrypoint.ClusterEntrypoint;
import org.apache.flink.runtime.jobmanager.HighAvailabilityMode;

/**
 * The JobManager objects of a native application cluster, built by Flink's own Kubernetes
 * decorators ({@link KubernetesJobManagerFactory}) exactly as {@code flink run-application} would
 * build them, but without a cluster: we apply them ourselves, so the same objects serve {@code
 * render}, the mock API server and a real one.
 *
 * <p>Flink's model is its shaded fabric8; objects cross over to ours through JSON.
 */
public final class JobManagerFactory {
  private static final String LOG_CONFIG = "log4j-console.properties";

  private JobManagerFactory() {}

  /**
   * Builds the JobManager Deployment and its accompanying objects (services, configuration
   * ConfigMap, pod template ConfigMap).
   *
   * @param flinkConfig the rendered Flink configuration
   * @param jobManagerPod optional pod merged into the JobManager pod (null for none)
   * @param taskManagerPod optional pod template for TaskManagers (null for none)
   * @throws IllegalArgumentException when Flink rejects the configuration (e.g. memory too small)
   */
  public static List<HasMetadata> build(
      Map<String, String> flinkConfig,
      Map<String, Object> jobManagerPod,
      Map<String, Object> taskManagerPod) {
    Path workDir = null;
    try {
      Configuration conf = Configuration.fromMap(flinkConfig);
      prepareLikeFlinkClient(conf);
      if (taskManagerPod != null) {
        // Flink mounts the TaskManager template from a file into a ConfigMap of its own.
        workDir = Files.createTempDirectory("frj-tm-template");
        Path file = workDir.resolve("taskmanager-pod-template.yaml");
        Files.writeString(file, Serialization.asYaml(taskManagerPod));
        conf.set(KubernetesConfigOptions.TASK_MANAGER_POD_TEMPLATE, file.toString());
      }
      ClusterSpecification cluster =
          new KubernetesClusterClientFactory().getClusterSpecification(conf);
      KubernetesJobManagerParameters params = new KubernetesJobManagerParameters(conf, cluster);
      KubernetesJobManagerSpecification spec =
          KubernetesJobManagerFactory.buildKubernetesJobManagerSpecification(
              flinkPod(jobManagerPod), params);
      List<HasMetadata> objects = new ArrayList<>();
      objects.add(crossOver(spec.getDeployment(), Deployment.class));
      spec.getAccompanyingResources().forEach(r -> objects.add(crossOver(r, HasMetadata.class)));
      return objects;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("Flink rejected the configuration: " + rootMessage(e), e);
    } finally {
      deleteQuietly(workDir);
    }
  }

  /** What KubernetesClusterDescriptor#deployClusterInternal sets before building the objects. */
  private static void prepareLikeFlinkClient(Configuration conf) {
    conf.set(
        ClusterEntrypoint.INTERNAL_CLUSTER_EXECUTION_MODE,
        ClusterEntrypoint.ExecutionMode.NORMAL.toString());
    conf.set(
        KubernetesConfigOptionsInternal.ENTRY_POINT_CLASS,
        KubernetesApplicationClusterEntrypoint.class.getName());
    // Ports are fixed in native mode: the services and probes refer to them by number.
    KubernetesUtils.checkAndUpdatePortConfigOption(
        conf, BlobServerOptions.PORT, Constants.BLOB_SERVER_PORT);
    KubernetesUtils.checkAndUpdatePortConfigOption(
        conf, TaskManagerOptions.RPC_PORT, Constants.TASK_MANAGER_RPC_PORT);
    KubernetesUtils.checkAndUpdatePortConfigOption(
        conf, RestOptions.BIND_PORT, Constants.REST_PORT);
    if (HighAvailabilityMode.isHighAvailabilityModeActivated(conf)) {
      KubernetesUtils.checkAndUpdatePortConfigOption(
          conf,
          HighAvailabilityOptions.HA_JOB_MANAGER_PORT_RANGE,
          conf.get(JobManagerOptions.PORT));
    }
    // The flink-config ConfigMap carries the logging configuration from the client's conf dir;
    // ship ours so the JobManager and TaskManagers log to the console.
    conf.set(DeploymentOptionsInternal.CONF_DIR, LogConfigDir.PATH.toString());
  }

  /**
   * A conf dir holding only our logging configuration. Written once per process (its content never
   * changes), so checking a spec on every reconcile pass does not touch the disk.
   */
  private static final class LogConfigDir {
    static final Path PATH = create();

    private static Path create() {
      try {
        Path dir = Files.createTempDirectory("frj-flink-conf");
        try (var in = JobManagerFactory.class.getResourceAsStream("/flink-conf/" + LOG_CONFIG)) {
          Files.copy(in, dir.resolve(LOG_CONFIG));
        }
        dir.resolve(LOG_CONFIG).toFile().deleteOnExit();
        dir.toFile().deleteOnExit();
        return dir;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static FlinkPod flinkPod(Map<String, Object> template) {
    if (template == null) {
      return new FlinkPod.Builder().build();
    }
    Pod pod =
        org.apache.flink.kubernetes.shaded.io.fabric8.kubernetes.client.utils.Serialization
            .unmarshal(Serialization.asJson(withKind(template)), Pod.class);
    // As KubernetesUtils#loadPodFromTemplateFile: the main container is taken out of the pod.
    Container main = new Container();
    if (pod.getSpec() != null && pod.getSpec().getContainers() != null) {
      var containers = new ArrayList<>(pod.getSpec().getContainers());
      for (Container c : List.copyOf(containers)) {
        if (Constants.MAIN_CONTAINER_NAME.equals(c.getName())) {
          main = c;
          containers.remove(c);
        }
      }
      pod.getSpec().setContainers(containers);
    }
    return new FlinkPod.Builder().withPod(pod).withMainContainer(main).build();
  }

  private static Map<String, Object> withKind(Map<String, Object> template) {
    var copy = new java.util.LinkedHashMap<String, Object>(template);
    copy.putIfAbsent("apiVersion", "v1");
    copy.putIfAbsent("kind", "Pod");
    return copy;
  }

  private static <T> T crossOver(Object shaded, Class<T> type) {
    String json =
        org.apache.flink.kubernetes.shaded.io.fabric8.kubernetes.client.utils.Serialization.asJson(
            shaded);
    return Serialization.unmarshal(json, type);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp dir left behind is harmless
    }
  }
}
