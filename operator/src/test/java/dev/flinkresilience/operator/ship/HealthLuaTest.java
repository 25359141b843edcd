package dev.flinkresilience.operator.ship;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * The Argo CD health check, run by a real Lua interpreter (LuaJ) the way Argo CD runs it: the
 * resource as the global {@code obj}, the script's return value a table {@code {status, message}}.
 * One case per fixture in {@code argocd/health-cases.yaml}.
 */
class HealthLuaTest {
  private static final Path SCRIPT = RenderedChart.chartDir().resolve("argocd/health.lua");
  private static final List<String> ARGO_STATUSES =
      List.of("Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown");

  static Stream<Arguments> cases() throws IOException {
    try (InputStream in = HealthLuaTest.class.getResourceAsStream("/argocd/health-cases.yaml")) {
      List<Arguments> out = new ArrayList<>();
      for (JsonNode c : new YAMLMapper().readTree(in)) {
        out.add(Arguments.of(c.path("name").asText(), c.path("obj"), c.path("expect")));
      }
      return out.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void healthOfFixture(String name, JsonNode obj, JsonNode expect) throws IOException {
    Map<String, String> health = run(obj);
    assertThat(ARGO_STATUSES).contains(health.get("status"));
    assertThat(health.get("status")).as(name).isEqualTo(expect.path("status").asText());
    assertThat(health.get("message")).as(name).contains(expect.path("message").asText());
  }

  private static Map<String, String> run(JsonNode obj) throws IOException {
    Globals globals = JsePlatform.standardGlobals();
    globals.set("obj", toLua(obj));
    LuaValue result = globals.load(Files.readString(SCRIPT), "health.lua").call();
    assertThat(result.istable()).as("the script returns a table").isTrue();
    return Map.of(
        "status", result.get("status").tojstring(), "message", result.get("message").tojstring());
  }

  /** JSON to Lua as Argo CD converts it: objects and arrays to tables (arrays 1-based). */
  private static LuaValue toLua(JsonNode node) {
    if (node.isObject()) {
      LuaTable t = new LuaTable();
      node.fields().forEachRemaining(e -> t.set(e.getKey(), toLua(e.getValue())));
      return t;
    }
    if (node.isArray()) {
      LuaTable t = new LuaTable();
      for (int i = 0; i < node.size(); i++) {
        t.set(i + 1, toLua(node.get(i)));
      }
      return t;
    }
    if (node.isNumber()) {
      return LuaValue.valueOf(node.asDouble());
    }
    if (node.isBoolean()) {
      return LuaValue.valueOf(node.asBoolean());
    }
    if (node.isNull() || node.isMissingNode()) {
      return LuaValue.NIL;
    }
    return LuaValue.valueOf(node.asText());
  }
}
