package dev.flinkresilience.operator.observe.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.flinkresilience.operator.decide.CheckpointPaths;
import dev.flinkresilience.operator.decide.CheckpointStorageView;
import dev.flinkresilience.operator.decide.FlinkCheckpoint;
import dev.flinkresilience.operator.decide.StorageQuery;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage reader against a real file system, laid out as Flink lays out a job's checkpoints.
 */
class CheckpointStorageReaderTest {
  private static final String JOB = "0123456789abcdef0123456789abcdef";

  @TempDir Path temp;
  private Path jobDir;
  private String checkpointDir;

  @BeforeEach
  void layOut() throws Exception {
    checkpointDir = temp.toUri().toString(); // file:///..., as a user would write it
    jobDir = temp.resolve(JOB);
    complete(1);
    complete(2);
    Files.createDirectories(jobDir.resolve("chk-3")); // in progress: no _metadata yet
    Files.createDirectories(jobDir.resolve("shared"));
    Files.createDirectories(jobDir.resolve("taskowned"));
  }

  @Test
  void listsTheCompleteCheckpointsOnly() {
    CheckpointStorageView view = new CheckpointStorageReader().read(query());

    assertThat(view.state()).isEqualTo(CheckpointStorageView.State.READ);
    assertThat(view.checkpoints())
        .extracting(FlinkCheckpoint::id)
        .containsExactlyInAnyOrder(1L, 2L);
    assertThat(view.checkpoints())
        .as("spelled as Flink reports external paths")
        .extracting(FlinkCheckpoint::path)
        .contains(CheckpointPaths.of(checkpointDir, JOB, 2));
    assertThat(view.checkpoints())
        .allSatisfy(
            c ->
                assertThat(c.completedAt())
                    .as("the modification time of _metadata")
                    .isAfter(Instant.now().minus(Duration.ofMinutes(5))));
  }

  @Test
  void verifiesTheRestorePointsAskedAbout() throws Exception {
    Path savepoint = temp.resolve("savepoint-ab12");
    Files.createDirectories(savepoint);
    Files.writeString(savepoint.resolve("_metadata"), "x");
    String present = CheckpointPaths.pointDirectory(savepoint.toUri().toString());
    String missing = CheckpointPaths.of(checkpointDir, JOB, 3);
    String file =
        CheckpointPaths.pointDirectory(jobDir.resolve("chk-2/_metadata").toUri().toString());

    CheckpointStorageView view =
        new CheckpointStorageReader()
            .read(new StorageQuery(jobDirectory(), Set.of(present, missing, file)));

    assertThat(view.checked()).containsEntry(present, true).containsEntry(missing, false);
    assertThat(view.exists(missing)).contains(false);
    assertThat(view.exists(CheckpointPaths.of(checkpointDir, JOB, 2) + "/_metadata"))
        .as("a restore path naming the file is the same point")
        .contains(true);
  }

  @Test
  void readsASavepointsIdFromTheHeadOfItsMetadata() throws Exception {
    Path savepoint = temp.resolve("savepoint-0123ab-5e4c0c4d3d9d");
    Files.createDirectories(savepoint);
    Files.write(savepoint.resolve("_metadata"), MetadataHeaderTest.head(0x4960672d, 6, 14, 16));
    Path notFlinks = temp.resolve("savepoint-by-hand");
    Files.createDirectories(notFlinks);
    Files.writeString(notFlinks.resolve("_metadata"), "x");
    String withId = CheckpointPaths.pointDirectory(savepoint.toUri().toString());
    String withoutId = CheckpointPaths.pointDirectory(notFlinks.toUri().toString());

    CheckpointStorageView view =
        new CheckpointStorageReader()
            .read(new StorageQuery(jobDirectory(), Set.of(withId, withoutId)));

    assertThat(view.idOf(withId)).contains(14L);
    assertThat(view.exists(withoutId))
        .as("a head that is not Flink's costs the id only")
        .contains(true);
    assertThat(view.idOf(withoutId)).isEmpty();
    assertThat(view.idOf(CheckpointPaths.of(checkpointDir, JOB, 2)))
        .as("a listed checkpoint's id is its directory's")
        .contains(2L);
  }

