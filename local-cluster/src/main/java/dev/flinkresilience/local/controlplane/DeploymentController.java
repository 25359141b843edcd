package dev.flinkresilience.local.controlplane;

import static dev.flinkresilience.local.controlplane.ApiObjects.bound;
import static dev.flinkresilience.local.controlplane.ApiObjects.controlledBy;
import static dev.flinkresilience.local.controlplane.ApiObjects.controllerReference;
import static dev.flinkresilience.local.controlplane.ApiObjects.deleting;
import static dev.flinkresilience.local.controlplane.ApiObjects.key;
import static dev.flinkresilience.local.controlplane.ApiObjects.terminated;
import static dev.flinkresilience.local.controlplane.ApiObjects.tryWrite;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Deployment and ReplicaSet controllers in one, with the Recreate strategy: a Deployment has
 * one ReplicaSet per pod template ({@code <deployment>-<template hash>}); when the template
 * changes, the old ReplicaSet and its pods are deleted and a new one is created. A ReplicaSet keeps
 * {@code spec.replicas} active pods: pods that are gone or terminated (Failed, Succeeded) are
 * replaced, a pod that is merely not ready is not. Status is counted from the pods.
 *
 * <p>Each pass reads from the API rather than from an informer's cache: a cache may not show yet a
 * pod this controller just created, and acting on it would create a second one.
 */
final class DeploymentController {
  private static final Logger LOG = LoggerFactory.getLogger(DeploymentController.class);
  static final String HASH_LABEL = "pod-template-hash";

  /** Kubernetes' alphabet for generated names (no vowels, no look-alikes). */
  private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

  private final KubernetesClient client;

  DeploymentController(KubernetesClient client) {
    this.client = client;
  }

  void syncAll() {
    List<Deployment> deployments = client.apps().deployments().inAnyNamespace().list().getItems();
    if (deployments.isEmpty()) {
      return;
    }
    List<ReplicaSet> sets = client.apps().replicaSets().inAnyNamespace().list().getItems();
    List<Pod> pods = client.pods().inAnyNamespace().list().getItems();
    for (Deployment d : deployments) {
      if (!deleting(d)) {
        sync(d, sets.stream().filter(rs -> controlledBy(rs, d)).toList(), pods);
      }
    }
  }

  private void sync(Deployment d, List<ReplicaSet> owned, List<Pod> pods) {
    String hash = templateHash(d.getSpec().getTemplate());
    ReplicaSet current = null;
    for (ReplicaSet rs : owned) {
      if (hash.equals(labels(rs.getMetadata()).get(HASH_LABEL)) && !deleting(rs)) {
        current = rs;
      } else {
        retire(rs, podsOf(rs, pods));
      }
    }
    int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    if (current == null) {
      current = createReplicaSet(d, hash, replicas);
      if (current == null) {
        return;
      }
    } else if (!Objects.equals(current.getSpec().getReplicas(), replicas)) {
      scale(current, replicas);
    }
    List<Pod> active = keepReplicas(current, replicas, podsOf(current, pods));
    writeStatus(d, current, replicas, active);
  }

  private static List<Pod> podsOf(ReplicaSet rs, List<Pod> pods) {
    return pods.stream().filter(p -> controlledBy(p, rs)).toList();
  }

  /** Recreate: the pods of a ReplicaSet for an old template go, and then the ReplicaSet. */
  private void retire(ReplicaSet rs, List<Pod> pods) {
    LOG.info("deleting old ReplicaSet {} and its {} pod(s)", key(rs), pods.size());
    pods.forEach(this::delete);
    tryWrite(
        "deleting ReplicaSet " + key(rs), () -> client.apps().replicaSets().resource(rs).delete());
  }

