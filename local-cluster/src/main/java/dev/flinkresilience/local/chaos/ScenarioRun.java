package dev.flinkresilience.local.chaos;

import dev.flinkresilience.local.LocalCluster;
import dev.flinkresilience.local.SampleJob;
import dev.flinkresilience.local.check.JobManagerRest;
import dev.flinkresilience.local.check.OutputCheck;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.Incident;
import dev.flinkresilience.operator.observe.ha.KubernetesHaLayout;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One failure scenario against the sample job on the local cluster: wait until it runs and
 * checkpoints, inject the failure, follow the operator (its events and the incident in status)
 * until the job runs again and completes a new checkpoint, then check the committed output. Every
 * step is printed as a timeline relative to the failure (events carry whole seconds, so theirs can
 * read a fraction of a second early).
 */
public final class ScenarioRun {
  private final LocalCluster cluster;
  private final SampleJob job;
  private final Consumer<String> out;
  private final List<String> timeline = new ArrayList<>();
  private final Set<String> seenEvents = new HashSet<>();
  private Instant failedAt;
  private String flinkVersion = "?";

  public ScenarioRun(LocalCluster cluster, SampleJob job, Consumer<String> out) {
    this.cluster = cluster;
    this.job = job;
    this.out = out;
  }

  /** A failure to inject (it may wait, e.g. for a replacement to come up before a second one). */
  @FunctionalInterface
  public interface Action {
    void run() throws Exception;
  }

  /** The result line of a scenario. */
  public record Result(
      String scenario,
      String flinkVersion,
      double detectionSeconds,
      double recoverySeconds,
      double firstCheckpointSeconds,
      long latestCheckpointBeforeFailure,
      long restoredCheckpointId,
      long recordsLost,
      long recordsDuplicated,
      long stateErrors,
      long recordsCommitted,
      String outcome) {

    public String json() {
      return String.format(
          Locale.ROOT,
          "{\"scenario\":\"%s\",\"flinkVersion\":\"%s\",\"detectionSeconds\":%.2f,"
              + "\"recoverySeconds\":%.2f,"
              + "\"firstCheckpointSeconds\":%.2f,\"latestCheckpointBeforeFailure\":%d,"
              + "\"restoredCheckpointId\":%d,\"recordsLost\":%d,\"recordsDuplicated\":%d,"
              + "\"stateErrors\":%d,\"recordsCommitted\":%d,\"outcome\":\"%s\"}",
          scenario,
          flinkVersion,
          detectionSeconds,
          recoverySeconds,
          firstCheckpointSeconds,
          latestCheckpointBeforeFailure,
          restoredCheckpointId,
          recordsLost,
          recordsDuplicated,
          stateErrors,
          recordsCommitted,
          outcome);
    }
  }

  /**
   * Applies the job and waits until it is RUNNING and {@code checkpoints} have completed; then
   * checks that its JobManager runs the Flink the job asked for (its image's version), so that a
   * run named for a version never passes on another.
   */
  public FlinkResilientJob deployAndAwaitCheckpoints(int checkpoints, Duration timeout)
      throws InterruptedException {
    cluster.ensureNamespace(job.namespace());
    cluster.client().resource(job.resource()).create();
    say("applied FlinkResilientJob " + job.namespace() + "/" + job.name());
    long[] last = {-1};
    String[] lastState = {null};
    FlinkResilientJob running =
        await(
            "RUNNING with " + checkpoints + " completed checkpoints",
            timeout,
            j -> {
              var s = j.getStatus();
              if (s == null) {
                return false;
              }
              if (s.getJobState() != null && !s.getJobState().equals(lastState[0])) {
                lastState[0] = s.getJobState();
                say("job " + s.getJobState() + " (phase " + s.getPhase() + ")");
              }
              if (s.getLatestCheckpoint() != null && s.getLatestCheckpoint().getId() != last[0]) {
                last[0] = s.getLatestCheckpoint().getId();
                say("checkpoint " + last[0] + " completed: " + s.getLatestCheckpoint().getPath());
              }
              return "RUNNING".equals(s.getJobState()) && last[0] >= checkpoints;
            });
    String ip = jobManagerPod().getStatus().getPodIP();
    try {
      flinkVersion = new JobManagerRest(ip).flinkVersion();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("the JobManager at " + ip + " did not tell its version", e);
    }
    String asked = job.flink().version().value();
    if (!flinkVersion.startsWith(asked + ".")) {
      throw new IllegalStateException(
          "the job asked for Flink "
              + asked
              + " ("
              + job.flink().image()
              + "), its JobManager runs "
              + flinkVersion);
    }
    say("the JobManager runs Flink " + flinkVersion);
    return running;
  }

  /** The running pods of the job with their nodes. */
  /** The job this run deployed (its storage among others). */
  public SampleJob job() {
    return job;
  }

