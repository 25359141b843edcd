package dev.flinkresilience.local.controlplane;

import static dev.flinkresilience.local.controlplane.ApiObjects.deleting;
import static dev.flinkresilience.local.controlplane.ApiObjects.key;
import static dev.flinkresilience.local.controlplane.ApiObjects.owners;
import static dev.flinkresilience.local.controlplane.ApiObjects.tryWrite;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes an object once every owner it names is gone: no object of the owner's kind and name, or
 * one with another uid. An owner whose kind is neither a known built-in one nor a custom resource
 * with a CustomResourceDefinition, or whose lookup fails, counts as present: when in doubt, keep.
 *
 * <p>Kinds are swept owners first (Deployments, then ReplicaSets, ..., pods last), so deleting a
 * Deployment takes its ReplicaSets and their pods in one pass.
 */
final class GarbageCollector {
  private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);

  /** What is swept, owners before what they may own. */
  private static final List<Class<? extends HasMetadata>> DEPENDENTS =
      List.of(
          Deployment.class,
          ReplicaSet.class,
          Service.class,
          ConfigMap.class,
          Secret.class,
          ServiceAccount.class,
          Role.class,
          RoleBinding.class,
          Pod.class);

  /** Owner kinds resolved without a CustomResourceDefinition, by "apiVersion/kind". */
  private static final Map<String, ResourceDefinitionContext> BUILT_IN =
      Stream.of(
              Deployment.class,
              ReplicaSet.class,
              StatefulSet.class,
              DaemonSet.class,
              Job.class,
              Pod.class,
              Service.class,
              ConfigMap.class,
              Secret.class,
              ServiceAccount.class,
              Node.class)
          .collect(
              Collectors.toMap(
                  c -> HasMetadata.getApiVersion(c) + "/" + HasMetadata.getKind(c),
                  ResourceDefinitionContext::fromResourceType));

  private final KubernetesClient client;

  GarbageCollector(KubernetesClient client) {
    this.client = client;
  }

  void sweep() {
    Owners owners = new Owners();
    for (Class<? extends HasMetadata> type : DEPENDENTS) {
      for (HasMetadata o : client.resources(type).inAnyNamespace().list().getItems()) {
        if (!owners(o).isEmpty() && !deleting(o) && owners.allGone(o)) {
          LOG.info(
              "garbage-collecting {} {}: owner {} is gone",
              HasMetadata.getKind(type),
              key(o),
              owners(o).stream()
                  .map(r -> r.getKind() + " " + r.getName())
                  .collect(Collectors.joining(", ")));
          String namespace = o.getMetadata().getNamespace();
          String name = o.getMetadata().getName();
          if (tryWrite(
              "deleting " + HasMetadata.getKind(type) + " " + key(o),
              () -> client.resources(type).inNamespace(namespace).withName(name).delete())) {
            owners.deleted(o);
          }
        }
      }
    }
  }

  private enum Presence {
    PRESENT,
    GONE,
    UNKNOWN
  }

  /** One pass's view of the owners it looked up. */
  private final class Owners {
    private final Map<String, Presence> seen = new HashMap<>();
    private Map<String, ResourceDefinitionContext> customKinds;

    boolean allGone(HasMetadata o) {
      String namespace = o.getMetadata().getNamespace();
      return owners(o).stream().allMatch(r -> presence(namespace, r) == Presence.GONE);
    }

    /** {@code o} was deleted in this pass: as an owner, it is gone now. */
    void deleted(HasMetadata o) {
      var meta = o.getMetadata();
      seen.put(
          id(meta.getNamespace(), o.getApiVersion(), o.getKind(), meta.getName(), meta.getUid()),
          Presence.GONE);
    }

    private Presence presence(String namespace, OwnerReference ref) {
      return seen.computeIfAbsent(
          id(namespace, ref.getApiVersion(), ref.getKind(), ref.getName(), ref.getUid()),
          k -> lookUp(namespace, ref));
    }

    private Presence lookUp(String namespace, OwnerReference ref) {
      String kind = ref.getApiVersion() + "/" + ref.getKind();
      ResourceDefinitionContext context = BUILT_IN.get(kind);
      if (context == null) {
        context = customKinds().get(kind);
      }
      if (context == null) {
        return Presence.UNKNOWN;
      }
      try {
        var resources = client.genericKubernetesResources(context);
        GenericKubernetesResource owner =
            context.isNamespaceScoped()
                ? resources.inNamespace(namespace).withName(ref.getName()).get()
                : resources.withName(ref.getName()).get();
        return owner != null && owner.getMetadata().getUid().equals(ref.getUid())
            ? Presence.PRESENT
            : Presence.GONE;
      } catch (KubernetesClientException e) {
        LOG.debug("owner {} {} not looked up: {}", kind, ref.getName(), e.getMessage());
        return Presence.UNKNOWN;
      }
    }

    private Map<String, ResourceDefinitionContext> customKinds() {
      if (customKinds == null) {
        customKinds = new HashMap<>();
        for (CustomResourceDefinition crd :
            client.apiextensions().v1().customResourceDefinitions().list().getItems()) {
          var spec = crd.getSpec();
          for (CustomResourceDefinitionVersion v : spec.getVersions()) {
            customKinds.put(
                spec.getGroup() + "/" + v.getName() + "/" + spec.getNames().getKind(),
                new ResourceDefinitionContext.Builder()
                    .withGroup(spec.getGroup())
                    .withVersion(v.getName())
                    .withKind(spec.getNames().getKind())
                    .withPlural(spec.getNames().getPlural())
                    .withNamespaced("Namespaced".equals(spec.getScope()))
                    .build());
          }
        }
      }
      return customKinds;
    }
  }

  private static String id(
      String namespace, String apiVersion, String kind, String name, String uid) {
    return namespace + "/" + apiVersion + "/" + kind + "/" + name + "@" + uid;
  }
}
