package dev.flinkresilience.local.node;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the emulated kubelet has in place of container images (pure): a Flink distribution, that is
 * the classpath a container's JVM runs on and the directory its {@code /opt/flink/usrlib} maps to,
 * chosen by the Flink version in the image's tag.
 *
 * <p>An image whose tag names a version with a distribution of its own ({@code flink:1.20-java17},
 * {@code flink:1.20.1}) runs on it. A 1.x image without one cannot run: its JobManager would be a
 * 2.x one, and a test that asked for 1.20 would pass on another Flink; it fails as a pull of a
 * missing image does. Any other image runs on {@code standard}, the build's own Flink (2.3), as
 * every image did before versions had distributions.
 */
public record FlinkImages(Distribution standard, Map<String, Distribution> byVersion) {

  /**
   * A container's Flink: its JVM's classpath, where {@code /opt/flink/usrlib} is, and its plugins
   * directory ({@code /opt/flink/plugins}, {@code <name>/<jar>}), if it has one.
   */
  public record Distribution(String classpath, Path usrlib, Optional<Path> plugins) {
    public Distribution {
      plugins = plugins == null ? Optional.empty() : plugins;
    }

    /** Without plugins. */
    public Distribution(String classpath, Path usrlib) {
      this(classpath, usrlib, Optional.empty());
    }
  }

  /** The tag's major.minor: {@code 1.20} in {@code flink:1.20.1-java17} or {@code flink:1.20}. */
  private static final Pattern VERSION = Pattern.compile("^(\\d+\\.\\d+)(?:[.\\-].*)?$");

  public FlinkImages {
    byVersion = Map.copyOf(byVersion);
  }

  /** Every image on one distribution. */
  public static FlinkImages only(Distribution standard) {
    return new FlinkImages(standard, Map.of());
  }

  /** The same images, and {@code version}'s (major.minor) on {@code distribution}. */
  public FlinkImages with(String version, Distribution distribution) {
    var all = new java.util.HashMap<>(byVersion);
    all.put(version, distribution);
    return new FlinkImages(standard, all);
  }

  /**
   * The distribution a container of {@code image} runs on.
   *
   * @throws ContainerPlan.UnsupportedContainerException for a 1.x image without a distribution
   */
  public Distribution of(String image) {
    Optional<String> version = version(image);
    if (version.isPresent() && byVersion.containsKey(version.get())) {
      return byVersion.get(version.get());
    }
    if (version.isPresent() && version.get().startsWith("1.")) {
      throw new ContainerPlan.UnsupportedContainerException(
          "image "
              + image
              + ": no Flink "
              + version.get()
              + " here (the flink-1.20 module builds Flink 1.20's: mvn package -pl flink-1.20)");
    }
    return standard;
  }

  /** The Flink major.minor an image's tag names, if it names one. */
  static Optional<String> version(String image) {
    if (image == null) {
      return Optional.empty();
    }
    String name = image.substring(image.lastIndexOf('/') + 1);
    int at = name.indexOf('@');
    if (at >= 0) {
      name = name.substring(0, at);
    }
    int colon = name.lastIndexOf(':');
    if (colon < 0) {
      return Optional.empty();
    }
    Matcher m = VERSION.matcher(name.substring(colon + 1));
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }
}
