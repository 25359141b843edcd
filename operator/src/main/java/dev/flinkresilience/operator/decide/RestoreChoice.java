package dev.flinkresilience.operator.decide;

/** The outcome of choosing a restore point: where to start from, or why nothing is safe. */
public sealed interface RestoreChoice {

  /**
   * Start from this point ({@link RestorePoint#NONE} for empty state); {@code why} is for people.
   */
  record From(RestorePoint point, String why) implements RestoreChoice {}

  /** No restore point is safe; a human must decide. Nothing is deployed. */
  record Refused(String why) implements RestoreChoice {}
}
