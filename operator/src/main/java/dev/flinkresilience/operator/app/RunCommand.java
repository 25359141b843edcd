package dev.flinkresilience.operator.app;

import dev.flinkresilience.operator.observe.JobManagerAddress;
import dev.flinkresilience.operator.observe.storage.StorageAccess;
import dev.flinkresilience.operator.ops.logs.LogFormat;
import dev.flinkresilience.operator.reconcile.PollPacing;
import dev.flinkresilience.operator.spec.Durations;
import dev.flinkresilience.operator.validate.PodSecurityLevel;
import dev.flinkresilience.operator.validate.TenantPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the operator against the cluster of the usual kubeconfig or in-cluster configuration. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description =
        "Run the operator (the default). Finds the cluster like kubectl: $KUBECONFIG,"
            + " ~/.kube/config, or the in-cluster service account.")
final class RunCommand implements Callable<Integer> {

  @Option(
      names = "--namespaces",
      split = ",",
      description = "Namespaces to watch (comma-separated). Default: all. Env: WATCH_NAMESPACES.",
      defaultValue = "${env:WATCH_NAMESPACES}")
  List<String> namespaces;

  @Option(
      names = "--job-selector",
      description =
          "Only FlinkResilientJobs with these labels are this operator's (a label selector, e.g."
              + " shard=a). Default: all. With disjoint selectors or namespaces and a Lease each,"
              + " several operators split the jobs. Env: JOB_SELECTOR.",
      defaultValue = "${env:JOB_SELECTOR}")
  String jobSelector;

  @Option(
      names = "--poll-interval",
      description =
          "How often Flink's REST API is polled while the job runs steadily (default: ${DEFAULT-VALUE}).",
      defaultValue = "5s",
      converter = DurationConverter.class)
  Duration pollInterval;

  @Option(
      names = "--fast-poll-interval",
      description =
          "How often it is polled while deploying, recovering or failing (default: ${DEFAULT-VALUE}).",
      defaultValue = "1s",
      converter = DurationConverter.class)
  Duration fastPollInterval;

  @Option(
      names = "--steady-poll-rate",
      description =
          "Steady polls of Flink's REST API per second, across all jobs: with more jobs than"
              + " that rate allows at --poll-interval, a running job is polled less often (one"
              + " poll per job every jobs/rate seconds, in whole seconds); a job that is"
              + " deploying, recovering or failing is always polled at --fast-poll-interval, and"
              + " pods, nodes and Leases are watched, not polled. 0: never stretched (default:"
              + " ${DEFAULT-VALUE}). Env: STEADY_POLL_RATE.",
      defaultValue = "${env:STEADY_POLL_RATE:-200}")
  double steadyPollRate;

  @Option(
      names = "--jobmanager-address",
      description =
          "How the JobManager's REST API is reached: POD_IP (in-cluster, or where pod IPs route),"
              + " SERVICE (the <name>-rest Service by cluster DNS) or TEMPLATE (see"
              + " --jobmanager-url-template; for an operator outside the cluster)."
              + " Default: ${DEFAULT-VALUE}.",
      defaultValue = "POD_IP")
  JobManagerAddress.Mode jobManagerAddress;

  @Option(
      names = "--jobmanager-url-template",
      description =
          "With --jobmanager-address TEMPLATE: the REST URL of a job's JobManager, with {namespace}"
              + " and {name} filled in, e.g. https://{name}-{namespace}.flink.example.com.")
  String jobManagerUrlTemplate;

  @Option(
      names = "--health-port",
      description =
          "Port of /healthz, /readyz and /metrics (default: ${DEFAULT-VALUE}). Env: HEALTH_PORT.",
      defaultValue = "${env:HEALTH_PORT:-8080}")
  int healthPort;

  @Option(
      names = "--leader-election",
      arity = "0..1",
      description =
          "Only the holder of a Lease reconciles; the other replicas stand by (default:"
              + " ${DEFAULT-VALUE}). Env: LEADER_ELECTION.",
      defaultValue = "${env:LEADER_ELECTION:-false}")
  boolean leaderElection;

  @Option(
      names = "--leader-election-lease-name",
      description =
          "The Lease's name (default: ${DEFAULT-VALUE}). Env: LEADER_ELECTION_LEASE_NAME.",
      defaultValue = "${env:LEADER_ELECTION_LEASE_NAME:-flink-resilience-operator}")
  String leaseName;

