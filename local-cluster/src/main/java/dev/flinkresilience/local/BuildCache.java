package dev.flinkresilience.local;

import java.nio.file.Path;

/**
 * Where the local cluster's scripts keep what they build once per machine (the Kubernetes binaries,
 * the kubelet, the Flink image for real nodes): {@code $FRO_CACHE}, by default {@code
 * ~/.cache/flink-resilience}, as in {@code local/controlplane} and {@code local/realnode}.
 */
public final class BuildCache {
  private BuildCache() {}

  public static Path root() {
    String cache = System.getenv("FRO_CACHE");
    return cache != null
        ? Path.of(cache)
        : Path.of(System.getProperty("user.home"), ".cache", "flink-resilience");
  }
}
