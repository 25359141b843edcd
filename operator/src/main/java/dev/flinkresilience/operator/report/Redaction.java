package dev.flinkresilience.operator.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The spec as status may show it. Status is readable by whoever may read the resource (and often by
 * dashboards and GitOps tools with wider read rights than the spec's author), so a value that looks
 * like a credential is replaced: a {@code spec.flinkConfiguration} value whose key names a
 * password, secret, token or key, and a pod template environment variable named so. The operator
 * reads only the HA and checkpointing fields of the deployed spec, which are never redacted.
 */
public final class Redaction {
  public static final String REDACTED = "<redacted>";

  /** Key or variable names that carry credentials, in Flink's and the usual spellings. */
  private static final Pattern CREDENTIAL =
      Pattern.compile(
          "(?i).*(password|passwd|secret|token|credential|access[-_.]?key|private[-_.]?key"
              + "|api[-_.]?key|jaas|keystore|truststore[-_.]?pass).*");

  /** Plain Jackson: the CRD classes are plain POJOs, and a copy must not share maps. */
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Redaction() {}

  public static boolean looksLikeCredential(String name) {
    return name != null && CREDENTIAL.matcher(name).matches();
  }

  /** A deep copy of {@code spec} with credential-like values redacted; null for null. */
  public static FlinkResilientJobSpec redacted(FlinkResilientJobSpec spec) {
    if (spec == null) {
      return null;
    }
    FlinkResilientJobSpec copy = MAPPER.convertValue(spec, FlinkResilientJobSpec.class);
    if (copy.getFlinkConfiguration() != null) {
      Map<String, String> config = new LinkedHashMap<>(copy.getFlinkConfiguration());
      config.replaceAll((k, v) -> looksLikeCredential(k) && v != null ? REDACTED : v);
      copy.setFlinkConfiguration(config);
    }
    if (copy.getJobManager() != null) {
      redactPod(copy.getJobManager().getPodTemplate());
    }
    if (copy.getTaskManager() != null) {
      redactPod(copy.getTaskManager().getPodTemplate());
    }
    return copy;
  }

  private static void redactPod(Map<String, Object> template) {
    if (template != null && template.get("spec") instanceof Map<?, ?> podSpec) {
      for (String list : List.of("containers", "initContainers")) {
        if (podSpec.get(list) instanceof List<?> containers) {
          containers.forEach(Redaction::redactContainer);
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static void redactContainer(Object container) {
    if (container instanceof Map<?, ?> c && c.get("env") instanceof List<?> env) {
      for (Object variable : env) {
        if (variable instanceof Map<?, ?> var
            && var.get("value") != null
            && looksLikeCredential(String.valueOf(var.get("name")))) {
          ((Map<String, Object>) var).put("value", REDACTED);
        }
      }
    }
  }
}
