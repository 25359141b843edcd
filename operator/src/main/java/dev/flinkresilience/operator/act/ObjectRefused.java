package dev.flinkresilience.operator.act;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * The API server answered an apply with a refusal: a quota, a full Service IP range, an admission
 * webhook, a forbidden field. Unlike a lost connection or a conflict, retrying at once changes
 * nothing, and nobody sees a failed pass: the reconciler reports it on the job (naming the object
 * and the server's words) and tries again with back-off.
 */
public final class ObjectRefused extends RuntimeException {
  private final String object;
  private final int code;
  private final String answer;

  ObjectRefused(HasMetadata refused, KubernetesClientException cause) {
    super(describe(refused) + " refused: " + answer(cause), cause);
    this.object = describe(refused);
    this.code = cause.getCode();
    this.answer = answer(cause);
  }

  /**
   * Whether {@code e} is the server's refusal rather than a transient failure: it answered (a
   * connection error has no code), and not with a conflict (409: someone wrote in between, the next
   * pass reads afresh) or a sign of being busy (429 and 503, worth JOSDK's quick retries).
   */
  static boolean isRefusal(KubernetesClientException e) {
    int code = e.getCode();
    return code >= 400 && code != 409 && code != 429 && code != 503;
  }

  /** e.g. {@code Service streaming/orders-rest}. */
  public String object() {
    return object;
  }

  /** The HTTP status of the answer. */
  public int code() {
    return code;
  }

  /** The server's own message, e.g. {@code exceeded quota: ...}. */
  public String answer() {
    return answer;
  }

  private static String describe(HasMetadata o) {
    return o.getKind() + " " + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }

  private static String answer(KubernetesClientException e) {
    var status = e.getStatus();
    return status != null && status.getMessage() != null ? status.getMessage() : e.getMessage();
  }
}