  @Test
  void aJobWithoutCheckpointsYetIsReadAsEmpty() {
    CheckpointStorageView view =
        new CheckpointStorageReader()
            .read(
                new StorageQuery(
                    CheckpointPaths.jobDirectory(checkpointDir, "ff" + JOB.substring(2)),
                    Set.of()));

    assertThat(view.state()).isEqualTo(CheckpointStorageView.State.READ);
    assertThat(view.checkpoints()).isEmpty();
  }

  @Test
  void anUnreadableDirectoryIsAFailedViewWithItsReason() throws Exception {
    assumeFalse("root".equals(System.getProperty("user.name")), "root reads any directory");
    Files.setPosixFilePermissions(jobDir, PosixFilePermissions.fromString("---------"));
    try {
      CheckpointStorageView view = new CheckpointStorageReader().read(query());

      assertThat(view.state()).isEqualTo(CheckpointStorageView.State.FAILED);
      assertThat(view.problem()).contains(JOB);
      assertThat(view.checkpoints()).isEmpty();
    } finally {
      Files.setPosixFilePermissions(jobDir, PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  void anUnknownSchemeIsAFailedViewNotAnException() {
    CheckpointStorageView view =
        new CheckpointStorageReader()
            .read(new StorageQuery("nosuchfs://bucket/cp/" + JOB, Set.of()));

    assertThat(view.state()).isEqualTo(CheckpointStorageView.State.FAILED);
    assertThat(view.problem()).contains("nosuchfs://bucket/cp/" + JOB);
  }

  @Test
  void examinesAtMostTheLimitHighestIdsFirst() throws Exception {
    complete(4);
    complete(5);

    CheckpointStorageView view = new CheckpointStorageReader(100, 2).read(query());

    assertThat(view.checkpoints())
        .extracting(FlinkCheckpoint::id)
        .containsExactlyInAnyOrder(4L, 5L);
  }

  @Test
  void aDirectoryWithMoreEntriesThanTheLimitIsNotExamined() {
    CheckpointStorageView view = new CheckpointStorageReader(4, 50).read(query());

    assertThat(view.state()).isEqualTo(CheckpointStorageView.State.FAILED);
    assertThat(view.problem()).contains("5 entries, more than 4");
  }

  @Test
  void aReadThatHangsGivesAFailedViewAfterTheTimeout() throws Exception {
    var executor = Executors.newSingleThreadExecutor();
    var release = new CountDownLatch(1);
    try {
      var reads =
          new CheckpointStorageReads(
              q -> {
                try {
                  release.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                return CheckpointStorageView.notRead();
              },
              executor,
              Duration.ofMillis(100));
      var id = new io.javaoperatorsdk.operator.processing.event.ResourceID("j", "ns");
      reads.request(id, query());
      assertThat(reads.view(id).state()).isEqualTo(CheckpointStorageView.State.NOT_READ);
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (reads.view(id).state() == CheckpointStorageView.State.NOT_READ
          && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      CheckpointStorageView view = reads.view(id);
      assertThat(view.state()).isEqualTo(CheckpointStorageView.State.FAILED);
      assertThat(view.problem()).contains("no answer within 100 ms");
      assertThat(view.answers(query())).as("a failed read answers its query").isTrue();
    } finally {
      release.countDown();
      executor.shutdownNow();
    }
  }

  private StorageQuery query() {
    return new StorageQuery(jobDirectory(), Set.of());
  }

  private String jobDirectory() {
    return CheckpointPaths.jobDirectory(checkpointDir, JOB);
  }

  private void complete(long id) throws Exception {
    Path chk = jobDir.resolve("chk-" + id);
    Files.createDirectories(chk);
    Files.writeString(chk.resolve("_metadata"), "metadata of " + id);
  }
}
