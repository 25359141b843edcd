package dev.flinkresilience.operator.decide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.flinkresilience.operator.api.v1alpha1.CheckpointRef;
import dev.flinkresilience.operator.api.v1alpha1.DeploymentRecord;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import dev.flinkresilience.operator.api.v1alpha1.RestoreFrom;
import dev.flinkresilience.operator.decide.Decision.DeployReason;
import dev.flinkresilience.operator.testing.Jobs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The restore-point choice (DESIGN.md §5.4 step 2), row by row: each row is a situation and the
 * point it must restore from, or the refusal it must give.
 */
class RestorePointsTest {
  private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
  private static final String DIR = "s3://b/cp";
  private static final String JOB = "0123456789abcdef0123456789abcdef";

  @TestFactory
  Stream<DynamicTest> choices() {
    return Stream.of(
            // First deployment
            row("first deployment, no savepoint: empty state")
                .reason(DeployReason.INITIAL)
                .expectEmpty(),
            row("first deployment from initialSavepointPath")
                .reason(DeployReason.INITIAL)
                .spec(s -> s.getJob().setInitialSavepointPath("s3://b/sp/savepoint-1"))
                .expect("s3://b/sp/savepoint-1", null, "user"),
            row("first deployment from an initialSavepointPath that does not exist: refused")
                .reason(DeployReason.INITIAL)
                .spec(s -> s.getJob().setInitialSavepointPath("s3://b/sp/savepoint-1"))
                .gone("s3://b/sp/savepoint-1")
                .expectRefused("s3://b/sp/savepoint-1/_metadata does not exist"),
            row("first deployment, storage unreadable: the user's path, with the reason")
                .reason(DeployReason.INITIAL)
                .spec(s -> s.getJob().setInitialSavepointPath("s3://b/sp/savepoint-1"))
                .storageUnreadable("reading s3://b/sp failed (AccessDeniedException)")
                .expect("s3://b/sp/savepoint-1", null, "user")
                .expectCaveat("_metadata not verified"),
            // A planned restart whose stop took a savepoint: exactly that one, if it is there.
            row("upgrade after a stop with a savepoint: that savepoint")
                .reason(DeployReason.UPGRADE)
                .checkpoint(12, minutesAgo(1))
                .finalSavepoint("s3://b/sp/savepoint-final")
                .expect("s3://b/sp/savepoint-final", null, RestorePoint.STOP_WITH_SAVEPOINT),
            row("a stop's savepoint, its id read from its metadata: recorded with it")
                .reason(DeployReason.UPGRADE)
                .checkpoint(12, minutesAgo(1))
                .finalSavepoint("s3://b/sp/savepoint-final")
                .metadataId("s3://b/sp/savepoint-final", 14)
                .expect("s3://b/sp/savepoint-final", 14L, RestorePoint.STOP_WITH_SAVEPOINT),
            row("a user's savepoint, its id read from its metadata")
                .reason(DeployReason.INITIAL)
                .spec(s -> s.getJob().setInitialSavepointPath("s3://b/sp/savepoint-1"))
                .metadataId("s3://b/sp/savepoint-1", 40)
                .expect("s3://b/sp/savepoint-1", 40L, "user"),
            row("upgrade after a stop whose savepoint is gone: refused, not a checkpoint")
                .reason(DeployReason.UPGRADE)
                .checkpoint(12, minutesAgo(1))
                .storage(12)
                .finalSavepoint("s3://b/sp/savepoint-final")
                .gone("s3://b/sp/savepoint-final")
                .expectRefused("s3://b/sp/savepoint-final/_metadata does not exist"),
            row("a stop's savepoint read first: only its path, no listing")
                .reason(DeployReason.RESUME)
                .finalSavepoint("s3://b/sp/savepoint-final")
                .storageNotRead()
                .expectReadOnly("s3://b/sp/savepoint-final"),
            // The newest recorded point wins
            row("nothing recorded, no HA: empty state").expectEmpty(),
            row("recorded checkpoint").checkpoint(12, minutesAgo(1)).expectCheckpoint(12, "rest"),
            row("HA store newer than status")
                .checkpoint(12, minutesAgo(1))
                .ha(15)
                .expectCheckpoint(15, "haStore"),
            row("HA store older than status: never lower")
                .checkpoint(12, minutesAgo(1))
                .ha(10, 11)
                .expectCheckpoint(12, "rest"),
            row("HA store only (JobManager died before the first poll)")
                .ha(3, 4)
                .expectCheckpoint(4, "haStore"),
            row("HA store unavailable: status only")
                .checkpoint(12, minutesAgo(1))
                .haUnavailable(20)
                .expectCheckpoint(12, "rest"),
            row("same id in HA and status: the one with a known time")
                .checkpoint(12, minutesAgo(1))
                .ha(12)
                .expectCheckpoint(12, "rest"),
            row("newer savepoint beats older checkpoint")
                .checkpoint(12, minutesAgo(2))
                .savepoint(13, minutesAgo(1))
                .expect("s3://b/sp/savepoint-13", 13L, "rest"),
            row("older savepoint loses to newer checkpoint")
                .checkpoint(12, minutesAgo(1))
                .savepoint(10, minutesAgo(5))
                .expectCheckpoint(12, "rest"),
            row("only what the deployment restored from")
                .restored(7, "s3://b/cp/" + JOB + "/chk-7")
                .expect("s3://b/cp/" + JOB + "/chk-7", 7L, "rest"),
            row("started from a user savepoint Flink has not reported yet")
                .restoredUser("s3://b/sp/savepoint-x")
                .expect("s3://b/sp/savepoint-x", null, "user"),
            row("resume from suspension")
                .reason(DeployReason.RESUME)
                .checkpoint(12, minutesAgo(60))
                .expectCheckpoint(12, "rest"),
            row("upgrade")
                .reason(DeployReason.UPGRADE)
                .checkpoint(12, minutesAgo(1))
                .expectCheckpoint(12, "rest"),
            // Refusals: never below the recorded id
            row("recorded checkpoint not addressable, nothing else")
                .checkpointWithoutPath(12)
                .expectRefused("no addressable checkpoint at or above recorded id 12"),
            row("only a lower addressable point than the recorded one")
                .checkpointWithoutPath(12)
                .savepoint(10, minutesAgo(1))
                .expectRefused("below id 12 already recorded"),
            row("HA store has only lower ids than an unaddressable record")
                .checkpointWithoutPath(12)
                .ha(11)
                .expectRefused("below id 12"),
            // restoreFrom policies
            row("restoreFrom none: empty state by choice")
                .policy(RestoreFrom.NONE)
                .checkpoint(12, minutesAgo(1))
                .expect(null, null, "restoreFrom"),
            row("restoreFrom latestSavepoint ignores newer checkpoints")
                .policy(RestoreFrom.LATEST_SAVEPOINT)
                .checkpoint(12, minutesAgo(1))
                .savepoint(10, minutesAgo(5))
                .ha(14)
                .expect("s3://b/sp/savepoint-10", 10L, "rest"),
            row("restoreFrom latestSavepoint without a savepoint refuses to drop state")
                .policy(RestoreFrom.LATEST_SAVEPOINT)
                .checkpoint(12, minutesAgo(1))
                .expectRefused("no savepoint is recorded"),
            row("restoreFrom latestSavepoint, no state at all: empty state")
                .policy(RestoreFrom.LATEST_SAVEPOINT)
                .expectEmpty(),
            // maxCheckpointAge
            row("young enough")
                .maxAge("1h")
                .checkpoint(12, minutesAgo(30))
                .expectCheckpoint(12, "rest"),
            row("too old")
                .maxAge("1h")
                .checkpoint(12, minutesAgo(120))
                .expectRefused(
                    "checkpoint 12 is 7200s old, older than recovery.maxCheckpointAge 1h"),
            row("any age when maxCheckpointAge is 0s")
                .maxAge("0s")
                .checkpoint(12, minutesAgo(60 * 24 * 30))
                .expectCheckpoint(12, "rest"),
            row("HA entry of unknown time, younger than a known older one")
                .maxAge("1h")
                .checkpoint(12, minutesAgo(30))
                .ha(15)
                .expectCheckpoint(15, "haStore"),
            row("HA entry of unknown time, bounded only by a too old one")
                .maxAge("1h")
                .checkpoint(12, minutesAgo(120))
                .ha(15)
                .expectRefused("checkpoint 15 is 7200s old"),
            row("HA entry of unknown time and nothing to bound it")
                .maxAge("1h")
                .ha(15)
                .expectRefused("the age of checkpoint 15 is unknown"),
            row("HA entry with its own time (ZooKeeper ctime)")
                .maxAge("1h")
                .haAt(15, minutesAgo(10))
                .expectCheckpoint(15, "haStore"),
            // The user's explicit override: new nonce and new initialSavepointPath
            row("new nonce and new initialSavepointPath: the user's savepoint, even below the record")
                .checkpoint(12, minutesAgo(1))
                .deployed(1, "s3://b/sp/old")
                .spec(
                    s -> {
                      s.setRestartNonce(2);
                      s.getJob().setInitialSavepointPath("s3://b/sp/savepoint-5");
                    })
                .expect("s3://b/sp/savepoint-5", null, "user"),
            row("new nonce alone: redeploy from the latest checkpoint")
                .checkpoint(12, minutesAgo(1))
                .deployed(1, "s3://b/sp/old")
                .spec(
                    s -> {
                      s.setRestartNonce(2);
                      s.getJob().setInitialSavepointPath("s3://b/sp/old");
                    })
                .expectCheckpoint(12, "rest"),
            row("new initialSavepointPath alone: ignored after the first deployment")
                .checkpoint(12, minutesAgo(1))
                .deployed(1, "s3://b/sp/old")
                .spec(
                    s -> {
                      s.setRestartNonce(1);
                      s.getJob().setInitialSavepointPath("s3://b/sp/new");
                    })
                .expectCheckpoint(12, "rest"),
            // The checkpoint storage, read after the teardown (issue 12, items 3 and 4)
            row("storage not read yet: read it first, nothing chosen")
                .checkpoint(12, minutesAgo(1))
                .storageNotRead()
                .expectReadFirst(),
            row("storage newer than recorded: storage chosen (a spec change without HA)")
                .reason(DeployReason.UPGRADE)
                .checkpoint(7, minutesAgo(1))
                .storage(6, 7, 8)
                .expectCheckpoint(8, "storage"),
            row("storage older than recorded: recorded kept")
                .checkpoint(12, minutesAgo(1))
                .storage(10, 11)
                .expectCheckpoint(12, "rest"),
            row("storage unreadable: recorded, with the reason")
                .checkpoint(12, minutesAgo(1))
                .storageUnreadable("reading s3://b/cp failed (AccessDeniedException)")
                .expectCheckpoint(12, "rest")
                .expectCaveat(
                    "storage unreadable: reading s3://b/cp failed (AccessDeniedException)"),
            row("newest recorded point's _metadata missing: refused, naming it")
                .checkpoint(12, minutesAgo(1))
                .storage(10, 11)
                .gone(path(12))
                .expectRefused(path(12) + "/_metadata does not exist"),
            row("the refusal says how to override")
                .checkpoint(12, minutesAgo(1))
                .storage(11)
                .gone(path(12))
                .expectRefused(
                    "spec.job.initialSavepointPath together with a new spec.restartNonce"),
            row("HA-off crash redeploy picks storage's newest")
                .reason(DeployReason.RECOVERY)
                .checkpoint(3, minutesAgo(1))
                .storage(2, 3, 4)
                .expectCheckpoint(4, "storage"),
            row("resume with HA: storage beyond both HA store and status")
                .reason(DeployReason.RESUME)
                .checkpoint(3, minutesAgo(1))
                .ha(3)
                .storage(3, 4)
                .expectCheckpoint(4, "storage"),
            row("HA store names a checkpoint whose _metadata is gone: refused, not lowered")
                .checkpoint(12, minutesAgo(1))
                .ha(13)
                .storage(12)
                .gone(path(13))
                .expectRefused(path(13) + "/_metadata does not exist"),
            row("storage only (the JobManager died before the first poll)")
                .storage(1, 2)
                .expectCheckpoint(2, "storage"),
            row("same id in storage and status: the recorded one")
                .checkpoint(12, minutesAgo(1))
                .storage(12)
                .expectCheckpoint(12, "rest"),
            row("a restore path naming the _metadata file is the same point")
                .restored(7, path(7) + "/_metadata")
                .storage()
                .expect(path(7) + "/_metadata", 7L, "rest"),
            row("savepoint gone under restoreFrom latestSavepoint: refused")
                .policy(RestoreFrom.LATEST_SAVEPOINT)
                .savepoint(10, minutesAgo(5))
                .storage(12)
                .gone("s3://b/sp/savepoint-10")
                .expectRefused("s3://b/sp/savepoint-10/_metadata does not exist"),
            row("storage checkpoint young enough by its _metadata time")
                .maxAge("1h")
                .checkpoint(12, minutesAgo(120))
                .storageAt(13, minutesAgo(10))
                .expectCheckpoint(13, "storage"))
        .map(r -> dynamicTest(r.name, r::check));
  }