  @Option(
      names = "--node-detection",
      arity = "0..1",
      description =
          "Watch Nodes and their Leases in kube-node-lease to detect a lost node within"
              + " recovery.nodeLostAfter (default: ${DEFAULT-VALUE}). Off, the operator reads no"
              + " cluster-scoped objects and a lost node is noticed only when Kubernetes evicts"
              + " its pods (about 6 minutes). Env: NODE_DETECTION.",
      defaultValue = "${env:NODE_DETECTION:-true}")
  boolean nodeDetection;

  @Option(
      names = "--taint-lost-nodes",
      arity = "0..1",
      description =
          "Taint a node judged lost (flinkresilience.dev/lost:NoSchedule) before releasing a"
              + " JobManager from it, so that its replacement lands elsewhere at once; the taint"
              + " goes when the node's Lease is renewed again. Needs patch on nodes; off, or"
              + " refused, the JobManager Deployment is kept off the node instead, a rollout per"
              + " job (default: ${DEFAULT-VALUE}). Env: TAINT_LOST_NODES.",
      defaultValue = "${env:TAINT_LOST_NODES:-true}")
  boolean taintLostNodes;

  @Option(
      names = "--mass-loss-fraction",
      description =
          "The mass-loss guard: when more than this fraction of all nodes (or every node of a"
              + " topology.kubernetes.io/zone) look lost at once, the operator assumes it is the"
              + " one cut off and releases no pod and redeploys nothing until it lifts; above 0,"
              + " at most 1 (default: ${DEFAULT-VALUE}). Env: MASS_LOSS_FRACTION.",
      defaultValue = "${env:MASS_LOSS_FRACTION:-0.5}")
  double massLossFraction;

  @Option(
      names = "--checkpoint-status-rate",
      description =
          "Status writes per second, across all jobs, that carry nothing but a running job's"
              + " newer checkpoint; more wait for a later pass (the metrics stay live, recovery"
              + " reads the HA store and the checkpoint storage). A deployment's first checkpoint"
              + " and every other change are written at once. 0 writes every checkpoint"
              + " (default: ${DEFAULT-VALUE}). Env: CHECKPOINT_STATUS_RATE.",
      defaultValue = "${env:CHECKPOINT_STATUS_RATE:-10}")
  double checkpointStatusRate;

  @Option(
      names = "--pod-security",
      description =
          "Pod Security Standards level that every job's pod templates and pass-through keys are"
              + " held to: privileged, baseline or restricted (default: ${DEFAULT-VALUE}). Env:"
              + " POD_SECURITY.",
      defaultValue = "${env:POD_SECURITY:-baseline}",
      converter = PodSecurityConverter.class)
  PodSecurityLevel podSecurity;

  @Option(
      names = "--allowed-service-accounts",
      split = ",",
      description =
          "Service accounts a job may name in spec.serviceAccount (comma-separated patterns, each"
              + " NAME or NAMESPACE/NAME, '*' matches any characters). Default: any but the"
              + " operator's own. Env: ALLOWED_SERVICE_ACCOUNTS.",
      defaultValue = "${env:ALLOWED_SERVICE_ACCOUNTS}")
  List<String> allowedServiceAccounts;

  @Option(
      names = "--kubelet-lease-renewal",
      description =
          "How often the cluster's kubelets renew their node Leases (default: ${DEFAULT-VALUE},"
              + " Kubernetes' own). recovery.nodeLostAfter must be at least 1.5 renewals and"
              + " recovery.nodeSuspectAfter past one. Env: KUBELET_LEASE_RENEWAL.",
      defaultValue = "${env:KUBELET_LEASE_RENEWAL:-10s}",
      converter = DurationConverter.class)
  Duration kubeletLeaseRenewal;

  @Option(
      names = "--log-format",
      description =
          "text (slf4j-simple's lines) or json (one object a line, with the job's namespace, name"
              + " and incidentId on every line about a job; default: ${DEFAULT-VALUE}). Env:"
              + " LOG_FORMAT.",
      defaultValue = "${env:LOG_FORMAT:-text}",
      converter = LogFormatConverter.class)
  LogFormat logFormat;

  @Option(
      names = "--plugins-dir",
      description =
          "Flink's plugins directory (<name>/<jar>, e.g. s3-fs-presto/flink-s3-fs-presto-*.jar):"
              + " the file systems through which the operator reads checkpoint storage (s3://,"
              + " gs://, abfs://). Default: none (file:// only). Env: FLINK_PLUGINS_DIR.",
      defaultValue = "${env:FLINK_PLUGINS_DIR}")
  String pluginsDir;

