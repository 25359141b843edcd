package dev.flinkresilience.local.storage;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a job's checkpoints, savepoints and HA data live, and how a test sees them (pure): the URI
 * Flink is given ({@code file://…} or {@code s3://bucket/key}) and the file on this machine that
 * holds it. On S3 that is the file S3Proxy's filesystem backend keeps for the object: {@code
 * <bucket directory>/<key>}, so a test lists, reads and deletes "storage" as plain files, without
 * asking Flink or the operator.
 *
 * @param bucket the bucket, or empty for {@code file://}
 * @param bucketDir the directory holding the bucket's objects (S3), unused for {@code file://}
 * @param flinkConfiguration what a job needs in its {@code flinkConfiguration} to reach it
 */
public record StorageLayout(String bucket, Path bucketDir, Map<String, String> flinkConfiguration) {

  public StorageLayout {
    // In the order given: the job's YAML lists them so.
    flinkConfiguration =
        java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(flinkConfiguration));
  }

  /** Plain files, {@code file://}. */
  public static StorageLayout file() {
    return new StorageLayout("", Path.of("/"), Map.of());
  }

  public boolean s3() {
    return !bucket.isEmpty();
  }

  /**
   * Where a job whose files would be under {@code jobDir} keeps its storage: there for {@code
   * file://}, else under {@code jobs/<its name>} in the bucket.
   */
  public Path storageDir(Path jobDir) {
    return s3() ? bucketDir.resolve("jobs").resolve(jobDir.getFileName().toString()) : jobDir;
  }

  /** The URI Flink is given for the local file {@code local} (in the bucket's directory on S3). */
  public String uri(Path local) {
    if (!s3()) {
      return "file://" + local;
    }
    Path abs = local.toAbsolutePath().normalize();
    if (!abs.startsWith(bucketDir)) {
      throw new IllegalArgumentException(local + " is not in the bucket's directory " + bucketDir);
    }
    return "s3://" + bucket + "/" + bucketDir.relativize(abs);
  }

  /**
   * The local file for a path as Flink reports it: {@code file:/x}, {@code file:///x}, {@code /x},
   * or {@code s3://bucket/key} of this layout's bucket.
   */
  public Path local(String path) {
    if (path.startsWith("s3://") || path.startsWith("s3p://") || path.startsWith("s3a://")) {
      URI uri = URI.create(path);
      if (!bucket.equals(uri.getHost())) {
        throw new IllegalArgumentException(path + " is not in bucket " + bucket);
      }
      return bucketDir.resolve(uri.getPath().replaceFirst("^/+", ""));
    }
    if (path.startsWith("file:")) {
      return Path.of(URI.create(path.replaceFirst("^file:/+", "file:///")));
    }
    return Path.of(path);
  }
}
