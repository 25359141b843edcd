package dev.flinkresilience.operator.validate;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Collection;
import java.util.Map;

/**
 * Rules for the podTemplate of the JobManager and the TaskManagers. The template must convert to a
 * fabric8 Pod, which is what it gets merged into; a type mismatch is reported at the path inside
 * the template where it occurs, e.g. {@code spec.taskManager.podTemplate.spec.containers[0].env}.
 * Unknown fields are not reported: fabric8 keeps them as additional properties.
 */
final class PodTemplateRules {
  /** Plain Jackson: fabric8's model classes carry their own (de)serialization annotations. */
  private static final ObjectMapper POD_MAPPER = new ObjectMapper();

  private PodTemplateRules() {}

  static void check(String field, Map<String, Object> template, Violations v) {
    if (template == null) {
      return;
    }
    Object kind = template.get("kind");
    if (kind != null && !"Pod".equals(kind)) {
      v.add(field + ".kind", "must be Pod or omitted; got " + Violations.echo(kind));
    }
    Object apiVersion = template.get("apiVersion");
    if (apiVersion != null && !"v1".equals(apiVersion)) {
      v.add(field + ".apiVersion", "must be v1 or omitted; got " + Violations.echo(apiVersion));
    }
    try {
      Pod pod = POD_MAPPER.convertValue(template, Pod.class);
      if (pod.getSpec() != null) {
        // A null entry fits a Pod to Jackson, and then breaks whoever reads the list (the
        // validator's own security rules did, found by SpecValidatorFuzzTest).
        nullEntries(field + ".spec.containers", pod.getSpec().getContainers(), v);
        nullEntries(field + ".spec.initContainers", pod.getSpec().getInitContainers(), v);
        nullEntries(field + ".spec.ephemeralContainers", pod.getSpec().getEphemeralContainers(), v);
      }
    } catch (IllegalArgumentException e) {
      if (e.getCause() instanceof JsonMappingException mapping) {
        v.add(field + pathOf(mapping), "does not fit a Pod: " + reason(mapping));
      } else {
        v.add(field, "is not a Pod");
      }
    }
  }

  private static void nullEntries(String field, java.util.List<?> entries, Violations v) {
    if (entries == null) {
      return;
    }
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i) == null) {
        v.add(field + "[" + i + "]", "must be an object; got null");
      }
    }
  }

  private static String pathOf(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        path.append('.').append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static String reason(JsonMappingException e) {
    if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
      return "expected " + describe(mismatch.getTargetType());
    }
    String message = String.valueOf(e.getOriginalMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  private static String describe(Class<?> type) {
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(type)) {
      return "a map";
    }
    if (type == String.class) {
      return "a string";
    }
    if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    return type.getName().startsWith("io.fabric8.")
        ? "an object (" + type.getSimpleName() + ")"
        : type.getSimpleName();
  }
}
