package dev.flinkresilience.operator.observe.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkresilience.operator.decide.CheckpointPaths;
import dev.flinkresilience.operator.decide.CheckpointStorageView;
import dev.flinkresilience.operator.decide.FlinkCheckpoint;
import dev.flinkresilience.operator.decide.StorageQuery;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.FileSystem;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage reader against a real S3 API: S3Proxy in-process (its filesystem backend in a
 * temporary directory, on loopback, with an access key), read through Flink's {@code
 * flink-s3-fs-presto} plugin loaded from a plugins directory ({@code target/flink-plugins}, put
 * there by the build) and the operator's own storage configuration, as {@link FlinkFileSystems}
 * sets them up at the operator's start.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3CheckpointStorageReaderTest {
  private static final String JOB = "0123456789abcdef0123456789abcdef";
  private static final String BUCKET = "checkpoints";
  private static final String ACCESS_KEY = "operator-test";
  private static final String SECRET_KEY = "operator-test-secret";

  private BlobStoreContext context;
  private S3Proxy s3;
  private String checkpointDir;

  @BeforeAll
  void start(@TempDir Path temp) throws Exception {
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", temp.resolve("s3").toString());
    context =
        ContextBuilder.newBuilder("filesystem")
            .overrides(properties)
            .buildView(BlobStoreContext.class);
    BlobStore store = context.getBlobStore();
    store.createContainerInLocation(null, BUCKET);
    s3 =
        S3Proxy.builder()
            .blobStore(store)
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .build();
    s3.start();
    while (!"STARTED".equals(s3.getState())) {
      Thread.sleep(10);
    }

    // As Flink lays out a job's checkpoints: chk-1 and chk-3 complete, chk-4 in progress (state
    // files, no _metadata yet; S3 has no empty directories), shared state beside them.
    put("cp/" + JOB + "/chk-1/_metadata");
    put("cp/" + JOB + "/chk-3/_metadata");
    put("cp/" + JOB + "/chk-3/state-a");
    put("cp/" + JOB + "/chk-4/state-b");
    put("cp/" + JOB + "/shared/state-c");
    put("savepoints/savepoint-0123ab-cdef/_metadata");
    checkpointDir = "s3://" + BUCKET + "/cp";

    Path config = temp.resolve("storage.yaml");
    Files.writeString(
        config,
        "s3:\n"
            + "  endpoint: http://127.0.0.1:"
            + s3.getPort()
            + "\n  path.style.access: true\n"
            + "  access-key: "
            + ACCESS_KEY
            + "\n  secret-key: "
            + SECRET_KEY
            + "\n");
    String loaded =
        FlinkFileSystems.initialize(
            new StorageAccess(
                Optional.of(Path.of(System.getProperty("flink.plugins.dir"))),
                Optional.of(config)));
    assertThat(loaded).contains("s3-fs-presto").contains("4 keys");
  }

  @AfterAll
  void stop() throws Exception {
    // Flink's file systems are process-wide: other tests in this JVM get the defaults back.
    FileSystem.initialize(new Configuration(), null);
    if (s3 != null) {
      s3.stop();
    }
    if (context != null) {
      context.close();
    }
  }

  private void put(String key) {
    BlobStore store = context.getBlobStore();
    store.putBlob(
        BUCKET, store.blobBuilder(key).payload("x".getBytes(StandardCharsets.UTF_8)).build());
  }

  @Test
  void listsTheCompleteCheckpointsOnS3() {
    CheckpointStorageView view =
        new CheckpointStorageReader()
            .read(new StorageQuery(CheckpointPaths.jobDirectory(checkpointDir, JOB), Set.of()));

    assertThat(view.state()).as("%s", view.problem()).isEqualTo(CheckpointStorageView.State.READ);
    assertThat(view.checkpoints())
        .extracting(FlinkCheckpoint::id)
        .as("chk-4 holds no _metadata: in progress")
        .containsExactlyInAnyOrder(1L, 3L);
    assertThat(view.checkpoints())
        .extracting(FlinkCheckpoint::path)
        .contains(CheckpointPaths.of(checkpointDir, JOB, 3));
  }

  @Test
  void verifiesRestorePointsOnS3AndFindsAMissingSavepointMissing() {
    String present = "s3://" + BUCKET + "/savepoints/savepoint-0123ab-cdef";
    String missing = "s3://" + BUCKET + "/savepoints/savepoint-4567ef-0000";
    String inProgress = CheckpointPaths.of(checkpointDir, JOB, 4);
    String complete = CheckpointPaths.of(checkpointDir, JOB, 3);

    CheckpointStorageView view =
        new CheckpointStorageReader()
            .read(
                new StorageQuery(
                    CheckpointPaths.jobDirectory(checkpointDir, JOB),
                    Set.of(present, missing, inProgress, complete)));

    assertThat(view.state()).as("%s", view.problem()).isEqualTo(CheckpointStorageView.State.READ);
    assertThat(view.checked())
        .containsEntry(present, true)
        .containsEntry(missing, false)
        .containsEntry(inProgress, false)
        .containsEntry(complete, true);
  }

  @Test
  void aJobWithoutCheckpointsOnS3IsReadAsEmpty() {
    CheckpointStorageView view =
        new CheckpointStorageReader()
            .read(
                new StorageQuery(
                    CheckpointPaths.jobDirectory(checkpointDir, "ff" + JOB.substring(2)),
                    Set.of()));

    assertThat(view.state()).as("%s", view.problem()).isEqualTo(CheckpointStorageView.State.READ);
    assertThat(view.checkpoints()).isEmpty();
  }

  @Test
  void aBucketTheCredentialsCannotReachIsAFailedViewWithItsReason() {
    CheckpointStorageView view =
        new CheckpointStorageReader()
            .read(new StorageQuery("s3://no-such-bucket/cp/" + JOB, Set.of()));

    // S3Proxy answers NoSuchBucket; Flink's S3 file system may call that empty or an error:
    // either way a view, never an exception, and never a checkpoint.
    assertThat(view.checkpoints()).isEmpty();
    if (view.state() == CheckpointStorageView.State.FAILED) {
      assertThat(view.problem()).contains("s3://no-such-bucket/cp/" + JOB);
    }
  }
}
