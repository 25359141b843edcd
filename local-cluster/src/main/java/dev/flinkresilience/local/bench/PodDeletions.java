package dev.flinkresilience.local.bench;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each pod of a namespace left the API server, by uid. A pod's object carries no timestamp of
 * its removal (its {@code deletionTimestamp} is when the deletion was asked, in whole seconds), so
 * the moment is the benchmark's clock when the watch delivers {@code DELETED}; the watch is opened
 * before the spec edit so that no removal is missed.
 */
final class PodDeletions implements AutoCloseable {
  private final Map<String, Instant> deleted = new ConcurrentHashMap<>();
  private final Watch watch;

  PodDeletions(KubernetesClient client, String namespace) {
    watch =
        client
            .pods()
            .inNamespace(namespace)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, Pod pod) {
                    if (action == Action.DELETED) {
                      deleted.putIfAbsent(pod.getMetadata().getUid(), Instant.now());
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {
                    // The run ends with a timeout rather than a wrong number if this happens.
                  }
                });
  }

  /** When the last of {@code uids} was removed; empty while any remains. */
  Optional<Instant> allGone(Collection<String> uids) {
    Instant last = Instant.MIN;
    for (String uid : uids) {
      Instant at = deleted.get(uid);
      if (at == null) {
        return Optional.empty();
      }
      last = at.isAfter(last) ? at : last;
    }
    return uids.isEmpty() ? Optional.empty() : Optional.of(last);
  }

  @Override
  public void close() {
    watch.close();
  }
}
