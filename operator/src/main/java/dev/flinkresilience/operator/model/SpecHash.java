package dev.flinkresilience.operator.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Hash of what a deployment is made from. {@code job.state} is left out (suspending is not a new
 * deployment) and so are {@code recovery} and the savepoint schedule ({@code job.savepointNonce},
 * {@code savepointInterval}, {@code savepointHistory}): the operator's own settings change nothing
 * in the cluster, and a savepoint is taken while the job keeps running. {@code restartNonce} is in,
 * so changing it redeploys.
 */
public final class SpecHash {
  private static final ObjectMapper CANONICAL =
      JsonMapper.builder()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(com.fasterxml.jackson.databind.MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .build();

  private SpecHash() {}

  public static String of(FlinkResilientJobSpec spec) {
    ObjectNode tree = CANONICAL.valueToTree(spec);
    tree.remove("recovery");
    if (tree.get("job") instanceof ObjectNode job) {
      job.remove("state");
      job.remove("savepointNonce");
      job.remove("savepointInterval");
      job.remove("savepointHistory");
    }
    try {
      byte[] bytes = CANONICAL.writeValueAsBytes(CANONICAL.treeToValue(tree, Object.class));
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException | java.io.IOException e) {
      throw new IllegalStateException("cannot hash spec", e);
    }
  }
}
