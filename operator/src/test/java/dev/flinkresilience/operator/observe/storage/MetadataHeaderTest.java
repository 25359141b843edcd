package dev.flinkresilience.operator.observe.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MetadataHeaderTest {
  static Stream<Arguments> heads() {
    return Stream.of(
        // The head of a real Flink 2.3 savepoint's _metadata (xxd of a local-cluster run).
        Arguments.of(
            "Flink 2.3, version 6, id 20", head(0x4960672d, 6, 20, 16), OptionalLong.of(20)),
        Arguments.of("Flink 1.20, version 4", head(0x4960672d, 4, 7, 16), OptionalLong.of(7)),
        Arguments.of("a large id", head(0x4960672d, 5, 1L << 40, 16), OptionalLong.of(1L << 40)),
        Arguments.of("another magic", head(0x12345678, 6, 20, 16), OptionalLong.empty()),
        Arguments.of(
            "version 1 put no id first", head(0x4960672d, 1, 20, 16), OptionalLong.empty()),
        Arguments.of("a negative id", head(0x4960672d, 6, -1, 16), OptionalLong.empty()),
        Arguments.of("cut short", head(0x4960672d, 6, 20, 12), OptionalLong.empty()),
        Arguments.of("empty", new byte[0], OptionalLong.empty()),
        Arguments.of("text", "x".getBytes(), OptionalLong.empty()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("heads")
  void readsTheIdOnlyFromFlinksHeader(String name, byte[] bytes, OptionalLong expected)
      throws Exception {
    assertThat(MetadataHeader.checkpointId(new ByteArrayInputStream(bytes)))
        .as(name)
        .isEqualTo(expected);
  }

  static byte[] head(int magic, int version, long id, int length) {
    ByteBuffer b = ByteBuffer.allocate(24).putInt(magic).putInt(version).putLong(id).putLong(99);
    byte[] all = b.array();
    byte[] out = new byte[length];
    System.arraycopy(all, 0, out, 0, length);
    return out;
  }
}
