package dev.flinkresilience.local.check;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * A job's checkpoint storage read straight from the file system, as a test's own witness: it does
 * not ask the operator (whose status may lag) nor Flink (which may be frozen). A checkpoint is
 * complete when {@code <dir>/<job id>/chk-N/_metadata} exists: Flink writes the metadata last.
 */
public final class CheckpointStorage {
  private static final String METADATA = "_metadata";
  private final Path dir;

  private CheckpointStorage(Path dir) {
    this.dir = dir;
  }

  /** The storage under {@code dir} (the job's {@code checkpointing.directory}, as a path). */
  public static CheckpointStorage at(Path dir) {
    return new CheckpointStorage(dir);
  }

  public Path dir() {
    return dir;
  }

  /** The id of the newest complete checkpoint of {@code jobId}, if any. */
  public OptionalLong newest(String jobId) {
    Path jobDir = dir.resolve(jobId);
    for (int attempt = 1; ; attempt++) {
      if (!Files.isDirectory(jobDir)) {
        return OptionalLong.empty();
      }
      try (Stream<Path> list = Files.list(jobDir)) {
        return list.filter(p -> Files.isRegularFile(p.resolve(METADATA)))
            .map(p -> p.getFileName().toString())
            .filter(n -> n.matches("chk-\\d+"))
            .mapToLong(n -> Long.parseLong(n.substring(4)))
            .max();
      } catch (IOException | UncheckedIOException e) {
        // A directory Flink deletes (retention) while we list it: list again.
        if (attempt == 3) {
          throw new IllegalStateException("cannot list " + jobDir + ": " + e, e);
        }
      }
    }
  }

  /** The directory of checkpoint {@code id} of {@code jobId}. */
  public Path checkpoint(String jobId, long id) {
    return dir.resolve(jobId).resolve("chk-" + id);
  }

  /**
   * Waits until a checkpoint newer than {@code after} is complete, polling often, so that the
   * caller knows it stands right at the start of a checkpoint interval.
   */
  public long awaitNewer(String jobId, long after, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      OptionalLong newest = newest(jobId);
      if (newest.isPresent() && newest.getAsLong() > after) {
        return newest.getAsLong();
      }
      Thread.sleep(25);
    }
    throw new AssertionError(
        "no checkpoint after " + after + " completed in " + dir.resolve(jobId) + " in " + timeout);
  }

  /**
   * Savepoint directories ({@code savepoint-…} holding {@code _metadata}) anywhere below {@code
   * root} created at or after {@code since}: a stop-with-savepoint's final savepoint.
   */
  public static List<Path> savepointsCreatedSince(Path root, Instant since) {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(root, 4)) {
      return walk.filter(p -> p.getFileName().toString().startsWith("savepoint-"))
          .filter(p -> Files.isRegularFile(p.resolve(METADATA)))
          .filter(p -> !created(p).isBefore(since))
          .sorted(Comparator.comparing(CheckpointStorage::created))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * When {@code dir} was created: its birth time where the JDK reads one, else its last
   * modification, which for a savepoint is when its last file was written: either is after the
   * action for a savepoint taken by it, and before it for an older one.
   */
  public static Instant created(Path dir) {
    try {
      return Files.readAttributes(dir, BasicFileAttributes.class).creationTime().toInstant();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes a checkpoint or savepoint directory by hand, as an operator of storage might. */
  public static void delete(Path pointDir) {
    try (Stream<Path> walk = Files.walk(pointDir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
