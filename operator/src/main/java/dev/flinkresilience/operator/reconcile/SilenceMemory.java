package dev.flinkresilience.operator.reconcile;

import dev.flinkresilience.operator.decide.JobManagerAnswer;
import dev.flinkresilience.operator.decide.JobManagerSilence;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each job's JobManager silence, kept beyond its polling. Once the silent JobManager's node is
 * judged lost, the poller stops calling it (it may read Ready long after its node died), yet the
 * release that follows must rest on the same evidence, or it would wait for {@code nodeLostAfter}
 * after all (the node-loss benchmark showed the release 7 s after a corroborated detection). A
 * silence is forgotten when the same node answers again; a renewal of the node's Lease defeats it
 * anyway ({@link JobManagerSilence#corroboratesLossOf}).
 */
final class SilenceMemory {
  private final Map<ResourceID, JobManagerSilence> silences = new ConcurrentHashMap<>();

  /** The silence to judge by after this pass's poll: its own, else the one remembered. */
  JobManagerSilence update(ResourceID job, JobManagerSilence now, JobManagerAnswer answer) {
    if (now != null) {
      silences.put(job, now);
      return now;
    }
    JobManagerSilence before = silences.get(job);
    if (before != null && answer != null && before.node().equals(answer.node())) {
      silences.remove(job, before);
      return null;
    }
    return before;
  }

  void forget(ResourceID job) {
    silences.remove(job);
  }
}