  private ReplicaSet createReplicaSet(Deployment d, String hash, int replicas) {
    PodTemplateSpec template = Serialization.clone(d.getSpec().getTemplate());
    ObjectMeta podMeta = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
    podMeta.setLabels(withHash(podMeta.getLabels(), hash));
    template.setMetadata(podMeta);
    LabelSelector selector =
        new LabelSelectorBuilder(
                d.getSpec().getSelector() == null
                    ? new LabelSelector()
                    : Serialization.clone(d.getSpec().getSelector()))
            .addToMatchLabels(HASH_LABEL, hash)
            .build();
    ReplicaSet rs =
        new ReplicaSetBuilder()
            .withNewMetadata()
            .withName(d.getMetadata().getName() + "-" + hash)
            .withNamespace(d.getMetadata().getNamespace())
            .withLabels(withHash(podMeta.getLabels(), hash))
            .withOwnerReferences(controllerReference(d))
            .endMetadata()
            .withNewSpec()
            .withReplicas(replicas)
            .withSelector(selector)
            .withTemplate(template)
            .endSpec()
            .build();
    ReplicaSet[] created = new ReplicaSet[1];
    if (tryWrite(
        "creating ReplicaSet " + key(rs),
        () -> created[0] = client.apps().replicaSets().resource(rs).create())) {
      LOG.info("created ReplicaSet {} for Deployment {}", key(rs), key(d));
    }
    return created[0];
  }

  private void scale(ReplicaSet rs, int replicas) {
    tryWrite(
        "scaling ReplicaSet " + key(rs),
        () ->
            client
                .apps()
                .replicaSets()
                .inNamespace(rs.getMetadata().getNamespace())
                .withName(rs.getMetadata().getName())
                .patch(
                    PatchContext.of(PatchType.JSON_MERGE),
                    "{\"spec\":{\"replicas\":" + replicas + "}}"));
  }

  /** Deletes terminated pods, then creates or deletes pods until {@code replicas} are active. */
  private List<Pod> keepReplicas(ReplicaSet rs, int replicas, List<Pod> pods) {
    pods.stream().filter(p -> terminated(p) && !deleting(p)).forEach(this::delete);
    List<Pod> active = new ArrayList<>(pods.stream().filter(ApiObjects::active).toList());
    while (active.size() < replicas) {
      Pod pod = createPod(rs);
      if (pod == null) {
        break;
      }
      active.add(pod);
    }
    if (active.size() > replicas) {
      // As the ReplicaSet controller: the unbound, the not ready and the young go first.
      active.sort(
          Comparator.comparing((Pod p) -> bound(p))
              .thenComparing(ApiObjects::ready)
              .thenComparing(
                  (Pod p) -> p.getMetadata().getCreationTimestamp(),
                  Comparator.nullsLast(Comparator.<String>reverseOrder())));
      List<Pod> surplus = active.subList(0, active.size() - replicas);
      surplus.forEach(this::delete);
      surplus.clear();
    }
    return active;
  }

  private Pod createPod(ReplicaSet rs) {
    PodTemplateSpec template = rs.getSpec().getTemplate();
    ObjectMeta meta = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(rs.getMetadata().getName() + "-" + randomSuffix())
            .withNamespace(rs.getMetadata().getNamespace())
            .withLabels(meta.getLabels())
            .withAnnotations(meta.getAnnotations())
            .withOwnerReferences(controllerReference(rs))
            .endMetadata()
            .withSpec(Serialization.clone(template.getSpec()))
            .build();
    Pod[] created = new Pod[1];
    if (tryWrite("creating pod " + key(pod), () -> created[0] = client.resource(pod).create())) {
      LOG.info("created pod {} for ReplicaSet {}", key(pod), key(rs));
    }
    return created[0];
  }

  private void delete(Pod pod) {
    LOG.info(
        "deleting pod {} ({})",
        key(pod),
        terminated(pod) ? pod.getStatus().getPhase() : "not wanted");
    tryWrite("deleting pod " + key(pod), () -> client.pods().resource(pod).delete());
  }

