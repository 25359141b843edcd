package dev.flinkresilience.operator.observe.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the recorded Flink answers under {@code src/test/resources/flink-rest/<version>/}. */
final class FlinkRestFixtures {

  /** Every Flink version we keep recordings of; a new folder must be added here. */
  static final String[] VERSIONS = {"1.20", "2.0", "2.3"};

  private FlinkRestFixtures() {}

  static byte[] body(String version, String name) {
    String resource = "/flink-rest/" + version + "/" + name + ".json";
    try (InputStream in = FlinkRestFixtures.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Integer> parse(String index) {
    Map<String, Integer> statuses = new LinkedHashMap<>();
    for (String line : index.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] columns = line.split("\t");
      statuses.put(columns[0].replace(".json", ""), Integer.parseInt(columns[1]));
    }
    return statuses;
  }

  /** File name (without .json) to the HTTP status it was recorded with, from index.tsv. */
  static Map<String, Integer> index(String version) {
    String resource = "/flink-rest/" + version + "/index.tsv";
    try (InputStream in = FlinkRestFixtures.class.getResourceAsStream(resource)) {
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
