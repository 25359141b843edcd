package dev.flinkresilience.operator.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobStatus;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes status when it changed, replacing it whole (a merge patch could not clear a field such as
 * a finished operation) with optimistic locking, and keeps JOSDK's cache up to date so the next
 * pass sees what this one wrote. Only status is written: the spec belongs to the user (and GitOps).
 * Every pass ends here with its final status, so this is also where the {@link StatusListener} (the
 * job metrics) hears of it, after a successful write or a write left to a later pass by {@link
 * ProgressWrites} (so the metrics stay live when checkpoint progress is paced).
 */
public final class StatusWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final StatusListener listener;
  private final ProgressWrites progress;

  public StatusWriter() {
    this(StatusListener.NONE, ProgressWrites.unpaced());
  }

  public StatusWriter(StatusListener listener, ProgressWrites progress) {
    this.listener = listener;
    this.progress = progress;
  }

  /**
   * @return the resource as written (new status, new resourceVersion), or empty when nothing was
   *     written (no change, or progress left to a later pass)
   */
  public Optional<FlinkResilientJob> write(
      FlinkResilientJob job, FlinkResilientJobStatus next, Context<FlinkResilientJob> ctx) {
    FlinkResilientJob written = null;
    JsonNode was = JSON.valueToTree(job.getStatus());
    JsonNode is = JSON.valueToTree(next);
    if (!Objects.equals(was, is) && progress.writeNow(job.getStatus(), next, was, is)) {
      written =
          PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(
              job,
              ctx,
              fresh -> {
                fresh.setStatus(next);
                return fresh;
              });
    }
    listener.passEnded(job, next);
    return Optional.ofNullable(written);
  }
}