  public List<Pod> pods() {
    return cluster.client().pods().inNamespace(job.namespace()).list().getItems();
  }

  /** The JobManager pod (Flink's label component=jobmanager). */
  public Pod jobManagerPod() {
    return pods().stream()
        .filter(p -> "jobmanager".equals(p.getMetadata().getLabels().get("component")))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no JobManager pod"));
  }

  /**
   * With standby JobManagers (Kubernetes HA), the one that leads: the pod whose IP the REST leader
   * entry of Flink's {@code <cluster-id>-cluster-config-map} names. Every JobManager's REST API
   * serves the leader's view, so asking them does not tell. Waits up to 30 s for the entry.
   */
  public Pod leadingJobManagerPod() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String leader = null;
    while (System.nanoTime() < deadline) {
      var map =
          cluster
              .client()
              .configMaps()
              .inNamespace(job.namespace())
              .withName(KubernetesHaLayout.clusterConfigMap(job.name()))
              .get();
      String entry =
          map == null || map.getData() == null
              ? null
              : map.getData().get(KubernetesHaLayout.REST_SERVER_LEADER_KEY);
      leader = entry == null ? null : KubernetesHaLayout.leaderAddress(entry);
      String host = leader == null ? null : java.net.URI.create(leader).getHost();
      for (Pod p : pods()) {
        if ("jobmanager".equals(p.getMetadata().getLabels().get("component"))
            && p.getMetadata().getDeletionTimestamp() == null
            && p.getStatus() != null
            && host != null
            && host.equals(p.getStatus().getPodIP())) {
          say("leading JobManager: " + p.getMetadata().getName() + " (" + leader + ")");
          return p;
        }
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(
        "no JobManager pod at the REST leader address within 30 s (Kubernetes HA only): " + leader);
  }

  public Pod taskManagerPod() {
    return pods().stream()
        .filter(p -> "taskmanager".equals(p.getMetadata().getLabels().get("component")))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no TaskManager pod"));
  }

  /** A TaskManager pod on a node that hosts no JobManager pod of the job. */
  public Pod taskManagerPodApartFromJobManager() {
    String jmNode = jobManagerPod().getSpec().getNodeName();
    return pods().stream()
        .filter(p -> "taskmanager".equals(p.getMetadata().getLabels().get("component")))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> !jmNode.equals(p.getSpec().getNodeName()))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "every TaskManager shares the JobManager's node " + jmNode + ": " + podList()));
  }

  /** Waits for a JobManager pod other than {@code old} to be Ready, and returns it. */
  public Pod awaitNewJobManager(Pod old, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<Pod> ready =
          pods().stream()
              .filter(p -> "jobmanager".equals(p.getMetadata().getLabels().get("component")))
              .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
              .filter(p -> !p.getMetadata().getUid().equals(old.getMetadata().getUid()))
              .filter(ScenarioRun::ready)
              .findFirst();
      if (ready.isPresent()) {
        say(
            "new JobManager "
                + ready.get().getMetadata().getName()
                + " Ready on "
                + ready.get().getSpec().getNodeName());
        return ready.get();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no new JobManager Ready within " + timeout + ": " + podList());
  }

  /** Waits until {@code more} checkpoints after {@code after} have completed; returns the id. */
  public long awaitCheckpointsAfter(long after, int more, Duration timeout)
      throws InterruptedException {
    FlinkResilientJob j =
        await(
            more + " checkpoints after " + after,
            timeout,
            x ->
                x.getStatus() != null
                    && x.getStatus().getLatestCheckpoint() != null
                    && x.getStatus().getLatestCheckpoint().getId() >= after + more);
    long id = j.getStatus().getLatestCheckpoint().getId();
    say("checkpoint " + id + " completed");
    return id;
  }

  /** When the failure was injected (the timeline's zero); null before. */
  public Instant failedAt() {
    return failedAt;
  }

  /** A line in the timeline, e.g. a second failure injected during the recovery. */
  public void note(String line) {
    say(line);
  }

  private static boolean ready(Pod p) {
    return p.getStatus() != null
        && p.getStatus().getConditions() != null
        && p.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** Waits until the operator has an incident open for {@code reason} (e.g. {@code NodeLost}). */
  public Incident awaitIncident(String reason, Duration timeout) throws InterruptedException {
    FlinkResilientJob j =
        await(
            reason + " incident open",
            timeout,
            job ->
                job.getStatus() != null
                    && job.getStatus().getRecovery().getCurrent() != null
                    && reason.equals(job.getStatus().getRecovery().getCurrent().getReason()));
    return j.getStatus().getRecovery().getCurrent();
  }

  /**
   * Runs {@code failure} now; the timeline's zero. Returns the newest checkpoint completed before
   * it, as found in storage ({@code chk-N/_metadata}), not as the operator recorded it: status may
   * lag, and a restore from the lagging id would double output the check would then excuse.
   */
  public long inject(String what, Action failure) throws Exception {
    long before = Math.max(latestCheckpoint(), newestInStorage());
    failedAt = Instant.now();
    failure.run();
    say("FAILURE: " + what + " (latest completed checkpoint: " + before + ")");
    return before;
  }

  /**
   * Follows the recovery until the incident is closed, the job RUNNING and a checkpoint newer than
   * the restored one completed; then reads the committed output once it has caught up.
   */
  public Result awaitRecovery(String scenario, long before, Duration timeout)
      throws InterruptedException {
    Incident[] closed = {null};
    Incident[] open = {null};
    Instant[] detected = {null};
    FlinkResilientJob recovered =
        await(
            "recovered, with a new checkpoint",
            timeout,
            j -> {
              events();
              var s = j.getStatus();
              if (s == null) {
                return false;
              }
              Incident current = s.getRecovery().getCurrent();
              if (current != null && !sameIncident(current, open[0])) {
                open[0] = current;
                Instant at = Instant.parse(current.getDetectedAt());
                if (detected[0] == null) {
                  detected[0] = at;
                }
                say(
                    "DETECTED: "
                        + current.getReason()
                        + " "
                        + Optional.ofNullable(current.getDetail()).orElse("")
                        + " -> "
                        + current.getAction(),
                    at);
              }
              // The newest incident closed since the failure: a failure during the recovery
              // (scenario 6) opens another, and the run ends when the last one is closed.
              Incident newest =
                  s.getRecovery().getHistory().stream()
                      .filter(
                          i ->
                              i.getDetectedAt() != null
                                  && !Instant.parse(i.getDetectedAt())
                                      .isBefore(failedAt.minusSeconds(1)))
                      .filter(i -> i.getRecoveredAt() != null || i.getOutcome() != null)
                      .reduce((a, b) -> b)
                      .orElse(null);
              if (newest != null && !sameIncident(newest, closed[0])) {
                closed[0] = newest;
                if (detected[0] == null) {
                  detected[0] = Instant.parse(newest.getDetectedAt());
                  say("DETECTED: " + newest.getReason() + " -> " + newest.getAction(), detected[0]);
                }
                say(
                    "CLOSED ("
                        + newest.getOutcome()
                        + "): "
                        + newest.getReason()
                        + ", job "
                        + s.getJobState()
                        + ", restored checkpoint "
                        + newest.getRestoredCheckpointId()
                        + " (latest before the failure: "
                        + before
                        + ")",
                    newest.getRecoveredAt() == null
                        ? Instant.now()
                        : Instant.parse(newest.getRecoveredAt()));
              }
              long restored = restoredId(closed[0], j);
              return closed[0] != null
                  && current == null
                  && "RUNNING".equals(s.getJobState())
                  && s.getLatestCheckpoint() != null
                  && s.getLatestCheckpoint().getId() > Math.max(restored, before);
            });
    Instant firstCheckpoint = Instant.now();
    say("first new checkpoint: " + recovered.getStatus().getLatestCheckpoint().getId());
    Incident incident = closed[0];
    long restored = restoredId(incident, recovered);
    OutputCheck output = output();
    return new Result(
        scenario,
        flinkVersion,
        seconds(failedAt, detected[0]),
        incident.getRecoveredAt() == null
            ? -1
            : seconds(failedAt, Instant.parse(incident.getRecoveredAt())),
        seconds(failedAt, firstCheckpoint),
        before,
        restored,
        output.lost(),
        output.duplicated(),
        output.stateErrors(),
        output.records(),
        incident.getOutcome());
  }

  private static boolean sameIncident(Incident a, Incident b) {
    return b != null
        && a.getDetectedAt().equals(b.getDetectedAt())
        && java.util.Objects.equals(a.getReason(), b.getReason());
  }

  /** The committed output once settled, printed to the timeline. */
  public OutputCheck output() throws InterruptedException {
    OutputCheck output = settledOutput();
    say(
        "output: "
            + output.records()
            + " records committed in "
            + output.files()
            + " files, up to "
            + output.highest()
            + "; lost "
            + output.lost()
            + ", duplicated "
            + output.duplicated()
            + ", state errors "
            + output.stateErrors());
    return output;
  }

  /**
   * The committed output, read until two reads a second apart agree (a commit may be under way).
   */
  private OutputCheck settledOutput() throws InterruptedException {
    OutputCheck last = OutputCheck.read(job.output());
    for (int i = 0; i < 10; i++) {
      Thread.sleep(1000);
      OutputCheck next = OutputCheck.read(job.output());
      if (next.equals(last)) {
        return next;
      }
      last = next;
    }
    return last;
  }

  private static long restoredId(Incident incident, FlinkResilientJob job) {
    if (incident != null && incident.getRestoredCheckpointId() != null) {
      return incident.getRestoredCheckpointId();
    }
    var r = job.getStatus() == null ? null : job.getStatus().getRestoredFrom();
    return r == null || r.getId() == null ? -1 : r.getId();
  }

  /** The newest complete checkpoint of the current job in storage, -1 when none. */
  public long newestInStorage() {
    FlinkResilientJob j = get();
    String jobId = j == null || j.getStatus() == null ? null : j.getStatus().getJobId();
    return jobId == null
        ? -1
        : dev.flinkresilience.local.check.CheckpointStorage.at(job.checkpoints())
            .newest(jobId)
            .orElse(-1);
  }

  public long latestCheckpoint() {
    FlinkResilientJob j = get();
    return j == null || j.getStatus() == null || j.getStatus().getLatestCheckpoint() == null
        ? -1
        : j.getStatus().getLatestCheckpoint().getId();
  }

  /**
   * After the run: deletes the job (its finalizer tears the cluster down), boots any node the
   * failure left dead or frozen, and waits up to a minute for the job's pods to go, so that the
   * next run starts on three nodes and has the CPU.
   */
  public void remove() throws InterruptedException {
    cluster
        .client()
        .resources(FlinkResilientJob.class)
        .inNamespace(job.namespace())
        .withName(job.name())
        .delete();
    cluster.reviveDeadNodes();
    // A revived node renews its Lease at once, and the operator lifts its lost-node taint within
    // a few seconds; the next run needs every node schedulable.
    long lifted = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < lifted && !cluster.lostTaintedNodes().isEmpty()) {
      Thread.sleep(250);
    }
    for (String node : cluster.lostTaintedNodes()) {
      say(
          "WARNING: the operator's lost-node taint still on "
              + node
              + " 30 s after its revival;"
              + " removed by the harness");
      cluster.removeLostTaint(node);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline && !pods().isEmpty()) {
      Thread.sleep(250);
    }
  }

  public FlinkResilientJob get() {
    return cluster
        .client()
        .resources(FlinkResilientJob.class)
        .inNamespace(job.namespace())
        .withName(job.name())
        .get();
  }

  public List<String> timeline() {
    return List.copyOf(timeline);
  }

  /** The operator's events about the job, each printed once. */
  private void events() {
    List<Event> events =
        cluster.client().v1().events().inNamespace(job.namespace()).list().getItems().stream()
            .filter(e -> job.name().equals(e.getInvolvedObject().getName()))
            // The operator's events and the Deployment's rollouts; not, e.g., the endpoints
            // controller refusing loopback pod IPs for Flink's Service of the same name.
            .filter(
                e ->
                    "FlinkResilientJob".equals(e.getInvolvedObject().getKind())
                        || "Deployment".equals(e.getInvolvedObject().getKind()))
            .toList();
    for (Event e : events) {
      String key = e.getMetadata().getName() + "/" + e.getCount();
      if (seenEvents.add(key)) {
        String at =
            e.getLastTimestamp() != null
                ? e.getLastTimestamp()
                : e.getEventTime() == null ? null : e.getEventTime().getTime();
        Instant when = at == null ? Instant.now() : Instant.parse(at);
        if (failedAt == null || !when.isBefore(failedAt.minusSeconds(1))) {
          say("event " + e.getType() + " " + e.getReason() + ": " + e.getMessage(), when);
        }
      }
    }
  }

  /** The job once {@code done} holds for it; fails with its status after {@code timeout}. */
  public FlinkResilientJob await(String what, Duration timeout, Predicate<FlinkResilientJob> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    FlinkResilientJob last = null;
    while (System.nanoTime() < deadline) {
      last = get();
      if (last != null && done.test(last)) {
        return last;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        "not "
            + what
            + " within "
            + timeout
            + "\nstatus:\n"
            + (last == null ? "(none)" : Serialization.asYaml(last.getStatus()))
            + "\npods: "
            + podList());
  }

  private List<String> podList() {
    return pods().stream()
        .map(
            p ->
                p.getMetadata().getName()
                    + " on "
                    + p.getSpec().getNodeName()
                    + " "
                    + (p.getStatus() == null ? "" : p.getStatus().getPhase()))
        .toList();
  }

  private void say(String line) {
    say(line, Instant.now());
  }

  private void say(String line, Instant at) {
    String stamp =
        failedAt == null
            ? String.format(Locale.ROOT, "[%tT]", java.util.Date.from(at))
            : String.format(
                Locale.ROOT, "[%+7.2fs]", Duration.between(failedAt, at).toMillis() / 1000.0);
    String text = stamp + " " + line;
    timeline.add(text);
    out.accept(text);
  }

  private static double seconds(Instant from, Instant to) {
    return to == null ? -1 : Duration.between(from, to).toMillis() / 1000.0;
  }
}
