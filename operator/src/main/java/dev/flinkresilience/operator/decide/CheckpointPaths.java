package dev.flinkresilience.operator.decide;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where Flink writes a checkpoint: {@code <execution.checkpointing.dir>/<job id>/chk-<id>}, the
 * directory holding its {@code _metadata}. The operator owns both the directory key and the job id,
 * so a checkpoint id read from the HA store names its external path without asking Flink.
 *
 * <p>The path is spelled as Flink reports it ({@code external_path}), which is how Flink's {@code
 * Path} prints it: an empty authority is dropped ({@code file:///data} is {@code file:/data}),
 * repeated slashes are collapsed and a trailing one is removed. A real MiniCluster checked this
 * (ZooKeeperHaStoreMiniClusterTest): a {@code file:///} directory came back as {@code file:/}.
 */
public final class CheckpointPaths {
  /** The file that makes a checkpoint or savepoint directory complete and restorable. */
  public static final String METADATA = "_metadata";

  private static final Pattern CHECKPOINT_NAME = Pattern.compile("^chk-(\\d{1,18})$");
  private static final Pattern URI_LIKE =
      Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*:)(?://([^/]*))?(.*)$");

  private CheckpointPaths() {}

  public static String of(String checkpointDirectory, String jobId, long checkpointId) {
    return normalized(checkpointDirectory + "/" + jobId + "/chk-" + checkpointId);
  }

  /**
   * {@code <execution.checkpointing.dir>/<job id>}, where a job's {@code chk-*} directories are.
   */
  public static String jobDirectory(String checkpointDirectory, String jobId) {
    return normalized(checkpointDirectory + "/" + jobId);
  }

  /**
   * A restore path as the directory of its point: Flink accepts both a checkpoint's or savepoint's
   * directory and its {@code _metadata} file, so {@code .../chk-7/_metadata} and {@code .../chk-7}
   * name the same point.
   */
  public static String pointDirectory(String restorePath) {
    String path = normalized(restorePath);
    String suffix = "/" + METADATA;
    return path.endsWith(suffix) ? path.substring(0, path.length() - suffix.length()) : path;
  }

  /** The id of a directory named {@code chk-<id>}; -1 for any other name. */
  public static long checkpointId(String directoryName) {
    Matcher m = CHECKPOINT_NAME.matcher(directoryName);
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  private static String normalized(String location) {
    Matcher uri = URI_LIKE.matcher(location);
    if (!uri.matches()) {
      return collapse(location);
    }
    String authority = uri.group(2);
    return uri.group(1)
        + (authority == null || authority.isEmpty() ? "" : "//" + authority)
        + collapse(uri.group(3));
  }

  private static String collapse(String path) {
    String collapsed = path.replaceAll("/+", "/");
    return collapsed.length() > 1 && collapsed.endsWith("/")
        ? collapsed.substring(0, collapsed.length() - 1)
        : collapsed;
  }
}
