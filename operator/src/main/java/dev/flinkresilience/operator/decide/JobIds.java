package dev.flinkresilience.operator.decide;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Fixed Flink job ids. A job id is derived from the resource's uid and the operator's deployment
 * serial (see DeploymentRecord.serial), so a resubmission of the same deployment (a JobManager
 * restart, a retried deploy) finds the job it already created instead of starting a second one.
 */
public final class JobIds {
  private JobIds() {}

  /** 32 hex characters, the form of a Flink JobID. */
  public static String of(String uid, long serial) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest((uid + "/" + serial).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }
}
