package dev.flinkresilience.operator.model;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the operator applies for one deployment of a job: Flink's JobManager objects, stamped
 * with our labels, annotations and an owner reference to the FlinkResilientJob (so Kubernetes
 * garbage-collects them with it), plus the per-job RBAC when the spec names no service account.
 */
public final class ClusterModel {
  private ClusterModel() {}

  /** The JobManager Deployment's name, which Flink derives from the cluster id. */
  public static String jobManagerDeploymentName(String clusterId) {
    return clusterId;
  }

  public static List<HasMetadata> desired(
      FlinkResilientJob job,
      List<HasMetadata> flinkObjects,
      DeploymentStamp stamp,
      boolean withOwnServiceAccount) {
    String name = job.getMetadata().getName();
    String namespace = job.getMetadata().getNamespace();
    List<HasMetadata> out = new ArrayList<>();
    if (withOwnServiceAccount) {
      out.addAll(FlinkRbac.objects(namespace, name));
    }
    for (HasMetadata object : flinkObjects) {
      var meta = object.getMetadata();
      meta.setNamespace(namespace);
      meta.setLabels(merged(meta.getLabels(), Labels.of(name)));
      if (object instanceof Deployment deployment) {
        meta.setAnnotations(merged(meta.getAnnotations(), stampAnnotations(stamp)));
        var podMeta = deployment.getSpec().getTemplate().getMetadata();
        podMeta.setLabels(merged(podMeta.getLabels(), Labels.of(name)));
        podMeta.setAnnotations(merged(podMeta.getAnnotations(), stampAnnotations(stamp)));
      }
      out.add(object);
    }
    OwnerReference owner = ownerReference(job);
    out.forEach(o -> o.getMetadata().setOwnerReferences(List.of(owner)));
    return out;
  }

  static Map<String, String> stampAnnotations(DeploymentStamp stamp) {
    Map<String, String> a = new HashMap<>();
    a.put(Labels.SPEC_HASH, stamp.specHash());
    a.put(Labels.GENERATION, Long.toString(stamp.generation()));
    a.put(Labels.SERIAL, Long.toString(stamp.serial()));
    a.put(Labels.JOB_ID, stamp.jobId());
    if (stamp.recoveryAttempt() != null) {
      a.put(Labels.RECOVERY_ATTEMPT, stamp.recoveryAttempt());
    }
    return a;
  }

  private static OwnerReference ownerReference(FlinkResilientJob job) {
    return new OwnerReferenceBuilder()
        .withApiVersion(job.getApiVersion())
        .withKind(job.getKind())
        .withName(job.getMetadata().getName())
        .withUid(job.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  private static Map<String, String> merged(Map<String, String> base, Map<String, String> extra) {
    Map<String, String> m = new HashMap<>(base == null ? Map.of() : base);
    m.putAll(extra);
    return new java.util.TreeMap<>(m);
  }
}
