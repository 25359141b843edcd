package dev.flinkresilience.operator.render;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The configuration keys one Flink minor declares: every public static ConfigOption in the jars the
 * build copies to {@code target/flink-option-catalog/<minor>}, read through a class loader of its
 * own so the Flink 2.3 classes on the test classpath cannot answer for another version.
 *
 * @param currentKeys the key() of some option
 * @param deprecatedKeys deprecated fallback keys that are not also a current key
 */
record FlinkOptionCatalog(String minor, Set<String> currentKeys, Set<String> deprecatedKeys) {
  private static final String OPTION = "org.apache.flink.configuration.ConfigOption";
  private static final byte[] OPTION_DESCRIPTOR =
      ("L" + OPTION.replace('.', '/') + ";").getBytes(StandardCharsets.UTF_8);

  static FlinkOptionCatalog load(String minor) {
    Path dir = Path.of(System.getProperty("catalog.dir", "target/flink-option-catalog"), minor);
    try (var files = Files.list(dir)) {
      List<Path> jars = files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
      if (jars.isEmpty()) {
        throw new IllegalStateException("no Flink jars in " + dir);
      }
      URL[] urls = new URL[jars.size()];
      for (int i = 0; i < urls.length; i++) {
        urls[i] = jars.get(i).toUri().toURL();
      }
      try (URLClassLoader loader = new URLClassLoader(urls, new ThirdPartyOnly())) {
        Set<String> current = new HashSet<>();
        Set<String> deprecated = new HashSet<>();
        for (Path jar : jars) {
          collect(jar, loader, current, deprecated);
        }
        deprecated.removeAll(current);
        return new FlinkOptionCatalog(minor, Set.copyOf(current), Set.copyOf(deprecated));
      }
    } catch (IOException | ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read the Flink " + minor + " option catalog", e);
    }
  }

  private static void collect(
      Path jar, ClassLoader loader, Set<String> current, Set<String> deprecated)
      throws IOException, ReflectiveOperationException {
    Class<?> option = loader.loadClass(OPTION);
    Method key = option.getMethod("key");
    Method fallbackKeys = option.getMethod("fallbackKeys");
    Class<?> fallback = loader.loadClass("org.apache.flink.configuration.FallbackKey");
    Method fallbackKey = fallback.getMethod("getKey");
    Method isDeprecated = fallback.getMethod("isDeprecated");
    try (JarFile file = new JarFile(jar.toFile())) {
      for (JarEntry entry : file.stream().toList()) {
        if (!declaresOptionField(file, entry)) {
          continue;
        }
        String name = entry.getName().replace('/', '.').replace(".class", "");
        for (Object value : optionValues(name, loader, option)) {
          current.add((String) key.invoke(value));
          for (Object fb : (Iterable<?>) fallbackKeys.invoke(value)) {
            if ((Boolean) isDeprecated.invoke(fb)) {
              deprecated.add((String) fallbackKey.invoke(fb));
            }
          }
        }
      }
    }
  }

  // Loading every class of six jars takes seconds; a class without the ConfigOption descriptor
  // in its constant pool cannot declare a ConfigOption field.
  private static boolean declaresOptionField(JarFile file, JarEntry entry) throws IOException {
    if (!entry.getName().endsWith(".class") || !entry.getName().startsWith("org/apache/flink/")) {
      return false;
    }
    try (InputStream in = file.getInputStream(entry)) {
      byte[] bytes = in.readAllBytes();
      outer:
      for (int i = 0; i <= bytes.length - OPTION_DESCRIPTOR.length; i++) {
        for (int j = 0; j < OPTION_DESCRIPTOR.length; j++) {
          if (bytes[i + j] != OPTION_DESCRIPTOR[j]) {
            continue outer;
          }
        }
        return true;
      }
      return false;
    }
  }

  private static List<Object> optionValues(String className, ClassLoader loader, Class<?> option) {
    try {
      Class<?> type = Class.forName(className, false, loader);
      List<Object> values = new ArrayList<>();
      for (Field field : type.getDeclaredFields()) {
        int modifiers = field.getModifiers();
        if (Modifier.isPublic(modifiers)
            && Modifier.isStatic(modifiers)
            && field.getType() == option) {
          values.add(field.get(null));
        }
      }
      return values;
    } catch (ReflectiveOperationException | LinkageError e) {
      // A class whose dependencies are not in the catalog jars (e.g. a shaded Guava of another
      // version): its options are not ones we render. If they were, the test would say so.
      return List.of();
    }
  }

  /**
   * Parent of the catalog loader: the platform classes, plus the third-party libraries (slf4j,
   * commons) that some option holders touch in their static initializers, e.g.
   * KubernetesConfigOptions and RestartStrategyOptions (Flink's shaded packages count as third
   * party). Flink's own classes are refused, so they always come from the catalog jars of the
   * version under test.
   */
  private static final class ThirdPartyOnly extends ClassLoader {
    ThirdPartyOnly() {
      super(ClassLoader.getPlatformClassLoader());
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      if (name.startsWith("org.apache.flink.") && !name.startsWith("org.apache.flink.shaded.")) {
        throw new ClassNotFoundException(name);
      }
      return FlinkOptionCatalog.class.getClassLoader().loadClass(name);
    }
  }
}
