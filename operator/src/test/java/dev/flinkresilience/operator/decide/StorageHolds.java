package dev.flinkresilience.operator.decide;

import java.util.HashMap;
import java.util.List;

/**
 * For tests about other things than the checkpoint storage: the storage as read after a teardown
 * where every point status and the HA store name exists and nothing newer was written. The planner
 * then chooses exactly as it did before the storage was read.
 */
final class StorageHolds {
  private StorageHolds() {}

  static PlanInput whatWasRecorded(PlanInput in) {
    if (in.desired() == null) {
      return in;
    }
    StorageQuery query =
        RestorePoints.storageQuery(
            new RestorePoints.Request(
                Decision.DeployReason.RECREATE,
                in.desired().spec(),
                in.status(),
                in.ha(),
                null,
                in.now()));
    var checked = new HashMap<String, Boolean>();
    query.paths().forEach(p -> checked.put(p, true));
    return in.withStorage(
        new CheckpointStorageView(
            CheckpointStorageView.State.READ, query.jobDirectory(), List.of(), checked, null));
  }
}
