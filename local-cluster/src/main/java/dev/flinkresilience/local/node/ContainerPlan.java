package dev.flinkresilience.local.node;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * How the emulated kubelet runs a pod's container as a local JVM (pure: pod in, command line out).
 *
 * <p>The container's command names Flink's scripts ({@code kubernetes-jobmanager.sh
 * kubernetes-application}, {@code kubernetes-taskmanager.sh -D…}); the plan runs the Java
 * entrypoint those scripts start, with the configuration directory the pod mounts and the {@code
 * -D} options the command passes. On top, what a real pod gets from its network namespace and
 * image, rewritten to this machine: every address Flink binds or advertises is the pod's own
 * loopback IP (so pods on different nodes are isolated as in a cluster, and the fixed ports
 * 6122–6124 and 8081 never clash), a Service name the TaskManagers would resolve through cluster
 * DNS is resolved to the JobManager pod's IP, {@code local:///opt/flink/usrlib/…} jars map to jars
 * the build made, and Flink's own Kubernetes client uses the cluster's kubeconfig.
 */
public record ContainerPlan(
    Role role,
    List<String> wrapper,
    String mainClass,
    List<String> jvmOptions,
    List<String> args,
    Map<String, String> env) {

  /** Which Flink process a container is. */
  public enum Role {
    JOB_MANAGER,
    TASK_MANAGER
  }

  static final String APPLICATION_ENTRYPOINT =
      "org.apache.flink.kubernetes.entrypoint.KubernetesApplicationClusterEntrypoint";
  static final String SESSION_ENTRYPOINT =
      "org.apache.flink.kubernetes.entrypoint.KubernetesSessionClusterEntrypoint";
  static final String TASK_MANAGER_ENTRYPOINT =
      "org.apache.flink.kubernetes.taskmanager.KubernetesTaskExecutorRunner";
  static final String USRLIB = "/opt/flink/usrlib/";

  /** What Flink's scripts pass on Java 17 (its default env.java.default-opts.all). */
  static final List<String> FLINK_JAVA_OPTS =
      List.of(
          "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
          "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.text=ALL-UNNAMED",
          "--add-opens=java.base/java.time=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

  private static final Pattern IP = Pattern.compile("^\\d+\\.\\d+\\.\\d+\\.\\d+$");

  /** What the plan needs from the node and the cluster besides the pod. */
  public record Context(
      String podIp,
      String nodeName,
      String hostIp,
      Path podDir,
      Path usrlib,
      Path kubeconfig,
      Function<String, Optional<String>> resolveJobManager,
      Optional<Path> plugins) {

    public Context {
      plugins = plugins == null ? Optional.empty() : plugins;
    }

    /** Without a plugins directory. */
    public Context(
        String podIp,
        String nodeName,
        String hostIp,
        Path podDir,
        Path usrlib,
        Path kubeconfig,
        Function<String, Optional<String>> resolveJobManager) {
      this(
          podIp, nodeName, hostIp, podDir, usrlib, kubeconfig, resolveJobManager, Optional.empty());
    }

    /** Where a path inside the container lives on this machine. */
    public Path hostPath(String containerPath) {
      if (containerPath.startsWith(USRLIB)) {
        return usrlib.resolve(containerPath.substring(USRLIB.length()));
      }
      return podDir.resolve("fs").resolve(containerPath.replaceFirst("^/+", ""));
    }
  }

  /** The plan for the pod's main container, or why the emulator cannot run it. */
  public static ContainerPlan of(Pod pod, Map<String, String> config, Context context) {
    Container container = pod.getSpec().getContainers().get(0);
    List<String> command = container.getCommand() == null ? List.of() : container.getCommand();
    List<String> wrapper = List.of();
    if (command.size() >= 4 && "bash".equals(command.get(0)) && "-c".equals(command.get(1))) {
      // A shell wrapper around the image's entrypoint (the operator's run-once guard without HA):
      // it runs for real, with its $0 where the pod's volume is here and "$@" the JVM below.
      String arg0 = command.get(3);
      wrapper =
          List.of(
              "bash",
              "-c",
              command.get(2),
              arg0.startsWith("/") ? context.hostPath(arg0).toString() : arg0);
      command = command.subList(4, command.size());
    }
    String script = String.join(" ", command) + " " + orEmpty(container.getArgs());
    List<String> words = words(script);
    Role role;
    String main;
    if (words.contains("kubernetes-jobmanager.sh")) {
      role = Role.JOB_MANAGER;
      main = words.contains("kubernetes-session") ? SESSION_ENTRYPOINT : APPLICATION_ENTRYPOINT;
    } else if (words.contains("kubernetes-taskmanager.sh")) {
      role = Role.TASK_MANAGER;
      main = TASK_MANAGER_ENTRYPOINT;
    } else {
      throw new UnsupportedContainerException(
          "container "
              + container.getName()
              + " runs neither kubernetes-jobmanager.sh nor kubernetes-taskmanager.sh: "
              + script);
    }

    Map<String, String> env = env(container, pod, context);
    String confDir =
        env.getOrDefault("FLINK_CONF_DIR", context.hostPath("/opt/flink/conf").toString());
    // The TaskManager runner takes its configuration directory as an argument; the JobManager
    // entrypoints parse only -D options (an unknown option would end the parsing) and read
    // FLINK_CONF_DIR.
    List<String> args =
        role == Role.TASK_MANAGER
            ? new ArrayList<>(List.of("--configDir", confDir))
            : new ArrayList<>();
    dynamicProperties(words).forEach((k, v) -> args.add("-D" + k + "=" + v));
    overrides(role, config, context).forEach((k, v) -> args.add("-D" + k + "=" + v));
    return new ContainerPlan(
        role, wrapper, main, jvmOptions(role, context), List.copyOf(args), env);
  }

  /** What a container in a cluster gets from its network, image and service account. */
  static Map<String, String> overrides(Role role, Map<String, String> config, Context context) {
    Map<String, String> o = new LinkedHashMap<>();
    String ip = context.podIp();
    if (role == Role.JOB_MANAGER) {
      o.put("jobmanager.rpc.address", ip);
      o.put("jobmanager.bind-host", ip);
      o.put("rest.address", ip);
      o.put("rest.bind-address", ip);
      String jars = config.get("pipeline.jars");
      if (jars != null) {
        o.put("pipeline.jars", localJars(jars, context));
      }
    } else {
      o.put("taskmanager.host", ip);
      o.put("taskmanager.bind-host", ip);
      String jm = config.get("jobmanager.rpc.address");
      if (jm != null && !IP.matcher(jm).matches()) {
        // Cluster DNS: the JobManager Service's name, as the kubelet's resolver would answer it.
        context.resolveJobManager().apply(jm).ifPresent(a -> o.put("jobmanager.rpc.address", a));
      }
    }
    o.put("kubernetes.config.file", context.kubeconfig().toString());
    o.put("io.tmp.dirs", context.podDir().resolve("tmp").toString());
    return o;
  }

  /**
   * The pod's {@code /etc/hosts}: the machine's, with every loopback name ({@code localhost}, the
   * machine's own name) on the pod's IP. In a pod, loopback is the pod's own network namespace;
   * here every process shares the machine's and the pod's IP stands for it, the address its Flink
   * binds. It matters: Flink 1.20's application mode uploads the job to its own BlobServer at
   * {@code localhost} (2.x asks the dispatcher for the address), and that server listens on the
   * pod's IP only.
   */
  static String etcHosts(String machineHosts, String podIp) {
    StringBuilder hosts = new StringBuilder(podIp).append("\tlocalhost\n");
    for (String line : machineHosts.split("\n")) {
      String[] fields = line.trim().split("\\s+", 2);
      boolean loopback =
          fields.length == 2 && (fields[0].startsWith("127.") || fields[0].equals("::1"));
      hosts.append(loopback ? podIp + "\t" + fields[1] : line).append('\n');
    }
    return hosts.toString();
  }

  /** {@code ["local:///opt/flink/usrlib/x.jar"]} with each jar where the build put it. */
  static String localJars(String jars, Context context) {
    List<String> mapped = new ArrayList<>();
    for (String jar : jars.replaceAll("[\\[\\]\"' ]", "").split(",")) {
      if (jar.isEmpty()) {
        continue;
      }
      String path = jar.replaceFirst("^local://", "");
      mapped.add("local://" + context.hostPath(path));
    }
    return String.join(";", mapped);
  }

  private static Map<String, String> env(Container container, Pod pod, Context context) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar e : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
      String value = e.getValue();
      if (e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null) {
        value = field(e.getValueFrom().getFieldRef().getFieldPath(), pod, context);
      }
      if (value != null) {
        env.put(e.getName(), value);
      }
    }
    // Paths in the container's environment point into the pod's directory here.
    env.replaceAll((k, v) -> v.startsWith("/opt/flink/") ? context.hostPath(v).toString() : v);
    // What the Flink image sets: its home and its configuration directory (where the pod mounts
    // it).
    env.put("FLINK_HOME", context.podDir().resolve("fs/opt/flink").toString());
    env.putIfAbsent("FLINK_CONF_DIR", context.hostPath("/opt/flink/conf").toString());
    // Flink's scripts point FLINK_PLUGINS_DIR at the image's plugins/ (file systems such as s3://
    // load from there); here that is the distribution's plugins directory.
    context
        .plugins()
        .ifPresent(p -> env.putIfAbsent("FLINK_PLUGINS_DIR", p.toAbsolutePath().toString()));
    return env;
  }

  private static String field(String path, Pod pod, Context context) {
    return switch (path) {
      case "status.podIP" -> context.podIp();
      case "status.hostIP" -> context.hostIp();
      case "spec.nodeName" -> context.nodeName();
      case "metadata.name" -> pod.getMetadata().getName();
      case "metadata.namespace" -> pod.getMetadata().getNamespace();
      case "metadata.uid" -> pod.getMetadata().getUid();
      default -> null;
    };
  }

  /**
   * Small, fixed JVM sizes for 2 cores and a few GiB: the emulator is not a resource manager, and
   * Flink's own memory model still applies inside (its sizes come from the configuration). C1 only
   * and the serial collector: these JVMs must start fast and stay out of each other's way.
   */
  static List<String> jvmOptions(Role role, Context context) {
    List<String> o = new ArrayList<>();
    o.add(role == Role.JOB_MANAGER ? "-Xmx448m" : "-Xmx384m");
    o.add("-XX:MaxDirectMemorySize=320m");
    o.add("-XX:MaxMetaspaceSize=256m");
    o.add("-XX:+UseSerialGC");
    o.add("-XX:TieredStopAtLevel=1");
    o.addAll(FLINK_JAVA_OPTS);
    o.add("-Djava.io.tmpdir=" + context.podDir().resolve("tmp"));
    o.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
    o.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
    return o;
  }

  /** The words of a shell command line, quotes stripped (Flink's values carry no spaces). */
  static List<String> words(String script) {
    List<String> words = new ArrayList<>();
    for (String w : script.trim().split("\\s+")) {
      if (!w.isEmpty()) {
        words.add(w.replaceAll("^['\"]|['\"]$", ""));
      }
    }
    return words;
  }

  /** {@code -D key=value} and {@code -Dkey=value} options, in order. */
  static Map<String, String> dynamicProperties(List<String> words) {
    Map<String, String> props = new LinkedHashMap<>();
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i);
      String kv = null;
      if (w.equals("-D") && i + 1 < words.size()) {
        kv = words.get(++i);
      } else if (w.startsWith("-D") && w.length() > 2) {
        kv = w.substring(2);
      }
      if (kv != null && kv.contains("=")) {
        int eq = kv.indexOf('=');
        props.put(unquote(kv.substring(0, eq)), unquote(kv.substring(eq + 1)));
      }
    }
    return props;
  }

  /** Flink quotes some values ({@code -Dkey='value'}): the shell would drop the quotes. */
  private static String unquote(String s) {
    return s.replaceAll("^['\"]|['\"]$", "");
  }

  private static String orEmpty(List<String> list) {
    return list == null ? "" : String.join(" ", list);
  }

  /** A pod the emulator cannot run; the kubelet reports it as the container's failure. */
  public static final class UnsupportedContainerException extends RuntimeException {
    public UnsupportedContainerException(String message) {
      super(message);
    }
  }
}
