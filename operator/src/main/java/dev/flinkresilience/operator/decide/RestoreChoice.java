package dev.flinkresilience.operator.decide;

/** The outcome of choosing a restore point: where to start from, or why nothing is safe. */
public sealed interface RestoreChoice {

  /**
   * Start from this point ({@link RestorePoint#NONE} for empty state); {@code why} is for people,
   * and {@code caveat}, when not null, is what could not be checked (the storage unreadable).
   */
  record From(RestorePoint point, String why, String caveat) implements RestoreChoice {
    public From(RestorePoint point, String why) {
      this(point, why, null);
    }
  }

  /** No restore point is safe; a human must decide. Nothing is deployed. */
  record Refused(String why) implements RestoreChoice {}

  /**
   * The choice needs the checkpoint storage read first (after the teardown, so that nothing newer
   * can appear): nothing is deployed until the read answers {@code query}.
   */
  record ReadStorageFirst(StorageQuery query) implements RestoreChoice {}
}
