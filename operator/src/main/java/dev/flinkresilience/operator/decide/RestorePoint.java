package dev.flinkresilience.operator.decide;

/**
 * Where a deployment starts from: a checkpoint or savepoint path (with its id when known), or
 * nothing (empty state).
 */
public record RestorePoint(String path, Long checkpointId, String source) {
  public static final RestorePoint NONE = new RestorePoint(null, null, "none");

  /** Empty state because {@code recovery.restoreFrom} is none: the user's choice, not a default. */
  public static final RestorePoint EMPTY_BY_CHOICE = new RestorePoint(null, null, "restoreFrom");

  /** Where a stop with a savepoint's savepoint comes from, in status and messages. */
  public static final String STOP_WITH_SAVEPOINT = "stopWithSavepoint";

  /**
   * The savepoint a planned stop took: the job's final state. Its id is unknown; nothing is newer.
   */
  public static RestorePoint finalSavepoint(String path) {
    return new RestorePoint(path, null, STOP_WITH_SAVEPOINT);
  }

  /** Whether this is the savepoint of a planned stop: every older checkpoint is behind it. */
  public boolean isFinalSavepoint() {
    return STOP_WITH_SAVEPOINT.equals(source);
  }

  /** A user's savepoint. */
  public static RestorePoint user(String path) {
    return new RestorePoint(path, null, "user");
  }

  /**
   * Whether the deployment deliberately leaves the recorded checkpoint line: the user named a
   * savepoint or chose empty state. Flink's ids may then start lower, so the record starts anew;
   * this is the only way the recorded id goes down.
   */
  public boolean startsRecordAfresh() {
    return "user".equals(source) || this == EMPTY_BY_CHOICE || "restoreFrom".equals(source);
  }

  public boolean isNone() {
    return path == null;
  }
}
