package dev.flinkresilience.operator.observe.rest;

import dev.flinkresilience.operator.observe.rest.FlinkRestException.Kind;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.ResponseInfo;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads a Flink REST answer whole, up to a limit. A JobManager runs the tenant's code and image, so
 * its answers are tenant input: without a limit one answer (or one that never ends) could fill the
 * operator's heap that every other job shares. Past the limit the body fails with {@link
 * Kind#BAD_ANSWER} and the connection is dropped; nothing beyond the limit is kept. A {@code
 * Content-Length} above the limit is refused before any of the body is read.
 */
final class BoundedBody implements HttpResponse.BodyHandler<byte[]> {
  /**
   * The largest answer read. The calls the operator makes answer a few KiB (a checkpoint summary
   * with a long storage path is the largest, well under 64 KiB); 1 MiB leaves room for jobs with
   * many vertices without letting 5,000 jobs' answers in flight approach the heap.
   */
  static final int MAX_BYTES = 1 << 20;

  private final String call;
  private final int limit;

  BoundedBody(String call, int limit) {
    this.call = call;
    this.limit = limit;
  }

  @Override
  public BodySubscriber<byte[]> apply(ResponseInfo info) {
    OptionalLong declared = info.headers().firstValueAsLong("Content-Length");
    if (declared.isPresent() && declared.getAsLong() > limit) {
      return new Refused(
          tooLarge(
              info.statusCode(),
              "of " + declared.getAsLong() + " bytes (Content-Length) is longer"));
    }
    return new Collecting(info.statusCode());
  }

  private FlinkRestException tooLarge(int status, String what) {
    String mib = limit % (1 << 20) == 0 ? " (" + (limit >> 20) + " MiB)" : "";
    return new FlinkRestException(
        Kind.BAD_ANSWER,
        status,
        call + ": answer " + what + " than the limit of " + limit + " bytes" + mib,
        null);
  }

  /** Cancels at once: the connection is closed instead of draining a body we will not read. */
  private static final class Refused implements BodySubscriber<byte[]> {
    private final CompletableFuture<byte[]> body;

    Refused(FlinkRestException why) {
      this.body = CompletableFuture.failedFuture(why);
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.cancel();
    }

    @Override
    public void onNext(List<ByteBuffer> item) {}

    @Override
    public void onError(Throwable throwable) {}

    @Override
    public void onComplete() {}
  }

  /**
   * Copies buffers one batch at a time (it requests the next batch only after the last one was
   * counted), so a body cut off at the limit has cost at most the limit plus one batch in flight.
   */
  private final class Collecting implements BodySubscriber<byte[]> {
    private final int status;
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private Flow.Subscription subscription;
    private long received;

    Collecting(int status) {
      this.status = status;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      if (body.isDone()) {
        return;
      }
      long batch = 0;
      for (ByteBuffer b : buffers) {
        batch += b.remaining();
      }
      if (received + batch > limit) {
        subscription.cancel();
        body.completeExceptionally(tooLarge(status, "is longer"));
        return;
      }
      for (ByteBuffer b : buffers) {
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        bytes.write(chunk, 0, chunk.length);
      }
      received += batch;
      subscription.request(1);
    }

    @Override
    public void onError(Throwable error) {
      body.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
      body.complete(bytes.toByteArray());
    }
  }
}
