package dev.flinkresilience.local.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

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
  void theBlockComesFromTheSystemPropertyAndABadOneNamesIt() {
    assertThat(PodAddresses.processBlock("")).isZero();
    assertThat(PodAddresses.processBlock(" 1 ")).isEqualTo(1);
    assertThatThrownBy(() -> PodAddresses.processBlock("fork"))
        .hasMessageContaining(PodAddresses.BLOCK_PROPERTY);
    assertThatThrownBy(() -> new PodAddresses(256, 1)).hasMessageContaining("0..255");
    assertThatThrownBy(() -> new PodAddresses(0, 251)).hasMessageContaining("1..250");
  }
}
