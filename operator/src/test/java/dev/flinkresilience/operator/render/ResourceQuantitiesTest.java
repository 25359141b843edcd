package dev.flinkresilience.operator.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.apache.flink.configuration.MemorySize;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ResourceQuantitiesTest {

  @ParameterizedTest
  @CsvSource({
    "1600Mi, 1600m",
    "1728Mi, 1728m",
    "2Gi, 2g",
    "1024Mi, 1g",
    "1.5Gi, 1536m",
    "0.5Gi, 512m",
    "512Ki, 512k",
    "1Ti, 1t",
    "1G, 1000000000b",
    "1500M, 1500000000b",
    "100k, 100000b",
    "128974848, 123m",
    "129e6, 129000000b",
    "1000, 1000b",
    "1, 1b"
  })
  void memoryKeepsTheExactNumberOfBytes(String quantity, String flink) {
    Quantity q = new Quantity(quantity);

    assertThat(ResourceQuantities.memory(q, "memory")).isEqualTo(flink);
    // Flink's own parser reads back exactly the bytes Kubernetes means.
    assertThat(MemorySize.parse(flink).getBytes())
        .isEqualTo(Quantity.getAmountInBytes(q).longValueExact());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "0Mi", "-1Gi", "0.5", "1m", "100Ei"})
  void memoryRejectsWhatIsNotAPositiveWholeNumberOfBytes(String quantity) {
    assertThatThrownBy(
            () -> ResourceQuantities.memory(new Quantity(quantity), "spec.x.resources.memory"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spec.x.resources.memory");
  }

  @Provide
  Arbitrary<String> suffixes() {
    return Arbitraries.of("", "Ki", "Mi", "Gi", "Ti", "k", "M", "G", "T");
  }

  @Property(tries = 500)
  void anyWholeQuantityRoundTripsThroughFlink(
      @ForAll @LongRange(min = 1, max = 1L << 40) long amount, @ForAll("suffixes") String suffix) {
    Quantity q = new Quantity(amount + suffix);
    BigInteger bytes = Quantity.getAmountInBytes(q).toBigIntegerExact();
    Assume.that(bytes.bitLength() < 63);

    assertThat(MemorySize.parse(ResourceQuantities.memory(q, "memory")).getBytes())
        .isEqualTo(bytes.longValueExact());
  }

  @ParameterizedTest
  @CsvSource({"1, 1", "500m, 0.5", "100m, 0.1", "1500m, 1.5", "2.5, 2.5", "4000m, 4", "0.25, 0.25"})
  void cpuBecomesCores(String quantity, String cores) {
    String rendered = ResourceQuantities.cpu(new Quantity(quantity), "cpu");

    assertThat(rendered).isEqualTo(cores);
    assertThat(Double.parseDouble(rendered)).isEqualTo(Double.parseDouble(cores));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "0m"})
  void cpuRejectsNonPositive(String quantity) {
    assertThatThrownBy(() -> ResourceQuantities.cpu(new Quantity(quantity), "spec.x.resources.cpu"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spec.x.resources.cpu");
  }
}