  /** Over any recorded state and HA store, the choice is never below the recorded id. */
  @Property(tries = 300, seed = "7")
  void neverBelowTheRecordedId(
      @ForAll @LongRange(min = 1, max = 50) long recorded,
      @ForAll boolean recordedAddressable,
      @ForAll @Size(max = 4) List<@LongRange(min = 1, max = 60) Long> haIds,
      @ForAll @LongRange(min = 0, max = 60) long savepoint) {
    var status = new FlinkResilientJobStatus();
    status.setLatestCheckpoint(
        ref(recorded, recordedAddressable ? path(recorded) : null, minutesAgo(1)));
    if (savepoint > 0) {
      status.setLatestSavepoint(ref(savepoint, "s3://b/sp/savepoint-" + savepoint, minutesAgo(1)));
    }
    var ha = new ArrayList<FlinkCheckpoint>();
    haIds.forEach(id -> ha.add(FlinkCheckpoint.at(id, path(id), null)));
    var choice =
        RestorePoints.choose(
            new RestorePoints.Request(
                DeployReason.RECREATE,
                Jobs.validSpec(),
                status,
                new HaStoreView(HaStoreView.State.READ, ha, null, null),
                CheckpointStorageView.failed(null, "not read in this property"),
                NOW));
    long floor = Math.max(recorded, savepoint);
    if (choice instanceof RestoreChoice.From from) {
      assertThat(from.point().checkpointId()).isNotNull().isGreaterThanOrEqualTo(floor);
    } else {
      long bestAddressable =
          Stream.concat(
                  haIds.stream(),
                  Stream.of(recordedAddressable ? recorded : -1, savepoint > 0 ? savepoint : -1))
              .mapToLong(Long::longValue)
              .max()
              .orElse(-1);
      assertThat(bestAddressable)
          .as("refused although a point at the floor existed")
          .isLessThan(floor);
    }
  }

