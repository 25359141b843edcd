package dev.flinkresilience.operator.app;

import dev.flinkresilience.operator.observe.JobManagerAddress;
import dev.flinkresilience.operator.reconcile.PollPacing;
import java.util.List;

/**
 * How the operator runs.
 *
 * @param namespaces namespaces to watch; empty for all
 * @param polling how often Flink's REST API is polled
 * @param jobManagerAddress how the JobManager's REST API is reached
 */
public record OperatorSettings(
    List<String> namespaces, PollPacing polling, JobManagerAddress.Mode jobManagerAddress) {

  public OperatorSettings {
    namespaces = List.copyOf(namespaces);
  }

  public static OperatorSettings allNamespaces() {
    return new OperatorSettings(List.of(), PollPacing.DEFAULT, JobManagerAddress.Mode.POD_IP);
  }

  public OperatorSettings withPolling(PollPacing polling) {
    return new OperatorSettings(namespaces, polling, jobManagerAddress);
  }

  public OperatorSettings withNamespaces(List<String> namespaces) {
    return new OperatorSettings(namespaces, polling, jobManagerAddress);
  }

  public OperatorSettings withJobManagerAddress(JobManagerAddress.Mode mode) {
    return new OperatorSettings(namespaces, polling, mode);
  }
}
