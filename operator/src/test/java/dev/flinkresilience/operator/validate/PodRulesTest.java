package dev.flinkresilience.operator.validate;

import static dev.flinkresilience.operator.validate.ValidationCases.accepted;
import static dev.flinkresilience.operator.validate.ValidationCases.bound;
import static dev.flinkresilience.operator.validate.ValidationCases.spec;

import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import dev.flinkresilience.operator.api.v1alpha1.HighAvailabilityType;
import dev.flinkresilience.operator.api.v1alpha1.ResourcesSpec;
import dev.flinkresilience.operator.validate.ValidationCases.Accepted;
import dev.flinkresilience.operator.validate.ValidationCases.Bound;
import dev.flinkresilience.operator.validate.ValidationCases.Rejected;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

class PodRulesTest extends ValidationTable {
  /** Each upper bound of the section: at it valid, just over it refused. */
  private static final List<Bound> BOUNDS =
      List.of(
          bound(
              "JobManagers",
              s -> s.getJobManager().setReplicas(10),
              s -> s.getJobManager().setReplicas(11),
              "spec.jobManager.replicas",
              "at most 10"),
          bound(
              "TaskManagers",
              s -> s.getTaskManager().setReplicas(32768),
              s -> s.getTaskManager().setReplicas(32769),
              "spec.taskManager.replicas",
              "at most 32768"),
          bound(
              "task slots",
              s -> s.getTaskManager().setTaskSlots(1024),
              s -> s.getTaskManager().setTaskSlots(1025),
              "spec.taskManager.taskSlots",
              "at most 1024"),
          bound(
              "cpu",
              s -> jmCpu(s, new Quantity("1024")),
              s -> jmCpu(s, new Quantity("1024001m")),
              "spec.jobManager.resources.cpu",
              "at most 1024 cores"),
          bound(
              "memory",
              s -> s.getTaskManager().getResources().setMemory(new Quantity("16Ti")),
              s -> s.getTaskManager().getResources().setMemory(new Quantity("17592186044417")),
              "spec.taskManager.resources.memory",
              "at most 16Ti"));

  private static final String JM = "spec.jobManager";
  private static final String TM = "spec.taskManager";

  @Override
  Stream<Rejected> rejectedRows() {
    return Stream.concat(
        BOUNDS.stream().map(Bound::rejected),
        Stream.of(
            spec("no jobManager", s -> s.setJobManager(null), JM, "is required"),
            spec(
                "no JobManager",
                s -> s.getJobManager().setReplicas(0),
                JM + ".replicas",
                "at least 1"),
            spec(
                "standby JobManagers without HA",
                s -> {
                  s.getJobManager().setReplicas(2);
                  s.getHighAvailability().setType(HighAvailabilityType.NONE);
                },
                JM + ".replicas",
                "requires highAvailability.type"),
            spec(
                "zero cpu",
                s -> jmCpu(s, new Quantity("0")),
                JM + ".resources.cpu",
                "greater than 0"),
            spec(
                "negative cpu",
                s -> jmCpu(s, new Quantity("-500m")),
                JM + ".resources.cpu",
                "greater than 0"),
            spec(
                "cpu not a quantity",
                s -> jmCpu(s, new Quantity("one")),
                JM + ".resources.cpu",
                "CPU quantity"),
            spec(
                "cpu with trailing digits",
                s -> jmCpu(s, new Quantity("1m5")),
                JM + ".resources.cpu",
                "'1m5'"),
            spec(
                "cpu with empty amount",
                s -> jmCpu(s, new Quantity()),
                JM + ".resources.cpu",
                "CPU quantity"),
            spec(
                "zero memory",
                s -> jmMemory(s, new Quantity("0Mi")),
                JM + ".resources.memory",
                "greater than 0"),
            spec(
                "memory not a quantity",
                s -> jmMemory(s, new Quantity("lots")),
                JM + ".resources.memory",
                "1600Mi"),
            spec(
                "memory beyond a long",
                s -> jmMemory(s, new Quantity("9Ei")),
                JM + ".resources.memory",
                "at most 16Ti"),
            spec(
                "podTemplate of the wrong kind",
                s -> s.getJobManager().setPodTemplate(Map.of("kind", "Deployment")),
                JM + ".podTemplate.kind",
                "Pod"),
            spec(
                "podTemplate of another apiVersion",
                s -> s.getJobManager().setPodTemplate(Map.of("apiVersion", "apps/v1")),
                JM + ".podTemplate.apiVersion",
                "v1"),
            spec(
                "podTemplate with a string for containers",
                s ->
                    s.getJobManager().setPodTemplate(Map.of("spec", Map.of("containers", "flink"))),
                JM + ".podTemplate.spec.containers",
                "expected a list"),
            spec(
                "podTemplate with a list for a container name",
                s ->
                    s.getJobManager()
                        .setPodTemplate(
                            Map.of(
                                "spec", Map.of("containers", List.of(Map.of("name", List.of(1)))))),
                JM + ".podTemplate.spec.containers[0].name",
                "expected a string"),
            spec(
                "podTemplate with a null container (found by the fuzzer: it broke validation)",
                s -> {
                  List<Object> containers = new java.util.ArrayList<>();
                  containers.add(Map.of("name", "flink-main-container"));
                  containers.add(null);
                  s.getTaskManager()
                      .setPodTemplate(Map.of("spec", Map.of("containers", containers)));
                },
                TM + ".podTemplate.spec.containers[1]",
                "must be an object; got null"),
            spec("no taskManager", s -> s.setTaskManager(null), TM, "is required"),
            spec(
                "negative TaskManagers",
                s -> s.getTaskManager().setReplicas(-1),
                TM + ".replicas",
                "at least 0"),
            spec(
                "no task slots",
                s -> s.getTaskManager().setTaskSlots(0),
                TM + ".taskSlots",
                "at least 1"),
            spec(
                "negative memory",
                s -> s.getTaskManager().getResources().setMemory(new Quantity("-2Gi")),
                TM + ".resources.memory",
                "greater than 0"),
            spec(
                "cpu with a bad exponent",
                s -> s.getTaskManager().getResources().setCpu(new Quantity("1e")),
                TM + ".resources.cpu",
                "CPU quantity"),
            spec(
                "podTemplate with a string for labels",
                s -> s.getTaskManager().setPodTemplate(Map.of("metadata", Map.of("labels", "app"))),
                TM + ".podTemplate.metadata.labels",
                "expected a map")));
  }

