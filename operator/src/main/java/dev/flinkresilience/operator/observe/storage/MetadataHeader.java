package dev.flinkresilience.operator.observe.storage;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.OptionalLong;

/**
 * The checkpoint id written at the head of a {@code _metadata} file. Flink writes a magic number,
 * the format version, then (every version since 2, up to 6 in Flink 2.3) the checkpoint id as the
 * first field of the metadata itself. Only those 16 bytes are read: nothing of the file is
 * deserialized, so a tenant's storage cannot feed the operator objects.
 *
 * <p>Why the id matters: a savepoint's path does not name it, and Flink's savepoint answer does not
 * give it. Without it the operator cannot tell the HA store's entry for the point a deployment
 * restored from (same id, kept under that id in ZooKeeper or the ConfigMap) from a checkpoint the
 * new job completed.
 */
public final class MetadataHeader {
  /** {@code Checkpoints.HEADER_MAGIC_NUMBER} in Flink. */
  static final int MAGIC = 0x4960672d;

  /** Flink 1.x and 2.x write versions 2 to 6; all put the checkpoint id first. */
  static final int OLDEST_VERSION = 2;

  private MetadataHeader() {}

  /** The id, or empty when the stream does not start like Flink's metadata (or ends early). */
  public static OptionalLong checkpointId(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    byte[] head = data.readNBytes(16);
    if (head.length < 16) {
      return OptionalLong.empty();
    }
    var buffer = java.nio.ByteBuffer.wrap(head);
    int magic = buffer.getInt();
    int version = buffer.getInt();
    long id = buffer.getLong();
    if (magic != MAGIC || version < OLDEST_VERSION || id < 0) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(id);
  }
}
