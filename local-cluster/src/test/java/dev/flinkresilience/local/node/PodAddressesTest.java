package dev.flinkresilience.local.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodAddressesTest {

  @Test
  void aNodesAddressesLieInItsProcesssBlockAndAreNeverReused() {
    PodAddresses node2 = new PodAddresses(0, 2);
    assertThat(node2.hostIp()).isEqualTo("127.0.2.1");
    assertThat(node2.next()).isEqualTo("127.0.2.2");
    assertThat(node2.next()).isEqualTo("127.0.2.3");

    PodAddresses otherFork = new PodAddresses(2, 2);
    assertThat(otherFork.hostIp()).isEqualTo("127.2.2.1");
    assertThat(otherFork.next()).isEqualTo("127.2.2.2");
  }

  @Test
  void eachClaimTakesTheLowestBlockNotHeld(@TempDir Path dir) {
    assertThat(PodAddresses.claimFree(dir)).isZero();
    assertThat(PodAddresses.claimFree(dir)).as("0 is held now").isEqualTo(1);
  }

  @Test
  void aBlockHeldByAnotherProcessIsNotTaken(@TempDir Path dir) throws Exception {
    Process other =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                Holder.class.getName(),
                dir.toString())
            .redirectErrorStream(true)
            .start();
    try {
      assertThat(new String(other.getInputStream().readNBytes(7))).isEqualTo("block 0");
      assertThat(PodAddresses.claimFree(dir)).isEqualTo(1);
    } finally {
      other.destroyForcibly();
    }
  }

  /** Another process: claims a block, says which, and holds it until killed. */
  public static final class Holder {
    public static void main(String[] args) throws InterruptedException {
      System.out.print("block " + PodAddresses.claimFree(Path.of(args[0])));
      System.out.flush();
      Thread.sleep(60_000);
    }
  }

  @Test
  void theBlockNamedByTheSystemPropertyMustBeANumber() {
    assertThat(PodAddresses.processBlock(" 1 ")).isEqualTo(1);
    assertThatThrownBy(() -> PodAddresses.processBlock("fork"))
        .hasMessageContaining(PodAddresses.BLOCK_PROPERTY);
    assertThatThrownBy(() -> new PodAddresses(256, 1)).hasMessageContaining("0..255");
    assertThatThrownBy(() -> new PodAddresses(0, 251)).hasMessageContaining("1..250");
  }
}