  private static Row row(String name) {
    return new Row(name);
  }

  private static Instant minutesAgo(long minutes) {
    return NOW.minus(Duration.ofMinutes(minutes));
  }

  private static String path(long id) {
    return CheckpointPaths.of(DIR, JOB, id);
  }

  private static CheckpointRef ref(long id, String path, Instant completedAt) {
    var r = new CheckpointRef();
    r.setId(id);
    r.setPath(path);
    r.setCompletedAt(completedAt == null ? null : completedAt.toString());
    r.setSource("rest");
    return r;
  }

  /** One situation and what it must lead to. */
  private static final class Row {
    final String name;
    DeployReason reason = DeployReason.RECREATE;
    final FlinkResilientJobSpec spec = Jobs.validSpec();
    final FlinkResilientJobStatus status = new FlinkResilientJobStatus();
    HaStoreView ha = HaStoreView.noHa();

    /** Complete checkpoints in the storage; every other point asked about exists unless gone. */
    final List<FlinkCheckpoint> stored = new ArrayList<>();

    final List<String> gone = new ArrayList<>();
    final java.util.Map<String, Long> ids = new java.util.HashMap<>();
    String storageProblem;
    boolean storageRead = true;
    Consumer<RestoreChoice> expectation = c -> {};

    Row(String name) {
      this.name = name;
    }

