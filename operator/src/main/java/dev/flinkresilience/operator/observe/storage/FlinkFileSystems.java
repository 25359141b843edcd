package dev.flinkresilience.operator.observe.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.plugin.DefaultPluginManager;
import org.apache.flink.core.plugin.DirectoryBasedPluginFinder;
import org.apache.flink.core.plugin.PluginDescriptor;

/**
 * Initializes Flink's {@link FileSystem} once, at the operator's start, as Flink's own processes
 * do: with a plugin manager over a plugins directory and a configuration, so that {@link
 * CheckpointStorageReader}'s {@code new Path(…).getFileSystem()} finds {@code s3://} (and {@code
 * gs://}, {@code abfs://}) through the same plugins the JobManagers use. Flink's file systems are
 * process-wide (static), hence once, from {@link StorageAccess}: the operator's own settings, never
 * a job's.
 */
public final class FlinkFileSystems {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private FlinkFileSystems() {}

  /**
   * Initializes Flink's file systems from {@code access}; returns what was loaded, for the log.
   *
   * @throws IllegalStateException when a given directory or file is missing or unreadable: a
   *     misconfigured operator stops at its start, not at its first redeploy
   */
  public static String initialize(StorageAccess access) {
    Configuration configuration =
        access.configFile().map(FlinkFileSystems::load).orElseGet(Configuration::new);
    List<PluginDescriptor> plugins =
        access.pluginsDir().map(FlinkFileSystems::find).orElse(List.of());
    FileSystem.initialize(
        configuration,
        new DefaultPluginManager(
            plugins, CoreOptions.getPluginParentFirstLoaderPatterns(configuration)));
    return "file system plugins "
        + plugins.stream().map(PluginDescriptor::getPluginId).toList()
        + access.pluginsDir().map(d -> " from " + d).orElse("")
        + ", configuration "
        + access
            .configFile()
            .map(f -> f + " (" + configuration.keySet().size() + " keys)")
            .orElse("none");
  }

  private static List<PluginDescriptor> find(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("the plugins directory " + dir + " does not exist");
    }
    try {
      return List.copyOf(new DirectoryBasedPluginFinder(dir).findPlugins());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the plugins directory " + dir + ": " + e, e);
    }
  }

  /** A Flink-style YAML file: nested maps or dotted keys, scalar values. */
  static Configuration load(Path file) {
    try {
      JsonNode root = YAML.readTree(Files.readString(file));
      Map<String, String> flat = new TreeMap<>();
      if (root != null && !root.isMissingNode() && !root.isNull()) {
        if (!root.isObject()) {
          throw new IllegalStateException(file + " is not a map of Flink settings");
        }
        flatten("", root, flat);
      }
      return Configuration.fromMap(flat);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot read the storage configuration " + file + ": " + e, e);
    }
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> into) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        var e = it.next();
        flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), into);
      }
    } else {
      into.put(prefix, node.isValueNode() ? node.asText() : node.toString());
    }
  }
}
