package dev.flinkresilience.operator.decide;

/**
 * Where a deployment starts from: a checkpoint or savepoint path (with its id when known), or
 * nothing (empty state).
 */
public record RestorePoint(String path, Long checkpointId, String source) {
  public static final RestorePoint NONE = new RestorePoint(null, null, "none");

  public boolean isNone() {
    return path == null;
  }
}
