package dev.flinkresilience.local.bench;

import java.util.Locale;

/**
 * One planned restart measured by {@link UpgradeBenchmark}: seconds from the spec edit to each step
 * (NaN where the step does not apply, e.g. the savepoint of a last-state upgrade, or did not
 * happen), the restore point the new deployment used, and the committed output.
 *
 * @param seen the operator began the upgrade ({@code status.operation.startedAt})
 * @param savepoint the stop's savepoint completed, as the operator recorded it ({@code
 *     status.savepoints[].completedAt} of the Upgrade record)
 * @param savepointOwn that record's {@code completedAt - triggeredAt}: trigger to seen complete
 * @param savepointWritten the savepoint's {@code _metadata} written (its file time) minus that
 *     {@code triggeredAt}: its duration as the storage shows it, without the operator's polling
 * @param jobManagerGone the last JobManager pod of the old deployment removed from the API server
 * @param podsGone the last pod of the old deployment (TaskManagers too) removed
 * @param deployed the new deployment made ({@code status.deployment.deployedAt})
 * @param running the new deployment's job RUNNING ({@code status.jobStateSince}): the total
 * @param flinkRunning the new job RUNNING by Flink's own timestamp ({@code GET /jobs/:id})
 * @param firstCheckpoint the new job's first checkpoint complete in storage
 * @param restoredSource {@code status.restoredFrom.source} as the operator wrote it with the new
 *     deployment (Flink's own report replaces it with source {@code rest} once polled)
 * @param flinkRestoredPath {@code status.restoredFrom.path} once Flink reported the restore
 * @param fallback why a savepoint upgrade went on without one ({@code status.operation.fallback})
 */
record UpgradeRow(
    String ha,
    String mode,
    int repeat,
    String editAt,
    double seen,
    double savepoint,
    double savepointOwn,
    double savepointWritten,
    double jobManagerGone,
    double podsGone,
    double deployed,
    double running,
    double flinkRunning,
    double firstCheckpoint,
    String restoredSource,
    String restoredPath,
    long restoredId,
    String flinkRestoredPath,
    long lost,
    long duplicated,
    long stateErrors,
    long records,
    String fallback,
    String error) {

  static final String STATELESS = "stateless";

  /** A run that did not complete; {@code error} says where it stopped. */
  static UpgradeRow failed(String ha, String mode, int repeat, String editAt, String error) {
    double n = Double.NaN;
    return new UpgradeRow(
        ha, mode, repeat, editAt, n, n, n, n, n, n, n, n, n, n, null, null, -1, null, -1, -1, -1,
        -1, null, error);
  }

  /** The new deployment's own start: deployed to RUNNING. */
  double start() {
    return running - deployed;
  }

  /**
   * Whether the output is what the mode promises: exactly-once for savepoint and last-state; a
   * stateless upgrade starts the sequence again from 0 by design, so its duplicates are expected
   * and only loss or broken keyed state count against it.
   */
  boolean ok() {
    if (error != null || records <= 0) {
      return false;
    }
    boolean dupAllowed = STATELESS.equals(mode);
    return lost == 0 && stateErrors == 0 && (dupAllowed || duplicated == 0);
  }

  /** The verdict column: ok, what was wrong, or the error. */
  String check() {
    if (error != null) {
      return "ERROR";
    }
    String verdict = ok() ? "ok" : "FAIL";
    if (ok() && STATELESS.equals(mode) && duplicated > 0) {
      verdict = "ok (replayed from 0)";
    }
    return fallback == null ? verdict : verdict + ", fallback";
  }

  /** {@code source:last path element}, e.g. {@code stopWithSavepoint:savepoint-1a2b3c-…}. */
  String restoredShort() {
    if (restoredSource == null && restoredPath == null) {
      return "none";
    }
    String p = restoredPath == null ? "" : restoredPath.replaceAll("/+$", "");
    String last = p.substring(p.lastIndexOf('/') + 1);
    return restoredSource + ":" + (last.length() > 22 ? last.substring(0, 22) : last);
  }

  String json() {
    return String.format(
        Locale.ROOT,
        "{\"ha\":\"%s\",\"mode\":\"%s\",\"repeat\":%d,\"editAt\":%s,\"seenSeconds\":%s,"
            + "\"savepointSeconds\":%s,\"savepointOwnSeconds\":%s,\"savepointWrittenSeconds\":%s,"
            + "\"jobManagerGoneSeconds\":%s,\"podsGoneSeconds\":%s,\"deployedSeconds\":%s,"
            + "\"runningSeconds\":%s,\"flinkRunningSeconds\":%s,\"startSeconds\":%s,\"firstCheckpointSeconds\":%s,"
            + "\"restoredSource\":%s,\"restoredPath\":%s,\"restoredId\":%s,"
            + "\"flinkRestoredPath\":%s,\"recordsLost\":%d,"
            + "\"recordsDuplicated\":%d,\"stateErrors\":%d,\"recordsCommitted\":%d,"
            + "\"fallback\":%s,\"ok\":%b,\"error\":%s}",
        ha,
        mode,
        repeat,
        str(editAt),
        Result.num(seen),
        Result.num(savepoint),
        Result.num(savepointOwn),
        Result.num(savepointWritten),
        Result.num(jobManagerGone),
        Result.num(podsGone),
        Result.num(deployed),
        Result.num(running),
        Result.num(flinkRunning),
        Result.num(start()),
        Result.num(firstCheckpoint),
        str(restoredSource),
        str(restoredPath),
        restoredId < 0 ? "null" : Long.toString(restoredId),
        str(flinkRestoredPath),
        lost,
        duplicated,
        stateErrors,
        records,
        str(fallback),
        ok(),
        str(error));
  }

  private static String str(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> b.append(c < 0x20 ? ' ' : c);
      }
    }
    return b.append('"').toString();
  }
}
