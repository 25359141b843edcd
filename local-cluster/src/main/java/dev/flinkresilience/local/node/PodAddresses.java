package dev.flinkresilience.local.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pod IPs of one node: {@code 127.<block>.<node>.2} upwards, never reused within a run (a new pod
 * never answers on an address a dead one had). Linux routes all of 127.0.0.0/8 to loopback, so each
 * pod binds its own address and the same ports as its neighbours.
 *
 * <p>The block keeps local clusters of different processes apart: two test JVMs running at once
 * (the local-cluster suite runs its classes in two forks) would otherwise both hand out {@code
 * 127.0.1.2}, and one cluster's JobManager would bind, or answer for, the other's (seen: a
 * JobManager exiting on start four times in a row). Each process claims the lowest free block by
 * holding a lock file in the temporary directory for its lifetime, so the first process gets 0 as
 * before; {@value #BLOCK_PROPERTY} names one instead.
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

  /** Node {@code node}'s addresses in this process's block. */
  public static PodAddresses ofThisProcess(int node) {
    return new PodAddresses(processBlock(), node);
  }

  private static Integer claimed;

  /** What every pod address of this process starts with: {@code 127.<block>.}. */
  public static String processPrefix() {
    return "127." + processBlock() + ".";
  }

  /**
   * This process's block: {@value #BLOCK_PROPERTY} if set, else the lowest one no process holds.
   */
  static synchronized int processBlock() {
    if (claimed == null) {
      String named = System.getProperty(BLOCK_PROPERTY, "");
      claimed =
          named.isBlank()
              ? claimFree(Path.of(System.getProperty("java.io.tmpdir"), "fro-pod-address-blocks"))
              : processBlock(named);
    }
    return claimed;
  }

  /** Their channels stay open, and their locks held, until this process exits. */
  private static final List<FileChannel> HELD = new ArrayList<>();

  /**
   * The lowest block whose lock file in {@code dir} no process holds, now held by this one. The
   * operating system releases the lock when the process ends, however it ends.
   */
  static int claimFree(Path dir) {
    try {
      Files.createDirectories(dir);
      for (int block = 0; block <= 255; block++) {
        FileChannel channel =
            FileChannel.open(
                dir.resolve("block-" + block), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
          lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
          lock = null; // held by this very process (a second claim in a test)
        }
        if (lock != null) {
          HELD.add(channel);
          return block;
        }
        channel.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot claim a pod address block in " + dir, e);
    }
    throw new IllegalStateException("every pod address block in " + dir + " is held");
  }

  /** The block a {@value #BLOCK_PROPERTY} value names: 0..255. */
  static int processBlock(String value) {
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
