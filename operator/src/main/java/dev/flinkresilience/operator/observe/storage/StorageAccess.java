package dev.flinkresilience.operator.observe.storage;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How the operator itself reaches checkpoint storage: Flink's file system plugins and the
 * operator's own file system configuration (endpoint, credentials). Both belong to whoever runs the
 * operator; a job's {@code flinkConfiguration} never contributes (docs/recovery.md, "Reading
 * checkpoint storage"): a job's author must not be able to point the operator at an endpoint of
 * their choice or at another tenant's credentials.
 *
 * @param pluginsDir a directory laid out as Flink's {@code plugins/} ({@code <name>/<jar>}), e.g.
 *     {@code flink-s3-fs-presto}; empty: no plugins, {@code file://} only
 * @param configFile a Flink-style YAML file ({@code s3.endpoint}, {@code s3.access-key}, …, nested
 *     or dotted keys) that configures those file systems; empty: their defaults (for S3, the AWS
 *     default credential chain: IRSA, instance profile, environment)
 */
public record StorageAccess(Optional<Path> pluginsDir, Optional<Path> configFile) {
  /** No plugins, no configuration: {@code file://} only. */
  public static final StorageAccess LOCAL_ONLY =
      new StorageAccess(Optional.empty(), Optional.empty());

  public StorageAccess {
    pluginsDir = pluginsDir == null ? Optional.empty() : pluginsDir;
    configFile = configFile == null ? Optional.empty() : configFile;
  }

  /** From flag or environment values, where blank means not given. */
  public static StorageAccess of(String pluginsDir, String configFile) {
    return new StorageAccess(path(pluginsDir), path(configFile));
  }

  private static Optional<Path> path(String value) {
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(Path.of(value.trim()));
  }
}
