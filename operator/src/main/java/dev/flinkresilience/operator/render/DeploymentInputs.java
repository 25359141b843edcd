package dev.flinkresilience.operator.render;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a deployment needs besides the spec, decided by the operator for each deployment generation.
 *
 * @param jobId the fixed Flink job id (32 hex digits), so that a resubmission of the same
 *     generation never creates a second job
 * @param restorePath checkpoint or savepoint to restore from, or {@code null} (or blank) to start
 *     empty
 * @param serviceAccount service account of the Flink pods (the user's, or the one the operator
 *     created)
 * @param resultStore the name of this deployment's job and application result stores under the HA
 *     storage directory (see {@link KeyDialect.Setting#JOB_RESULT_STORE_PATH}): the same for every
 *     JobManager of one deployment, new for every deployment the operator makes
 */
public record DeploymentInputs(
    String jobId, String restorePath, String serviceAccount, String resultStore) {
  // Flink's JobID.fromHexString accepts exactly 16 bytes in hex; fail here, not in the JobManager.
  private static final Pattern JOB_ID = Pattern.compile("[0-9a-fA-F]{32}");
  // One path segment.
  private static final Pattern RESULT_STORE = Pattern.compile("[0-9a-zA-Z][0-9a-zA-Z-]*");

  /** Inputs whose result stores are named after the job id alone. */
  public DeploymentInputs(String jobId, String restorePath, String serviceAccount) {
    this(jobId, restorePath, serviceAccount, jobId);
  }

  public DeploymentInputs {
    if (!RESULT_STORE.matcher(Objects.requireNonNull(resultStore, "resultStore")).matches()) {
      throw new IllegalArgumentException(
          "resultStore must be one path segment of letters, digits and '-', was '"
              + resultStore
              + "'");
    }
    if (!JOB_ID.matcher(Objects.requireNonNull(jobId, "jobId")).matches()) {
      throw new IllegalArgumentException("jobId must be 32 hex digits, was '" + jobId + "'");
    }
    if (Objects.requireNonNull(serviceAccount, "serviceAccount").isBlank()) {
      throw new IllegalArgumentException("serviceAccount must not be blank");
    }
    if (restorePath != null && restorePath.isBlank()) {
      restorePath = null;
    }
  }

  /** Inputs of a deployment that starts without state. */
  public static DeploymentInputs fresh(String jobId, String serviceAccount) {
    return new DeploymentInputs(jobId, null, serviceAccount);
  }
}
