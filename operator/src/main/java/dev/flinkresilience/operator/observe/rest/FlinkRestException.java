package dev.flinkresilience.operator.observe.rest;

/**
 * Why a Flink REST call failed, as one typed exception instead of whatever the HTTP stack or the
 * JSON parser threw. Callers branch on {@link #kind()}; the message names the call and the cause.
 */
public final class FlinkRestException extends RuntimeException {

  public enum Kind {
    /** No answer within the call timeout (connect or response). */
    TIMEOUT,
    /** No connection: refused, reset, unknown host. */
    UNREACHABLE,
    /** 404: Flink does not know the job. */
    NOT_FOUND,
    /** 5xx; {@link #status()} says which. */
    SERVER_ERROR,
    /** An answer we cannot use: not JSON, wrong shape, a missing field, an unexpected status. */
    BAD_ANSWER
  }

  private final Kind kind;
  private final int status;

  public FlinkRestException(Kind kind, int status, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.status = status;
  }

  static FlinkRestException badAnswer(String call, String what) {
    return new FlinkRestException(Kind.BAD_ANSWER, 0, call + ": " + what, null);
  }

  public Kind kind() {
    return kind;
  }

  /** The HTTP status when there was one, 0 otherwise. */
  public int status() {
    return status;
  }
}
