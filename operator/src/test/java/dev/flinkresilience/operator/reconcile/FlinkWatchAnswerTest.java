package dev.flinkresilience.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.decide.FlinkObservation;
import dev.flinkresilience.operator.decide.FlinkObservation.Outcome;
import dev.flinkresilience.operator.decide.JobManagerAnswer;
import dev.flinkresilience.operator.decide.JobManagerSilence;
import dev.flinkresilience.operator.observe.PollTarget;
import dev.flinkresilience.operator.observe.Polled;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which node a REST answer speaks for: the node of the pod whose IP the poller called. */
class FlinkWatchAnswerTest {
  private static final Instant AT = Instant.parse("2026-12-05T12:00:00Z");
  private static final List<Pod> PODS =
      List.of(
          pod("jm", "jobmanager", "10.0.0.5", "node-a"),
          pod("tm", "taskmanager", "10.0.0.6", "node-b"));

  @Test
  void aPollCountsForAnIncidentOnlyFromTheMomentItWasOpened() {
    var status = new dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus();
    var incident = new dev.flinkresilience.operator.api.v1alpha1.Incident();
    incident.setDetectedAt(AT.minusSeconds(20).toString());
    incident.setOpenedAt(AT.toString());
    status.getRecovery().setCurrent(incident);

    assertThat(FlinkWatch.current(observedAt(AT.minusSeconds(5)), status))
        .as("after the detection, before the pass that opened the incident")
        .isNull();
    assertThat(FlinkWatch.current(observedAt(AT.plusSeconds(1)), status)).isNotNull();

    incident.setOpenedAt(null); // opened before openedAt was recorded: its detection counts
    assertThat(FlinkWatch.current(observedAt(AT.minusSeconds(5)), status)).isNotNull();
    assertThat(FlinkWatch.current(observedAt(AT.minusSeconds(25)), status)).isNull();
  }

  private static FlinkObservation observedAt(Instant at) {
    return new FlinkObservation(at, Outcome.OK, null, "RUNNING", 0L, null, null, null, null);
  }

  @Test
  void anAnswerFromAPodIpSpeaksForItsNode() {
    assertThat(FlinkWatch.answer(polled("http://10.0.0.5:8081", Outcome.OK), PODS))
        .isEqualTo(new JobManagerAnswer("node-a", AT));
    // A JobManager that answers without the job is still a live process on a live node.
    assertThat(FlinkWatch.answer(polled("http://10.0.0.5:8081", Outcome.JOB_NOT_FOUND), PODS))
        .isEqualTo(new JobManagerAnswer("node-a", AT));
  }

  @Test
  void noAnswerOrAnUnattributableOneSpeaksForNoNode() {
    assertThat(FlinkWatch.answer(polled("http://10.0.0.5:8081", Outcome.UNREACHABLE), PODS))
        .isNull();
    assertThat(FlinkWatch.answer(polled("http://10.0.0.5:8081", Outcome.BAD_ANSWER), PODS))
        .isNull();
    assertThat(FlinkWatch.answer(polled("http://orders-rest.streaming.svc:8081", Outcome.OK), PODS))
        .as("through a Service: any pod may have answered")
        .isNull();
    assertThat(FlinkWatch.answer(polled("http://10.0.0.9:8081", Outcome.OK), PODS)).isNull();
    assertThat(FlinkWatch.answer(null, PODS)).isNull();
    assertThat(FlinkWatch.answer(polled("http://10.0.0.6:8081", Outcome.OK), PODS))
        .as("not a JobManager's IP")
        .isNull();
  }

  @Test
  void sharedIpsSpeakOnlyForTheOneJobManager() {
    List<Pod> shared =
        List.of(
            pod("tm", "taskmanager", "10.0.0.5", "node-b"),
            pod("jm", "jobmanager", "10.0.0.5", "node-a"));
    assertThat(FlinkWatch.answer(polled("http://10.0.0.5:8081", Outcome.OK), shared))
        .isEqualTo(new JobManagerAnswer("node-a", AT));
    List<Pod> twoJobManagers =
        List.of(
            pod("jm-1", "jobmanager", "10.0.0.5", "node-b"),
            pod("jm-2", "jobmanager", "10.0.0.5", "node-a"));
    assertThat(FlinkWatch.answer(polled("http://10.0.0.5:8081", Outcome.OK), twoJobManagers))
        .as("host networking: no telling which answered")
        .isNull();
  }

  @Test
  void aRunOfRefusedCallsIsTheSilenceOfTheCalledPodsNode() {
    Polled refused =
        new Polled(
            new PollTarget(URI.create("http://10.0.0.5:8081"), "j", Duration.ofSeconds(1), null),
            FlinkObservation.failed(AT, Outcome.UNREACHABLE, "connection refused"),
            null,
            AT.minusSeconds(9),
            8);
    assertThat(FlinkWatch.silence(refused, PODS))
        .isEqualTo(new JobManagerSilence("node-a", AT.minusSeconds(9), AT, 8));
    assertThat(FlinkWatch.silence(polled("http://10.0.0.5:8081", Outcome.OK), PODS))
        .as("it answered: no silence")
        .isNull();
    Polled throughService =
        new Polled(
            new PollTarget(URI.create("http://orders-rest:8081"), "j", Duration.ofSeconds(1), null),
            refused.rest(),
            null,
            AT.minusSeconds(9),
            8);
    assertThat(FlinkWatch.silence(throughService, PODS))
        .as("through a Service: the silence may be the network's, it speaks for no node")
        .isNull();
  }

  private static Polled polled(String base, Outcome outcome) {
    FlinkObservation rest =
        outcome == Outcome.OK
            ? new FlinkObservation(AT, Outcome.OK, null, "RUNNING", 0L, null, null, null, null)
            : FlinkObservation.failed(AT, outcome, "x");
    return new Polled(
        new PollTarget(URI.create(base), "j", Duration.ofSeconds(5), null), rest, null);
  }

  private static Pod pod(String name, String component, String ip, String node) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(java.util.Map.of("component", component))
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .endSpec()
        .withNewStatus()
        .withPodIP(ip)
        .endStatus()
        .build();
  }
}
