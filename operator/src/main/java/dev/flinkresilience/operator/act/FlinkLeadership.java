package dev.flinkresilience.operator.act;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flinkresilience.operator.decide.LeadershipHandover;
import dev.flinkresilience.operator.observe.ha.KubernetesHaLayout;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Releases Flink's Kubernetes HA leader lock held by a JobManager the operator released from a lost
 * node, when {@link LeadershipHandover} allows it. Never throws: a handover that cannot be made
 * leaves Flink to wait out the lock, as without it.
 */
final class FlinkLeadership {
  private static final Logger LOG = LoggerFactory.getLogger(FlinkLeadership.class);

  private static final String LOCK_ANNOTATION = KubernetesHaLayout.LOCK_ANNOTATION;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;

  FlinkLeadership(KubernetesClient client) {
    this.client = client;
  }

  /**
   * True when the lock was released. {@code cached} is the leader ConfigMap as the informer holds
   * it (null when it holds none): the first try decides and writes from it, conditional on its
   * resourceVersion; when that write conflicts (the cache was behind) the decision is made again on
   * a fresh read, whose own conflict means a holder renewed meanwhile, and wins. A refusal on the
   * cached copy is final: the cache can only be behind by a renewal of a live holder (then the
   * refusal is right) or show an older holder than a dead one (then Flink waits out the lock, as
   * without a handover); both safe.
   */
  boolean handOver(
      String namespace,
      String clusterId,
      String releasedIp,
      Duration retryPeriod,
      ConfigMap cached) {
    String name = KubernetesHaLayout.clusterConfigMap(clusterId);
    if (cached != null) {
      try {
        return handOver(
            namespace, client.getKubernetesSerialization().clone(cached), releasedIp, retryPeriod);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          LOG.warn("{}/{}: Flink's leadership not handed over: {}", namespace, name, e.toString());
          return false;
        }
      }
    }
    try {
      return handOver(
          namespace,
          client.configMaps().inNamespace(namespace).withName(name).get(),
          releasedIp,
          retryPeriod);
    } catch (KubernetesClientException e) {
      LOG.warn("{}/{}: Flink's leadership not handed over: {}", namespace, name, e.toString());
      return false;
    }
  }

  /** Decides on {@code map} and writes it conditionally; a refused write throws. */
  private boolean handOver(
      String namespace, ConfigMap map, String releasedIp, Duration retryPeriod) {
    String name = map == null ? "(no leader ConfigMap)" : map.getMetadata().getName();
    try {
      String record =
          map == null || map.getMetadata().getAnnotations() == null
              ? null
              : map.getMetadata().getAnnotations().get(LOCK_ANNOTATION);
      ObjectNode lock = record == null ? null : (ObjectNode) JSON.readTree(record);
      Optional<String> refusal =
          LeadershipHandover.refusal(
              lock == null ? null : lockOf(lock, map), releasedIp, retryPeriod, Instant.now());
      if (refusal.isPresent()) {
        LOG.info("{}/{}: Flink's leadership left alone: {}", namespace, name, refusal.get());
        return false;
      }
      lock.put("holderIdentity", "");
      map.getMetadata().getAnnotations().put(LOCK_ANNOTATION, JSON.writeValueAsString(lock));
      // Conditional on the resourceVersion read: a holder that renewed meanwhile wins.
      client.configMaps().inNamespace(namespace).resource(map).update();
      LOG.warn(
          "{}/{}: released Flink's leader lock held by the JobManager at {} on a lost node",
          namespace,
          name,
          releasedIp);
      return true;
    } catch (java.io.IOException | ClassCastException e) {
      LOG.warn("{}/{}: Flink's leadership not handed over: {}", namespace, name, e.toString());
      return false;
    }
  }

  private static LeadershipHandover.Lock lockOf(ObjectNode lock, ConfigMap map) {
    String leader =
        map.getData() == null
            ? null
            : KubernetesHaLayout.leaderAddress(
                map.getData().get(KubernetesHaLayout.REST_SERVER_LEADER_KEY));
    return new LeadershipHandover.Lock(
        lock.path("holderIdentity").asText(""),
        instant(lock.path("renewTime").asText(null)),
        host(leader));
  }

  private static Instant instant(String time) {
    try {
      return time == null ? null : java.time.OffsetDateTime.parse(time).toInstant();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String host(String address) {
    try {
      return address == null ? null : URI.create(address).getHost();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
