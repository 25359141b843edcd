package dev.flinkresilience.operator.observe.storage;

import dev.flinkresilience.operator.decide.CheckpointPaths;
import dev.flinkresilience.operator.decide.CheckpointStorageView;
import dev.flinkresilience.operator.decide.FlinkCheckpoint;
import dev.flinkresilience.operator.decide.StorageQuery;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Reads a job's checkpoint directory through Flink's own {@link FileSystem}, so every scheme Flink
 * can write (file://, and s3://, gs://, hdfs:// once their plugins are loaded) reads the same way.
 * Strictly read-only: {@code listStatus}, {@code getFileStatus}, and the first 16 bytes of a
 * restore point's metadata (its checkpoint id, see {@link MetadataHeader}).
 *
 * <p>A checkpoint is complete when its {@code chk-<id>} directory holds {@code _metadata}: Flink
 * writes that file last, so a directory without it is a checkpoint in progress or abandoned. Other
 * entries ({@code shared/}, {@code taskowned/}) are ignored.
 *
 * <p>Bounded: a directory with more than {@code maxEntries} entries is not examined (the view
 * fails, naming the count), and at most {@code maxCheckpoints} {@code chk-*} directories are
 * examined, the highest ids first, since only the newest matters. Time is bounded by the caller
 * ({@link CheckpointStorageReads}). Never throws: an error is a {@code FAILED} view with its
 * reason.
 */
public final class CheckpointStorageReader {
  /** Far above {@code state.checkpoints.num-retained} plus Flink's shared directories. */
  public static final int MAX_ENTRIES = 10_000;

  /** Checkpoint directories examined per read; each costs one metadata lookup. */
  public static final int MAX_CHECKPOINTS = 50;

  /** Restore points from status and the HA store verified per read. */
  public static final int MAX_PATHS = 32;

  private final int maxEntries;
  private final int maxCheckpoints;

  public CheckpointStorageReader() {
    this(MAX_ENTRIES, MAX_CHECKPOINTS);
  }

  public CheckpointStorageReader(int maxEntries, int maxCheckpoints) {
    this.maxEntries = maxEntries;
    this.maxCheckpoints = maxCheckpoints;
  }

  public CheckpointStorageView read(StorageQuery query) {
    String where = query.jobDirectory();
    try {
      List<FlinkCheckpoint> checkpoints = where == null ? List.of() : list(where);
      Map<String, Boolean> checked = new HashMap<>();
      Map<String, Long> ids = new HashMap<>();
      for (String point : query.paths().stream().limit(MAX_PATHS).toList()) {
        where = point;
        Optional<Path> metadata = metadata(point);
        checked.put(point, metadata.isPresent());
        if (metadata.isPresent()) {
          checkpointId(metadata.get()).ifPresent(id -> ids.put(point, id));
        }
      }
      return new CheckpointStorageView(
          CheckpointStorageView.State.READ, query.jobDirectory(), checkpoints, checked, ids, null);
    } catch (IOException | RuntimeException e) {
      return CheckpointStorageView.failed(query.jobDirectory(), describe(where, e));
    }
  }

  private List<FlinkCheckpoint> list(String jobDirectory) throws IOException {
    Path dir = new Path(jobDirectory);
    FileSystem fs = dir.getFileSystem();
    FileStatus[] entries;
    try {
      entries = fs.listStatus(dir);
    } catch (FileNotFoundException e) {
      return List.of(); // no checkpoint was ever written for this job
    }
    if (entries == null) {
      return List.of(); // some file systems answer a missing directory with null
    }
    if (entries.length > maxEntries) {
      throw new IOException(
          jobDirectory + " holds " + entries.length + " entries, more than " + maxEntries);
    }
    List<FileStatus> candidates = new ArrayList<>();
    for (FileStatus entry : entries) {
      if (entry.isDir() && CheckpointPaths.checkpointId(entry.getPath().getName()) >= 0) {
        candidates.add(entry);
      }
    }
    candidates.sort(
        Comparator.comparingLong(
                (FileStatus e) -> CheckpointPaths.checkpointId(e.getPath().getName()))
            .reversed());
    List<FlinkCheckpoint> complete = new ArrayList<>();
    for (FileStatus entry : candidates.subList(0, Math.min(maxCheckpoints, candidates.size()))) {
      long id = CheckpointPaths.checkpointId(entry.getPath().getName());
      FileStatus metadata = status(fs, new Path(entry.getPath(), CheckpointPaths.METADATA));
      if (metadata != null && !metadata.isDir()) {
        // Spelled as Flink reports external paths, so it compares equal to status and HA paths.
        String path = CheckpointPaths.pointDirectory(jobDirectory + "/chk-" + id);
        complete.add(FlinkCheckpoint.at(id, path, time(metadata)));
      }
    }
    return complete;
  }

  /**
   * The metadata file that makes a restore point restorable, if there is one: Flink accepts a
   * directory holding {@code _metadata} or the metadata file itself, by any name.
   */
  private static Optional<Path> metadata(String point) throws IOException {
    Path path = new Path(point);
    FileSystem fs = path.getFileSystem();
    Path inside = new Path(path, CheckpointPaths.METADATA);
    FileStatus status = status(fs, inside);
    if (status != null && !status.isDir()) {
      return Optional.of(inside);
    }
    FileStatus itself = status(fs, path);
    return itself != null && !itself.isDir() ? Optional.of(path) : Optional.empty();
  }

  /**
   * The id at the head of a metadata file; empty when it cannot be read or is not Flink's. The
   * point exists either way: a head that cannot be read costs the id, not the restore.
   */
  private static OptionalLong checkpointId(Path metadata) {
    try (FSDataInputStream in = metadata.getFileSystem().open(metadata)) {
      return MetadataHeader.checkpointId(in);
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  private static FileStatus status(FileSystem fs, Path path) throws IOException {
    try {
      return fs.getFileStatus(path);
    } catch (FileNotFoundException e) {
      return null;
    }
  }

  private static Instant time(FileStatus status) {
    long millis = status.getModificationTime();
    return millis > 0 ? Instant.ofEpochMilli(millis) : null;
  }

  private static String describe(String where, Exception e) {
    String message = e.getMessage() == null ? "" : ": " + e.getMessage();
    return "reading " + where + " failed (" + e.getClass().getSimpleName() + message + ")";
  }
}
