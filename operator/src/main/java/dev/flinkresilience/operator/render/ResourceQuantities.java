package dev.flinkresilience.operator.render;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Kubernetes resource quantities in Flink's syntax. Flink's memory units (k, m, g, t) are binary,
 * Kubernetes has both (Mi = 2^20, M = 10^6), so memory goes through bytes and comes out in the
 * largest binary unit that keeps it exact: 1600Mi is "1600m", 1G is "1000000000b".
 */
final class ResourceQuantities {
  private static final String[] UNITS = {"t", "g", "m", "k"};

  private ResourceQuantities() {}

  /** A Flink MemorySize string with exactly the quantity's bytes. */
  static String memory(Quantity quantity, String field) {
    BigDecimal bytes = amount(quantity, field);
    BigInteger whole;
    try {
      whole = bytes.toBigIntegerExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          field + ": " + quantity + " is not a whole number of bytes", e);
    }
    if (whole.signum() <= 0 || whole.bitLength() > 63) {
      throw new IllegalArgumentException(field + ": " + quantity + " is out of range");
    }
    long value = whole.longValueExact();
    for (int i = 0; i < UNITS.length; i++) {
      long unit = 1L << (10 * (UNITS.length - i));
      if (value % unit == 0) {
        return value / unit + UNITS[i];
      }
    }
    return value + "b";
  }

  /** CPU cores as Flink's double ({@code 500m} is "0.5"). */
  static String cpu(Quantity quantity, String field) {
    BigDecimal cores = amount(quantity, field);
    if (cores.signum() <= 0) {
      throw new IllegalArgumentException(field + ": " + quantity + " must be positive");
    }
    return cores.stripTrailingZeros().toPlainString();
  }

  private static BigDecimal amount(Quantity quantity, String field) {
    try {
      return quantity.getNumericalAmount();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(field + ": '" + quantity + "' is not a quantity", e);
    }
  }
}
