package dev.flinkresilience.local.node;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pod IPs of one node: {@code 127.<block>.<node>.2} upwards, never reused within a run (a new pod
 * never answers on an address a dead one had). Linux routes all of 127.0.0.0/8 to loopback, so each
 * pod binds its own address and the same ports as its neighbours.
 *
 * <p>The block keeps local clusters of different processes apart: two test JVMs running at once
 * (the local-cluster suite runs its classes in two forks) would otherwise both hand out {@code
 * 127.0.1.2}, and one cluster's JobManager would bind, or answer for, the other's. Each process
 * takes its block from {@value #BLOCK_PROPERTY} (surefire sets the fork's number), 0 by default.
 */
public final class PodAddresses {
  /** The system property naming this process's block, 0..255. */
  public static final String BLOCK_PROPERTY = "fro.pod-address-block";

  private final int block;
  private final int node;
  private final AtomicInteger last = new AtomicInteger(1);

  public PodAddresses(int block, int node) {
    if (block < 0 || block > 255) {
      throw new IllegalArgumentException("address block must be 0..255: " + block);
    }
    if (node < 1 || node > 250) {
      throw new IllegalArgumentException("node index must be 1..250: " + node);
    }
    this.block = block;
    this.node = node;
  }

  /** Node {@code node}'s addresses in this process's block ({@value #BLOCK_PROPERTY}). */
  public static PodAddresses ofThisProcess(int node) {
    return new PodAddresses(processBlock(System.getProperty(BLOCK_PROPERTY, "")), node);
  }

  /** The block a {@value #BLOCK_PROPERTY} value names: blank is 0; anything else must be 0..255. */
  static int processBlock(String value) {
    if (value.isBlank()) {
      return 0;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          BLOCK_PROPERTY + " must be a number 0..255, was '" + value + "'", e);
    }
  }

  /** The node's own address. */
  public String hostIp() {
    return prefix() + ".1";
  }

  public String next() {
    int n = last.incrementAndGet();
    if (n > 254) {
      throw new IllegalStateException("node " + node + " ran out of pod addresses");
    }
    return prefix() + "." + n;
  }

  private String prefix() {
    return "127." + block + "." + node;
  }
}