  /**
   * Status counted from the active pods, written only when it changes, with a JSON patch ({@code
   * editStatus}): the mock would append to lists (conditions) given a merge patch.
   */
  private void writeStatus(Deployment d, ReplicaSet rs, int desired, List<Pod> active) {
    int replicas = active.size();
    int ready = (int) active.stream().filter(ApiObjects::ready).count();
    UnaryOperator<ReplicaSetStatus> rsStatus =
        s ->
            new ReplicaSetStatusBuilder(s)
                .withReplicas(replicas)
                .withFullyLabeledReplicas(replicas)
                .withReadyReplicas(ready)
                .withAvailableReplicas(ready)
                .withObservedGeneration(rs.getMetadata().getGeneration())
                .build();
    if (changes(rsStatus, rs.getStatus(), ReplicaSetStatus::new)) {
      tryWrite(
          "status of ReplicaSet " + key(rs),
          () ->
              client
                  .apps()
                  .replicaSets()
                  .inNamespace(rs.getMetadata().getNamespace())
                  .withName(rs.getMetadata().getName())
                  .editStatus(
                      x -> {
                        x.setStatus(rsStatus.apply(orNew(x.getStatus(), ReplicaSetStatus::new)));
                        return x;
                      }));
    }
    UnaryOperator<DeploymentStatus> status =
        s ->
            new DeploymentStatusBuilder(s)
                .withReplicas(replicas)
                .withUpdatedReplicas(replicas)
                .withReadyReplicas(ready)
                .withAvailableReplicas(ready)
                .withUnavailableReplicas(Math.max(0, desired - ready))
                .withObservedGeneration(d.getMetadata().getGeneration())
                .build();
    if (changes(status, d.getStatus(), DeploymentStatus::new)) {
      tryWrite(
          "status of Deployment " + key(d),
          () ->
              client
                  .apps()
                  .deployments()
                  .inNamespace(d.getMetadata().getNamespace())
                  .withName(d.getMetadata().getName())
                  .editStatus(
                      x -> {
                        x.setStatus(status.apply(orNew(x.getStatus(), DeploymentStatus::new)));
                        return x;
                      }));
    }
  }

  private static <S> boolean changes(UnaryOperator<S> update, S current, Supplier<S> empty) {
    S before = orNew(current, empty);
    return !update.apply(before).equals(before);
  }

  private static <S> S orNew(S status, Supplier<S> empty) {
    return status == null ? empty.get() : status;
  }

  private static Map<String, String> labels(ObjectMeta meta) {
    return meta.getLabels() == null ? Map.of() : meta.getLabels();
  }

  private static Map<String, String> withHash(Map<String, String> labels, String hash) {
    Map<String, String> m = new HashMap<>(labels == null ? Map.of() : labels);
    m.put(HASH_LABEL, hash);
    return new TreeMap<>(m);
  }

  /**
   * A short, stable hash of the pod template, as Kubernetes makes it: FNV-1a (32 bit) of the
   * template, its decimal digits mapped to {@link #ALPHANUMS}. The template is hashed with its map
   * keys sorted, so that rewriting the Deployment with its labels in another order changes nothing.
   */
  static String templateHash(PodTemplateSpec template) {
    Object tree = Serialization.unmarshal(Serialization.asJson(template), Object.class);
    byte[] bytes = Serialization.asJson(sorted(tree)).getBytes(StandardCharsets.UTF_8);
    int hash = 0x811c9dc5;
    for (byte b : bytes) {
      hash ^= b & 0xff;
      hash *= 0x01000193;
    }
    StringBuilder out = new StringBuilder();
    for (char c : Integer.toUnsignedString(hash).toCharArray()) {
      out.append(ALPHANUMS.charAt(c % ALPHANUMS.length()));
    }
    return out.toString();
  }

  private static Object sorted(Object node) {
    if (node instanceof Map<?, ?> map) {
      Map<String, Object> out = new TreeMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), sorted(v)));
      return out;
    }
    if (node instanceof List<?> list) {
      return list.stream().map(DeploymentController::sorted).toList();
    }
    return node;
  }

  private static String randomSuffix() {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      s.append(ALPHANUMS.charAt(ThreadLocalRandom.current().nextInt(ALPHANUMS.length())));
    }
    return s.toString();
  }
}