  @Option(
      names = "--storage-config",
      description =
          "A Flink-style YAML file configuring those file systems for the operator (s3.endpoint,"
              + " s3.path.style.access, s3.access-key, s3.secret-key, ...; mount it from a"
              + " Secret). Jobs' own s3.* keys are never used by the operator. Default: none (the"
              + " plugins' defaults, e.g. the AWS default credential chain). Env: STORAGE_CONFIG.",
      defaultValue = "${env:STORAGE_CONFIG}")
  String storageConfig;

  /** Kubernetes-style durations (500ms, 5s, 1m), as in the CRD. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return Durations.parse(value);
    }
  }

  static final class LogFormatConverter implements CommandLine.ITypeConverter<LogFormat> {
    @Override
    public LogFormat convert(String value) {
      return LogFormat.parse(value);
    }
  }

  static final class PodSecurityConverter implements CommandLine.ITypeConverter<PodSecurityLevel> {
    @Override
    public PodSecurityLevel convert(String value) {
      return PodSecurityLevel.parse(value);
    }
  }

  @Spec CommandLine.Model.CommandSpec spec;

  /** The address options, or a usage error naming them (before anything connects). */
  private JobManagerAddress.Rule addressRule() {
    try {
      return new JobManagerAddress.Rule(jobManagerAddress, jobManagerUrlTemplate);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    if (!LogFormat.use(logFormat) && logFormat == LogFormat.JSON) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--log-format json needs the operator's SLF4J provider (slf4j.provider="
              + System.getProperty("slf4j.provider")
              + ")");
    }
    KubernetesClient client = new KubernetesClientBuilder().build();
    var settings =
        OperatorSettings.allNamespaces()
            .withNamespaces(namespaces == null ? List.of() : namespaces)
            .withJobSelector(jobSelector)
            .withPolling(new PollPacing(pollInterval, fastPollInterval, steadyPollRate))
            .withJobManagerAddress(addressRule());
    settings =
        settings
            .withHealthPort(healthPort)
            .withNodeDetection(nodeDetection)
            .withTaintLostNodes(taintLostNodes)
            .withMassLossFraction(massLossFraction)
            .withCheckpointStatusRate(checkpointStatusRate)
            .withTenantPolicy(tenantPolicy(client))
            .withStorage(StorageAccess.of(pluginsDir, storageConfig));
    if (leaderElection) {
      settings = settings.withLeaderElection(leaderElection(client));
    }
    var operator = OperatorWiring.run(client, settings, Clock.systemUTC());
    var stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  operator.close();
                  client.close();
                  stopped.countDown();
                }));
    stopped.await();
    return 0;
  }

  /**
   * The Lease in POD_NAMESPACE (the chart sets it to the release namespace) or else the client's
   * namespace; this replica's identity is POD_NAME, or else the host name.
   */
  private LeaderElectionSettings leaderElection(KubernetesClient client) {
    String namespace = System.getenv("POD_NAMESPACE");
    if (namespace == null || namespace.isBlank()) {
      namespace = client.getNamespace();
    }
    return LeaderElectionSettings.of(
        leaseName, Optional.ofNullable(namespace), identity(System.getenv("POD_NAME")));
  }

  /**
   * The policy from the flags. The operator's own service account comes from the chart
   * (OPERATOR_SERVICE_ACCOUNT, in POD_NAMESPACE): a job in that namespace must not run as it.
   */
  private TenantPolicy tenantPolicy(KubernetesClient client) {
    TenantPolicy policy =
        TenantPolicy.DEFAULT
            .withPodSecurity(podSecurity)
            .withAllowedServiceAccounts(
                allowedServiceAccounts == null ? List.of() : allowedServiceAccounts)
            .withLeaseRenewal(
                kubeletLeaseRenewal == null
                    ? TenantPolicy.KUBELET_LEASE_RENEWAL
                    : kubeletLeaseRenewal);
    String account = System.getenv("OPERATOR_SERVICE_ACCOUNT");
    String namespace = System.getenv("POD_NAMESPACE");
    if (namespace == null || namespace.isBlank()) {
      namespace = client.getNamespace();
    }
    if (account != null && !account.isBlank() && namespace != null) {
      policy = policy.withOperatorAccount(new TenantPolicy.ServiceAccountRef(namespace, account));
    }
    return policy;
  }

  static String identity(String podName) {
    if (podName != null && !podName.isBlank()) {
      return podName;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      throw new IllegalStateException("no POD_NAME and no host name for leader election", e);
    }
  }
}
