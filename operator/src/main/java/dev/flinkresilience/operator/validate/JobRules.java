package dev.flinkresilience.operator.validate;

import dev.flinkresilience.operator.api.v1alpha1.JobSpec;
import dev.flinkresilience.operator.api.v1alpha1.JobState;
import dev.flinkresilience.operator.api.v1alpha1.UpgradeMode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.regex.Pattern;

/** Rules for {@code spec.job}. */
final class JobRules {
  /**
   * Flink's upper bound for max parallelism (KeyGroupRangeAssignment.UPPER_BOUND_MAX_PARALLELISM);
   * a larger parallelism can never be scheduled.
   */
  static final int MAX_PARALLELISM = 1 << 15;

  private static final Pattern CLASS_NAME =
      Pattern.compile(
          "\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*"
              + "(\\.\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)*");

  private JobRules() {}

  static void check(JobSpec job, Violations v) {
    if (!v.required("spec.job", job, "the job's jarURI, parallelism and state")) {
      return;
    }
    v.requiredUri("spec.job.jarURI", job.getJarURI(), "local:///opt/flink/usrlib/job.jar");
    entryClass(job.getEntryClass(), v);
    args(job.getArgs(), v);
    int parallelism = job.getParallelism();
    if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
      v.add(
          "spec.job.parallelism",
          "must be between 1 and " + MAX_PARALLELISM + " (Flink's limit); got " + parallelism);
    }
    v.requiredEnum("spec.job.state", job.getState(), JobState.class);
    initialSavepointPath(job.getInitialSavepointPath(), v);
    v.requiredEnum("spec.job.upgradeMode", job.getUpgradeMode(), UpgradeMode.class);
    // A stop with a savepoint that runs longer than this falls back to last-state: it bounds how
    // long a planned restart can wait on Flink.
    v.positiveDuration("spec.job.savepointTimeout", job.getSavepointTimeout(), Limits.DAY);
  }

  private static void entryClass(String entryClass, Violations v) {
    if (entryClass != null && !entryClass.isEmpty() && !CLASS_NAME.matcher(entryClass).matches()) {
      v.add(
          "spec.job.entryClass",
          "must be empty (use the jar manifest) or a fully qualified class name such as"
              + " com.example.Orders; got "
              + Violations.echo(entryClass));
    }
  }

  private static void args(List<String> args, Violations v) {
    if (args == null) {
      return;
    }
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i) == null) {
        v.add("spec.job.args[" + i + "]", "must not be null; use \"\" for an empty argument");
      }
    }
  }

  /**
   * Flink accepts a URI with a scheme or an absolute path on its default file system; a relative
   * path would resolve against whatever directory the JobManager happens to start in.
   */
  private static void initialSavepointPath(String path, Violations v) {
    if (path == null || path.isEmpty()) {
      return;
    }
    String field = "spec.job.initialSavepointPath";
    String example = ", e.g. s3://bucket/savepoints/savepoint-1a2b3c";
    URI uri;
    try {
      uri = new URI(path);
    } catch (URISyntaxException e) {
      v.add(
          field,
          "is not a valid URI or path ("
              + e.getReason()
              + " at index "
              + e.getIndex()
              + ")"
              + example);
      return;
    }
    boolean absolutePath =
        uri.getScheme() == null && uri.getAuthority() == null && path.startsWith("/");
    if (uri.getScheme() == null && !absolutePath) {
      v.add(
          field,
          "must be a URI with a scheme or an absolute path; a relative path is not accepted"
              + example);
    } else if (uri.isOpaque()) {
      v.add(
          field, "must be a hierarchical URI, with '/' after '" + uri.getScheme() + ":'" + example);
    }
  }
}
