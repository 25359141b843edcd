package dev.flinkresilience.local.node;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pod IPs of one node: {@code 127.0.<node>.2} upwards, never reused within a run (a new pod never
 * answers on an address a dead one had). Linux routes all of 127.0.0.0/8 to loopback, so each pod
 * binds its own address and the same ports as its neighbours.
 */
public final class PodAddresses {
  private final int node;
  private final AtomicInteger last = new AtomicInteger(1);

  public PodAddresses(int node) {
    if (node < 1 || node > 250) {
      throw new IllegalArgumentException("node index must be 1..250: " + node);
    }
    this.node = node;
  }

  /** The node's own address. */
  public String hostIp() {
    return "127.0." + node + ".1";
  }

  public String next() {
    int n = last.incrementAndGet();
    if (n > 254) {
      throw new IllegalStateException("node " + node + " ran out of pod addresses");
    }
    return "127.0." + node + "." + n;
  }
}