    Row reason(DeployReason r) {
      reason = r;
      return this;
    }

    Row spec(Consumer<FlinkResilientJobSpec> change) {
      change.accept(spec);
      return this;
    }

    Row policy(RestoreFrom policy) {
      return spec(s -> s.getRecovery().setRestoreFrom(policy));
    }

    Row maxAge(String age) {
      return spec(s -> s.getRecovery().setMaxCheckpointAge(age));
    }

    Row checkpoint(long id, Instant at) {
      status.setLatestCheckpoint(ref(id, path(id), at));
      return this;
    }

    Row checkpointWithoutPath(long id) {
      status.setLatestCheckpoint(ref(id, null, minutesAgo(1)));
      return this;
    }

    Row savepoint(long id, Instant at) {
      status.setLatestSavepoint(ref(id, "s3://b/sp/savepoint-" + id, at));
      return this;
    }

    Row restored(long id, String path) {
      status.setRestoredFrom(ref(id, path, null));
      return this;
    }

    Row restoredUser(String path) {
      var r = new CheckpointRef();
      r.setPath(path);
      r.setSource("user");
      status.setRestoredFrom(r);
      return this;
    }

    Row deployed(long nonce, String initialSavepointPath) {
      var d = new DeploymentRecord();
      d.setSerial(1L);
      d.setJobId(JOB);
      d.setRestartNonce(nonce);
      d.setInitialSavepointPath(initialSavepointPath);
      status.setDeployment(d);
      return spec(s -> s.setRestartNonce(nonce));
    }

    Row ha(long... ids) {
      var list = new ArrayList<FlinkCheckpoint>();
      for (long id : ids) {
        list.add(FlinkCheckpoint.at(id, path(id), null));
      }
      ha = new HaStoreView(HaStoreView.State.READ, list, null, null);
      return this;
    }

