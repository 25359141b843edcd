package dev.flinkresilience.operator.act;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.flinkresilience.operator.report.EventSpec;
import dev.flinkresilience.operator.testing.Jobs;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Events leave the pass at once and reach the API server later, in each job's order. */
class EventEmitterTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-07T10:00:00Z"), ZoneOffset.UTC);

  @Test
  void aReportDoesNotWaitForTheApiServer() throws Exception {
    var answer = new CountDownLatch(1);
    List<Event> created = Collections.synchronizedList(new ArrayList<>());
    var emitter = new EventEmitter(CLOCK, blockedUntil(answer, created), new EventLanes(1, 10));

    // The API server does not answer: the pass still goes on.
    assertTimeoutPreemptively(
        Duration.ofSeconds(2),
        () -> {
          emitter.emit(Jobs.job("ns", "a"), EventSpec.warning("NodeLost", "node n1 lost"));
          emitter.emit(Jobs.job("ns", "a"), EventSpec.warning("PodsReleased", "released"));
        });
    assertThat(created).isEmpty();

    answer.countDown();
    emitter.close();
    assertThat(created).extracting(Event::getReason).containsExactly("NodeLost", "PodsReleased");
    Event first = created.get(0);
    assertThat(first.getType()).isEqualTo("Warning");
    assertThat(first.getInvolvedObject().getName()).isEqualTo("a");
    // The time of the report, not of the write.
    assertThat(first.getFirstTimestamp()).isEqualTo("2026-12-07T10:00:00Z");
  }

  @Test
  void eachJobsEventsArriveInTheOrderReported() {
    Map<String, List<String>> byJob = new ConcurrentHashMap<>();
    var emitter =
        new EventEmitter(
            CLOCK,
            e -> {
              sleepMillis(e.getMessage().hashCode() % 3 == 0 ? 2 : 0);
              byJob
                  .computeIfAbsent(e.getInvolvedObject().getName(), k -> new ArrayList<>())
                  .add(e.getMessage());
            },
            new EventLanes(3, 1_000));
    for (int i = 0; i < 50; i++) {
      for (int job = 0; job < 10; job++) {
        emitter.emit(Jobs.job("ns", "job-" + job), EventSpec.normal("Step", "step " + i));
      }
    }
    emitter.close();

    assertThat(byJob).hasSize(10);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      expected.add("step " + i);
    }
    byJob.values().forEach(steps -> assertThat(steps).isEqualTo(expected));
  }

  @Test
  void aFullLaneDropsWhatComesWithoutWaiting() throws Exception {
    var answer = new CountDownLatch(1);
    List<Event> created = Collections.synchronizedList(new ArrayList<>());
    var lanes = new EventLanes(1, 2);
    var emitter = new EventEmitter(CLOCK, blockedUntil(answer, created), lanes);

    assertTimeoutPreemptively(
        Duration.ofSeconds(2),
        () -> {
          for (int i = 0; i < 6; i++) {
            emitter.emit(Jobs.job("ns", "a"), EventSpec.normal("Step", "step " + i));
            if (i == 0) {
              awaitQueueTaken(lanes);
            }
          }
        });

    // One being written, two waiting, three dropped.
    assertThat(lanes.dropped()).isEqualTo(3);
    answer.countDown();
    emitter.close();
    assertThat(created).extracting(Event::getMessage).containsExactly("step 0", "step 1", "step 2");
  }

  @Test
  void aRefusedEventDoesNotStopTheNext() {
    List<String> created = Collections.synchronizedList(new ArrayList<>());
    var emitter =
        new EventEmitter(
            CLOCK,
            e -> {
              if (e.getReason().equals("Refused")) {
                throw new KubernetesClientException("forbidden");
              }
              created.add(e.getReason());
            },
            new EventLanes(1, 10));
    emitter.emit(Jobs.job("ns", "a"), EventSpec.normal("Refused", "x"));
    emitter.emit(Jobs.job("ns", "a"), EventSpec.normal("Deployed", "y"));
    emitter.close();

    assertThat(created).containsExactly("Deployed");
  }

  @Test
  void afterCloseNothingIsSentAndNothingCountsAsDropped() {
    List<Event> created = Collections.synchronizedList(new ArrayList<>());
    var lanes = new EventLanes(2, 10);
    var emitter = new EventEmitter(CLOCK, created::add, lanes);
    emitter.close();

    emitter.emit(Jobs.job("ns", "a"), EventSpec.normal("Late", "after the stop"));

    assertThat(created).isEmpty();
    assertThat(lanes.dropped()).isZero();
  }

  private static Consumer<Event> blockedUntil(CountDownLatch answer, List<Event> created) {
    return e -> {
      try {
        answer.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
      }
      created.add(e);
    };
  }

  /** Waits until the lane's thread took the first event, so the queue's room is known. */
  private static void awaitQueueTaken(EventLanes lanes) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (lanes.queued() > 0 && System.nanoTime() < until) {
      Thread.sleep(1);
    }
  }

  private static void sleepMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
