package dev.flinkresilience.operator.observe.rest;

import dev.flinkresilience.operator.observe.rest.FlinkRestException.Kind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;

/**
 * {@link FlinkRestClient} over the JDK's {@link HttpClient}. Thread-safe; share one instance. Every
 * answer is bounded in time (the timeout) and in size ({@link BoundedBody#MAX_BYTES}).
 */
public final class HttpFlinkRestClient implements FlinkRestClient {

  /**
   * Where the client starts calls and delivers answers. Without one the JDK gives each client an
   * unbounded cached pool. The handlers only parse a bounded body; the one blocking step is
   * resolving a host name (JobManager addresses are usually pod IPs), so a few threads serve any
   * number of jobs.
   */
  private static final ExecutorService ANSWERS =
      Executors.newFixedThreadPool(
          8,
          r -> {
            Thread t = new Thread(r, "flink-rest");
            t.setDaemon(true);
            return t;
          });

  private final HttpClient http;
  private final Duration timeout;

  /**
   * @param timeout bounds each call: connecting, and waiting for the whole answer
   */
  public HttpFlinkRestClient(Duration timeout) {
    this(HttpClient.newBuilder().connectTimeout(timeout).executor(ANSWERS).build(), timeout);
  }

  HttpFlinkRestClient(HttpClient http, Duration timeout) {
    this.http = http;
    this.timeout = timeout;
  }

  @Override
  public CompletableFuture<List<JobSummary>> overview(URI restBase) {
    return get(restBase, "/jobs/overview", FlinkRestJson::overview);
  }

  @Override
  public CompletableFuture<JobDetails> job(URI restBase, String jobId) {
    return get(restBase, "/jobs/" + jobId, FlinkRestJson::job);
  }

  @Override
  public CompletableFuture<CheckpointStats> checkpoints(URI restBase, String jobId) {
    return get(restBase, "/jobs/" + jobId + "/checkpoints", FlinkRestJson::checkpoints);
  }

  @Override
  public CompletableFuture<Optional<Duration>> checkpointInterval(URI restBase, String jobId) {
    return get(
        restBase, "/jobs/" + jobId + "/checkpoints/config", FlinkRestJson::checkpointInterval);
  }

  @Override
  public CompletableFuture<OptionalLong> restarts(URI restBase, String jobId) {
    return get(restBase, "/jobs/" + jobId + "/metrics?get=numRestarts", FlinkRestJson::restarts);
  }

  @Override
  public CompletableFuture<String> stopWithSavepoint(
      URI restBase, String jobId, String targetDirectory, String triggerId) {
    byte[] body = FlinkRestJson.stopRequest(targetDirectory, triggerId);
    return send(
        restBase,
        "/jobs/" + jobId + "/stop",
        HttpRequest.BodyPublishers.ofByteArray(body),
        FlinkRestJson::triggerId);
  }

  @Override
  public CompletableFuture<String> triggerSavepoint(
      URI restBase, String jobId, String targetDirectory, String triggerId) {
    byte[] body = FlinkRestJson.savepointRequest(targetDirectory, triggerId);
    return send(
        restBase,
        "/jobs/" + jobId + "/savepoints",
        HttpRequest.BodyPublishers.ofByteArray(body),
        FlinkRestJson::triggerId);
  }

  @Override
  public CompletableFuture<String> disposeSavepoint(URI restBase, String path) {
    return send(
        restBase,
        "/savepoint-disposal",
        HttpRequest.BodyPublishers.ofByteArray(FlinkRestJson.disposalRequest(path)),
        FlinkRestJson::triggerId);
  }

  @Override
  public CompletableFuture<SavepointStatus> disposalStatus(URI restBase, String triggerId) {
    return get(restBase, "/savepoint-disposal/" + triggerId, FlinkRestJson::disposalStatus);
  }

  @Override
  public CompletableFuture<SavepointStatus> savepointStatus(
      URI restBase, String jobId, String triggerId) {
    return get(
        restBase, "/jobs/" + jobId + "/savepoints/" + triggerId, FlinkRestJson::savepointStatus);
  }

  private <T> CompletableFuture<T> get(
      URI restBase, String path, BiFunction<String, byte[], T> parse) {
    return send(restBase, path, null, parse);
  }

  /** A GET, or a POST of a JSON {@code body} when one is given. */
  private <T> CompletableFuture<T> send(
      URI restBase,
      String path,
      HttpRequest.BodyPublisher body,
      BiFunction<String, byte[], T> parse) {
    String call = (body == null ? "GET " : "POST ") + path;
    HttpRequest request;
    try {
      HttpRequest.Builder builder =
          HttpRequest.newBuilder(resolve(restBase, path)).timeout(timeout);
      request =
          body == null
              ? builder.GET().build()
              : builder.header("Content-Type", "application/json").POST(body).build();
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(
          new FlinkRestException(Kind.UNREACHABLE, 0, call + ": bad address " + restBase, e));
    }
    return http.sendAsync(request, new BoundedBody(call, BoundedBody.MAX_BYTES))
        // The request timeout stops at the response headers; this bounds a body that stalls.
        .orTimeout(timeout.toMillis() * 2, TimeUnit.MILLISECONDS)
        .handle(
            (response, error) -> {
              if (error != null) {
                throw failure(call, error);
              }
              return parse.apply(call, checkStatus(call, response));
            });
  }

  /** Keeps any path prefix of the base (a JobManager behind a proxy path, say). */
  private static URI resolve(URI restBase, String path) {
    String base = restBase.toString();
    return URI.create(
        base.endsWith("/") ? base.substring(0, base.length() - 1) + path : base + path);
  }

  private static byte[] checkStatus(String call, HttpResponse<byte[]> response) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return response.body();
    }
    String flinkSays = FlinkRestJson.errorSummary(response.body());
    String detail = call + ": HTTP " + status + (flinkSays == null ? "" : " (" + flinkSays + ")");
    if (status == 404) {
      throw new FlinkRestException(Kind.NOT_FOUND, status, detail, null);
    }
    if (status >= 500) {
      throw new FlinkRestException(Kind.SERVER_ERROR, status, detail, null);
    }
    throw new FlinkRestException(Kind.BAD_ANSWER, status, detail, null);
  }

  private FlinkRestException failure(String call, Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof FlinkRestException) {
      return (FlinkRestException) cause;
    }
    if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
      return new FlinkRestException(
          Kind.TIMEOUT, 0, call + ": no answer within " + timeout.toMillis() + " ms", cause);
    }
    if (cause instanceof ConnectException || cause instanceof UnresolvedAddressException) {
      return new FlinkRestException(
          Kind.UNREACHABLE, 0, call + ": cannot connect (" + describe(cause) + ")", cause);
    }
    if (cause instanceof IOException) {
      return new FlinkRestException(Kind.UNREACHABLE, 0, call + ": " + describe(cause), cause);
    }
    return new FlinkRestException(Kind.BAD_ANSWER, 0, call + ": " + describe(cause), cause);
  }

  private static String describe(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