    Row haAt(long id, Instant at) {
      ha =
          new HaStoreView(
              HaStoreView.State.READ, List.of(FlinkCheckpoint.at(id, path(id), at)), null, null);
      return this;
    }

    Row haUnavailable(long id) {
      ha =
          new HaStoreView(
              HaStoreView.State.UNAVAILABLE,
              List.of(FlinkCheckpoint.at(id, path(id), null)),
              null,
              "connection lost");
      return this;
    }

    Row storage(long... ids) {
      for (long id : ids) {
        stored.add(FlinkCheckpoint.at(id, path(id), minutesAgo(0)));
      }
      status.setJobId(JOB);
      return this;
    }

    Row storageAt(long id, Instant at) {
      stored.add(FlinkCheckpoint.at(id, path(id), at));
      status.setJobId(JOB);
      return this;
    }

    Row metadataId(String point, long id) {
      ids.put(point, id);
      return this;
    }

    Row gone(String point) {
      gone.add(point);
      return this;
    }

    Row storageUnreadable(String problem) {
      storageProblem = problem;
      return this;
    }

    Row storageNotRead() {
      storageRead = false;
      return this;
    }

    /** The storage as read for the query the choice asks: only the gone points are missing. */
    CheckpointStorageView storageView() {
      if (!storageRead) {
        return CheckpointStorageView.notRead();
      }
      // What the choice asks to read when nothing was read yet: the job's listing, or only the
      // one path it names outright.
      RestoreChoice first =
          RestorePoints.choose(new RestorePoints.Request(reason, spec, status, ha, null, NOW));
      StorageQuery query =
          first instanceof RestoreChoice.ReadStorageFirst read
              ? read.query()
              : RestorePoints.storageQuery(
                  new RestorePoints.Request(reason, spec, status, ha, null, NOW));
      if (storageProblem != null) {
        return CheckpointStorageView.failed(query.jobDirectory(), storageProblem);
      }
      var checked = new java.util.HashMap<String, Boolean>();
      query.paths().forEach(p -> checked.put(p, !gone.contains(p)));
      return new CheckpointStorageView(
          CheckpointStorageView.State.READ, query.jobDirectory(), stored, checked, ids, null);
    }

    Row finalSavepoint(String path) {
      var r = new CheckpointRef();
      r.setPath(path);
      r.setSource(RestorePoint.STOP_WITH_SAVEPOINT);
      status.setFinalSavepoint(r);
      return this;
    }

    Row expectReadOnly(String path) {
      expectation =
          c -> {
            assertThat(c).as(name).isInstanceOf(RestoreChoice.ReadStorageFirst.class);
            StorageQuery q = ((RestoreChoice.ReadStorageFirst) c).query();
            assertThat(q.jobDirectory()).as(name).isNull();
            assertThat(q.paths()).as(name).containsExactly(path);
          };
      return this;
    }

    Row expectReadFirst() {
      expectation =
          c -> {
            assertThat(c).as(name).isInstanceOf(RestoreChoice.ReadStorageFirst.class);
            StorageQuery q = ((RestoreChoice.ReadStorageFirst) c).query();
            assertThat(q.paths()).as(name).contains(path(12));
          };
      return this;
    }

    Row expectCaveat(String caveat) {
      Consumer<RestoreChoice> before = expectation;
      expectation =
          before.andThen(
              c -> assertThat(((RestoreChoice.From) c).caveat()).as(name).contains(caveat));
      return this;
    }

    Row expectEmpty() {
      return expect(null, null, null);
    }

    Row expectCheckpoint(long id, String source) {
      return expect(path(id), id, source);
    }

    Row expect(String path, Long id, String source) {
      expectation =
          c -> {
            assertThat(c).as(name).isInstanceOf(RestoreChoice.From.class);
            RestorePoint p = ((RestoreChoice.From) c).point();
            assertThat(p.path()).as(name + ": path").isEqualTo(path);
            assertThat(p.checkpointId()).as(name + ": id").isEqualTo(id);
            if (source != null) {
              assertThat(p.source()).as(name + ": source").isEqualTo(source);
            }
          };
      return this;
    }

    Row expectRefused(String why) {
      expectation =
          c -> {
            assertThat(c).as(name).isInstanceOf(RestoreChoice.Refused.class);
            assertThat(((RestoreChoice.Refused) c).why()).as(name).contains(why);
          };
      return this;
    }

    void check() {
      expectation.accept(
          RestorePoints.choose(
              new RestorePoints.Request(reason, spec, status, ha, storageView(), NOW)));
    }
  }
}
