package dev.flinkresilience.operator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A Flink streaming job in application mode that the operator deploys and keeps alive. */
@Group(FlinkResilientJob.GROUP)
@Version(FlinkResilientJob.VERSION)
@Plural("flinkresilientjobs")
@ShortNames("frj")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "Job State", jsonPath = ".status.jobState")
@AdditionalPrinterColumn(
    name = "Checkpoint",
    jsonPath = ".status.latestCheckpoint.id",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Checkpoint Age",
    jsonPath = ".status.latestCheckpoint.completedAt",
    type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(
    name = "Savepoint Age",
    jsonPath = ".status.latestSavepoint.completedAt",
    type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(
    name = "Recoveries",
    jsonPath = ".status.recovery.total",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class FlinkResilientJob
    extends CustomResource<FlinkResilientJobSpec, FlinkResilientJobStatus> implements Namespaced {
  public static final String GROUP = "flinkresilience.dev";
  public static final String VERSION = "v1alpha1";

  @Override
  protected FlinkResilientJobStatus initStatus() {
    return new FlinkResilientJobStatus();
  }
}
