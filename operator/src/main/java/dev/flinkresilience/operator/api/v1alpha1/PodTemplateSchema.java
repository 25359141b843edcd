package dev.flinkresilience.operator.api.v1alpha1;

/**
 * The CRD schema of a pod template: an object whose fields the API server keeps as they are. A
 * {@code Map<String, Object>} alone would be generated with {@code additionalProperties: {type:
 * object}}, and a real API server then prunes every field below the template's first level (its
 * {@code spec} arrives empty): the podTemplate fields are validated by the operator instead
 * (validate/PodTemplateRules, validate/PodSecurityRules). Used only through {@code @SchemaFrom}.
 */
final class PodTemplateSchema {
  private PodTemplateSchema() {}
}
