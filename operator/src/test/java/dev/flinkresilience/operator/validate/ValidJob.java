package dev.flinkresilience.operator.validate;

import dev.flinkresilience.operator.api.v1alpha1.CheckpointingSpec;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.FlinkVersion;
import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilitySpec;
import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilityType;
import dev.flinkresilience.operator.api.v1alpha1.JobSpec;
import java.util.function.Consumer;

/**
 * A FlinkResilientJob that passes validation, built from the api defaults plus the few fields a
 * user must set, with HA on so that the HA rules have something to bite on. Each call returns a new
 * mutable job for a test to break in one place.
 */
final class ValidJob {
  private ValidJob() {}

  static FlinkResilientJob baseline() {
    JobSpec job = new JobSpec();
    job.setJarURI("local:///opt/flink/usrlib/orders.jar");
    job.setEntryClass("com.example.Orders");
    job.setParallelism(4);

    CheckpointingSpec checkpointing = new CheckpointingSpec();
    checkpointing.setDirectory("s3://bucket/checkpoints");
    checkpointing.setSavepointDirectory("s3://bucket/savepoints");

    HighAvailabilitySpec ha = new HighAvailabilitySpec();
    ha.setType(HighAvailabilityType.KUBERNETES);
    ha.setStorageDir("s3://bucket/ha");

    FlinkResilientJobSpec spec = new FlinkResilientJobSpec();
    spec.setImage("flink:2.2.1-java17");
    spec.setFlinkVersion(FlinkVersion.V2_2);
    spec.setJob(job);
    spec.setCheckpointing(checkpointing);
    spec.setHighAvailability(ha);

    FlinkResilientJob resource = new FlinkResilientJob();
    resource.getMetadata().setName("orders");
    resource.getMetadata().setNamespace("streaming");
    resource.setSpec(spec);
    return resource;
  }

  /** The baseline with {@code change} applied to its spec. */
  static FlinkResilientJob withSpec(Consumer<FlinkResilientJobSpec> change) {
    FlinkResilientJob job = baseline();
    change.accept(job.getSpec());
    return job;
  }
}
