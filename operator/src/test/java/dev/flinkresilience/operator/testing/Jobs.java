package dev.flinkresilience.operator.testing;

import dev.flinkresilience.operator.api.v1alpha1.CheckpointingSpec;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.FlinkVersion;
import dev.flinkresilience.operator.api.v1alpha1.JobSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/** Valid FlinkResilientJobs for tests, to be mutated by each test. */
public final class Jobs {
  private Jobs() {}

  public static FlinkResilientJobSpec validSpec() {
    var spec = new FlinkResilientJobSpec();
    spec.setImage("flink:2.3.0-java17");
    spec.setFlinkVersion(FlinkVersion.V2_3);
    var job = new JobSpec();
    job.setJarURI("local:///opt/flink/usrlib/job.jar");
    job.setEntryClass("com.example.Job");
    spec.setJob(job);
    var cp = new CheckpointingSpec();
    cp.setDirectory("file:///tmp/checkpoints");
    spec.setCheckpointing(cp);
    return spec;
  }

  public static FlinkResilientJob job(String namespace, String name) {
    var job = new FlinkResilientJob();
    job.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(namespace)
            .withName(name)
            .withUid("uid-" + name)
            .withGeneration(1L)
            .build());
    job.setSpec(validSpec());
    return job;
  }
}