  private static void jmCpu(FlinkResilientJobSpec s, Quantity cpu) {
    s.getJobManager().getResources().setCpu(cpu);
  }

  private static void jmMemory(FlinkResilientJobSpec s, Quantity memory) {
    s.getJobManager().getResources().setMemory(memory);
  }

  @Override
  Stream<Accepted> acceptedRows() {
    return Stream.concat(
        BOUNDS.stream().map(Bound::accepted),
        Stream.of(
            accepted("standby JobManagers with HA", s -> s.getJobManager().setReplicas(3)),
            accepted("no TaskManagers in native mode", s -> s.getTaskManager().setReplicas(0)),
            accepted(
                "fractional resources",
                s -> s.getJobManager().setResources(ResourcesSpec.of("500m", "1.5Gi"))),
            accepted(
                "exponent quantities",
                s -> s.getTaskManager().setResources(ResourcesSpec.of("1e0", "2e9"))),
            accepted(
                "decimal SI memory",
                s -> s.getTaskManager().setResources(ResourcesSpec.of("+2", "2G"))),
            accepted("no resources", s -> s.getJobManager().setResources(null)),
            accepted("no cpu", s -> s.getTaskManager().getResources().setCpu(null)),
            accepted("no memory", s -> s.getTaskManager().getResources().setMemory(null)),
            accepted("empty podTemplate", s -> s.getJobManager().setPodTemplate(Map.of())),
            accepted("real podTemplate", PodRulesTest::realPodTemplate)));
  }

  private static void realPodTemplate(FlinkResilientJobSpec s) {
    Map<String, Object> container =
        Map.of(
            "name", "flink-main-container",
            "env", List.of(Map.of("name", "TZ", "value", "UTC")),
            "resources", Map.of("limits", Map.of("ephemeral-storage", "2Gi")));
    s.getTaskManager()
        .setPodTemplate(
            Map.of(
                "apiVersion",
                "v1",
                "kind",
                "Pod",
                "metadata",
                Map.of("labels", Map.of("team", "streaming")),
                "spec",
                Map.of(
                    "containers", List.of(container),
                    "nodeSelector", Map.of("disk", "ssd"),
                    "tolerations", List.of(Map.of("key", "flink", "operator", "Exists")))));
  }
}
