package dev.flinkresilience.operator.validate;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One pod template as the pod security rules read it: typed, with every container (containers,
 * initContainers, ephemeralContainers) at the path the user wrote it, e.g. {@code
 * spec.taskManager.podTemplate.spec.initContainers[1]}. An absent template stands for the pod Flink
 * builds on its own: no securityContext anywhere.
 *
 * @param field where the template is, e.g. {@code spec.jobManager.podTemplate}
 * @param present whether the job has a template there at all
 */
record TemplatePod(String field, boolean present, Pod pod) {
  /** Flink's name for its main container, which it merges with a template entry of that name. */
  static final String MAIN_CONTAINER = "flink-main-container";

  private static final ObjectMapper POD_MAPPER = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  /** A container with the path of its entry in the template. */
  record TemplateContainer(
      String field, String name, SecurityContext securityContext, List<ContainerPort> ports) {
    List<String> added() {
      var capabilities = securityContext.getCapabilities();
      return capabilities == null || capabilities.getAdd() == null
          ? List.of()
          : capabilities.getAdd();
    }

    List<String> dropped() {
      var capabilities = securityContext.getCapabilities();
      return capabilities == null || capabilities.getDrop() == null
          ? List.of()
          : capabilities.getDrop();
    }
  }

  /**
   * The template at {@code field}, or empty when it is not a Pod (PodTemplateRules reports that,
   * and nothing can be said about its security).
   */
  static Optional<TemplatePod> of(String field, Map<String, Object> template) {
    if (template == null) {
      return Optional.of(new TemplatePod(field, false, new Pod()));
    }
    try {
      return Optional.of(
          new TemplatePod(field, true, POD_MAPPER.convertValue(template, Pod.class)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** {@code field.spec}, where the pod's own fields are. */
  String specField() {
    return field + ".spec";
  }

  PodSpec spec() {
    return pod.getSpec() == null ? new PodSpec() : pod.getSpec();
  }

  /** The pod-level securityContext; an empty one when unset. */
  PodSecurityContext podContext() {
    PodSecurityContext context = spec().getSecurityContext();
    return context == null ? new PodSecurityContext() : context;
  }

  Map<String, String> annotations() {
    var metadata = pod.getMetadata();
    return metadata == null || metadata.getAnnotations() == null
        ? Map.of()
        : metadata.getAnnotations();
  }

  /** Every container of the template; a missing securityContext reads as an empty one. */
  List<TemplateContainer> containers() {
    PodSpec spec = spec();
    List<TemplateContainer> all = new ArrayList<>();
    var containers = spec.getContainers() == null ? List.<Container>of() : spec.getContainers();
    for (int i = 0; i < containers.size(); i++) {
      var c = containers.get(i);
      if (c == null) {
        continue; // PodTemplateRules names it
      }
      all.add(container("containers", i, c.getName(), c.getSecurityContext(), c.getPorts()));
    }
    var inits = spec.getInitContainers() == null ? List.<Container>of() : spec.getInitContainers();
    for (int i = 0; i < inits.size(); i++) {
      var c = inits.get(i);
      if (c == null) {
        continue;
      }
      all.add(container("initContainers", i, c.getName(), c.getSecurityContext(), c.getPorts()));
    }
    var ephemerals =
        spec.getEphemeralContainers() == null
            ? List.<EphemeralContainer>of()
            : spec.getEphemeralContainers();
    for (int i = 0; i < ephemerals.size(); i++) {
      var c = ephemerals.get(i);
      if (c == null) {
        continue;
      }
      all.add(
          container("ephemeralContainers", i, c.getName(), c.getSecurityContext(), c.getPorts()));
    }
    return all;
  }

  /**
   * Each volume as its field path and the keys of its entry besides {@code name}, i.e. its type
   * (hostPath, emptyDir, ...), including types this fabric8 version does not know.
   */
  Map<String, Set<String>> volumeTypes() {
    var volumes = spec().getVolumes() == null ? List.<Volume>of() : spec().getVolumes();
    Map<String, Set<String>> types = new LinkedHashMap<>();
    for (int i = 0; i < volumes.size(); i++) {
      Map<String, Object> entry = POD_MAPPER.convertValue(volumes.get(i), MAP);
      Set<String> keys = new TreeSet<>(entry.keySet());
      keys.remove("name");
      types.put(specField() + ".volumes[" + i + "]", keys);
    }
    return types;
  }

  /** Whether the template names Flink's main container, so that its securityContext reaches it. */
  boolean hasMainContainer() {
    return spec().getContainers() != null
        && spec().getContainers().stream().anyMatch(c -> MAIN_CONTAINER.equals(c.getName()));
  }

  private TemplateContainer container(
      String list, int index, String name, SecurityContext context, List<ContainerPort> ports) {
    return new TemplateContainer(
        specField() + "." + list + "[" + index + "]",
        name,
        context == null ? new SecurityContext() : context,
        ports == null ? List.of() : ports);
  }
}
