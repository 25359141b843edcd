package dev.flinkresilience.operator.validate;

import static dev.flinkresilience.operator.validate.PodSecurityLevel.BASELINE;
import static dev.flinkresilience.operator.validate.PodSecurityLevel.PRIVILEGED;
import static dev.flinkresilience.operator.validate.PodSecurityLevel.RESTRICTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJobSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.kubernetes.utils.Constants;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * One row per control of the Pod Security Standards and per place it can be broken: each breaks a
 * job that passes restricted in one place, passes at the level below the control's, and is refused
 * at its level, at exactly that field, with a message naming the level. Near misses stay allowed.
 */
class PodSecurityRulesTest {
  private static final String JM = "spec.jobManager.podTemplate";
  private static final String TM = "spec.taskManager.podTemplate";
  private static final String MAIN = TM + ".spec.containers[0]";
  private static final String CONFIG = "spec.flinkConfiguration";

  /**
   * What every container needs under restricted is on the main container; runAsNonRoot, the user
   * and seccomp on the pod.
   */
  private static final String RESTRICTED_TEMPLATE =
      """
      metadata: {labels: {team: streaming}}
      spec:
        securityContext:
          runAsNonRoot: true
          runAsUser: 9999
          seccompProfile: {type: RuntimeDefault}
        containers:
          - name: flink-main-container
            securityContext:
              allowPrivilegeEscalation: false
              capabilities: {drop: [ALL]}
      """;

  /** A restricted-compliant container to add where a row needs a second one. */
  private static final String SIDE =
      "{name: side, securityContext: {allowPrivilegeEscalation: false,"
          + " capabilities: {drop: [ALL]}}}";

  record Row(
      String name,
      PodSecurityLevel refusedFrom,
      Consumer<FlinkResilientJobSpec> change,
      String field,
      String says) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Row> rows() {
    return Stream.of(
        // baseline
        baseline(
            "pod hostProcess",
            tm("spec.securityContext.windowsOptions.hostProcess", true),
            TM + ".spec.securityContext.windowsOptions.hostProcess",
            "false or unset"),
        baseline(
            "container hostProcess",
            tm("spec.containers[0].securityContext.windowsOptions.hostProcess", true),
            MAIN + ".securityContext.windowsOptions.hostProcess",
            "false or unset"),
        baseline(
            "hostNetwork",
            tm("spec.hostNetwork", true),
            TM + ".spec.hostNetwork",
            "false or unset"),
        baseline(
            "hostPID on the JobManager",
            jm("spec.hostPID", true),
            JM + ".spec.hostPID",
            "false or unset"),
        baseline("hostIPC", tm("spec.hostIPC", true), TM + ".spec.hostIPC", "false or unset"),
        baseline(
            "host network through Flink",
            config("kubernetes.hostnetwork.enabled", " TRUE"),
            CONFIG + "[kubernetes.hostnetwork.enabled]",
            "false or unset"),
        baseline(
            "privileged container",
            tm("spec.containers[0].securityContext.privileged", true),
            MAIN + ".securityContext.privileged",
            "false or unset"),
        baseline(
            "privileged init container",
            tm("spec.initContainers[0]", yaml(SIDE))
                .andThen(tm("spec.initContainers[0].securityContext.privileged", true)),
            TM + ".spec.initContainers[0].securityContext.privileged",
            "false or unset"),
        baseline(
            "privileged ephemeral container",
            tm("spec.ephemeralContainers[0]", yaml(SIDE))
                .andThen(tm("spec.ephemeralContainers[0].securityContext.privileged", true)),
            TM + ".spec.ephemeralContainers[0].securityContext.privileged",
            "false or unset"),
        baseline(
            "capability beyond the default set",
            tm("spec.containers[0].securityContext.capabilities.add", List.of("SYS_ADMIN")),
            MAIN + ".securityContext.capabilities.add[0]",
            "NET_BIND_SERVICE, SETFCAP"),
        baseline(
            "hostPath volume",
            tm("spec.volumes", yaml("[{name: root, hostPath: {path: /}}]")),
            TM + ".spec.volumes[0].hostPath",
            "no hostPath volumes"),
        baseline(
            "hostPort",
            tm("spec.containers[0].ports", yaml("[{containerPort: 8081, hostPort: 8081}]")),
            MAIN + ".ports[0].hostPort",
            "0 or unset"),
        baseline(
            "AppArmor annotation unconfined",
            annotation(
                "container.apparmor.security.beta.kubernetes.io/flink-main-container",
                "unconfined"),
            TM
                + ".metadata.annotations[container.apparmor.security.beta.kubernetes.io/"
                + "flink-main-container]",
            "runtime/default or localhost/<profile>"),
        baseline(
            "AppArmor pod profile Unconfined",
            tm("spec.securityContext.appArmorProfile", Map.of("type", "Unconfined")),
            TM + ".spec.securityContext.appArmorProfile.type",
            "RuntimeDefault, Localhost or unset"),
        baseline(
            "AppArmor container profile Unconfined",
            tm("spec.containers[0].securityContext.appArmorProfile", Map.of("type", "Unconfined")),
            MAIN + ".securityContext.appArmorProfile.type",
            "RuntimeDefault, Localhost"),
        baseline(
            "AppArmor annotation through Flink, YAML-escaped",
            config(
                "kubernetes.taskmanager.annotations",
                "\"container.apparmor\\x2esecurity.beta.kubernetes.io/flink-main-container\":"
                    + " unconfined"),
            CONFIG + "[kubernetes.taskmanager.annotations]",
            "runtime/default or localhost/<profile>"),
        baseline(
            "AppArmor annotation through Flink",
            config(
                "kubernetes.jobmanager.annotations",
                "team:a,container.apparmor.security.beta.kubernetes.io/flink-main-container:unconfined"),
            CONFIG + "[kubernetes.jobmanager.annotations]",
            "runtime/default or localhost/<profile>"),
        baseline(
            "SELinux type",
            tm("spec.securityContext.seLinuxOptions", Map.of("type", "spc_t")),
            TM + ".spec.securityContext.seLinuxOptions.type",
            "container_t"),
        baseline(
            "SELinux user",
            tm("spec.containers[0].securityContext.seLinuxOptions", Map.of("user", "system_u")),
            MAIN + ".securityContext.seLinuxOptions.user",
            "must be unset"),
        baseline(
            "SELinux role",
            tm("spec.securityContext.seLinuxOptions", Map.of("role", "sysadm_r")),
            TM + ".spec.securityContext.seLinuxOptions.role",
            "must be unset"),
        baseline(
            "procMount Unmasked",
            tm("spec.containers[0].securityContext.procMount", "Unmasked"),
            MAIN + ".securityContext.procMount",
            "Default or unset"),
        baseline(
            "seccomp pod profile Unconfined",
            tm("spec.securityContext.seccompProfile.type", "Unconfined"),
            TM + ".spec.securityContext.seccompProfile.type",
            "RuntimeDefault, Localhost or unset"),
        baseline(
            "seccomp container profile Unconfined",
            tm("spec.containers[0].securityContext.seccompProfile", Map.of("type", "Unconfined")),
            MAIN + ".securityContext.seccompProfile.type",
            "RuntimeDefault, Localhost or unset"),
        baseline(
            "seccomp annotation unconfined",
            annotation("seccomp.security.alpha.kubernetes.io/pod", "unconfined"),
            TM + ".metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]",
            "runtime/default"),
        baseline(
            "seccomp annotation through Flink",
            config(
                "kubernetes.taskmanager.annotations",
                "'container.seccomp.security.alpha.kubernetes.io/flink-main-container':unconfined"),
            CONFIG + "[kubernetes.taskmanager.annotations]",
            "runtime/default"),
        baseline(
            "unsafe sysctl",
            tm("spec.securityContext.sysctls", yaml("[{name: kernel.msgmax, value: '65536'}]")),
            TM + ".spec.securityContext.sysctls[0].name",
            "net.ipv4.ip_local_port_range"),
        // restricted
        restricted(
            "nfs volume",
            tm("spec.volumes", yaml("[{name: data, nfs: {server: nfs, path: /}}]")),
            TM + ".spec.volumes[0]",
            "emptyDir"),
        restricted(
            "privilege escalation allowed",
            tm("spec.containers[0].securityContext.allowPrivilegeEscalation", true),
            MAIN + ".securityContext.allowPrivilegeEscalation",
            "must be false"),
        restricted(
            "privilege escalation unset",
            remove(TM, "spec.containers[0].securityContext.allowPrivilegeEscalation"),
            MAIN + ".securityContext.allowPrivilegeEscalation",
            "must be false"),
        restricted(
            "privilege escalation unset in a second container",
            tm("spec.containers[1]", yaml(SIDE))
                .andThen(remove(TM, "spec.containers[1].securityContext.allowPrivilegeEscalation")),
            TM + ".spec.containers[1].securityContext.allowPrivilegeEscalation",
            "must be false"),
        restricted(
            "runAsNonRoot false on the pod",
            tm("spec.securityContext.runAsNonRoot", false),
            TM + ".spec.securityContext.runAsNonRoot",
            "must be true"),
        restricted(
            "runAsNonRoot false on a container despite the pod",
            tm("spec.containers[0].securityContext.runAsNonRoot", false),
            MAIN + ".securityContext.runAsNonRoot",
            "must be true"),
        restricted(
            "runAsNonRoot nowhere",
            remove(JM, "spec.securityContext.runAsNonRoot"),
            JM + ".spec.containers[0].securityContext.runAsNonRoot",
            "here or in " + JM + ".spec.securityContext.runAsNonRoot"),
        restricted(
            "runAsUser 0 on the pod",
            tm("spec.securityContext.runAsUser", 0),
            TM + ".spec.securityContext.runAsUser",
            "non-zero"),
        restricted(
            "runAsUser 0 on a container",
            tm("spec.containers[0].securityContext.runAsUser", 0),
            MAIN + ".securityContext.runAsUser",
            "non-zero"),
        restricted(
            "seccomp nowhere",
            remove(TM, "spec.securityContext.seccompProfile"),
            MAIN + ".securityContext.seccompProfile.type",
            "RuntimeDefault or Localhost"),
        restricted(
            "capabilities not dropped",
            tm("spec.containers[0].securityContext.capabilities.drop", List.of("NET_RAW")),
            MAIN + ".securityContext.capabilities.drop",
            "must include ALL"),
        restricted(
            "default capability added",
            tm("spec.containers[0].securityContext.capabilities.add", List.of("CHOWN")),
            MAIN + ".securityContext.capabilities.add[0]",
            "NET_BIND_SERVICE"),
        restricted(
            "no flink-main-container entry",
            tm("spec.containers[0].name", "side"),
            TM + ".spec.containers",
            "flink-main-container"),
        restricted(
            "no TaskManager template",
            s -> s.getTaskManager().setPodTemplate(null),
            TM,
            "flink-main-container"));
  }

  @TestFactory
  Stream<DynamicTest> eachControlPassesBelowItsLevelAndIsRefusedFromIt() {
    return rows()
        .map(
            row ->
                dynamicTest(
                    row.name(),
                    () -> {
                      FlinkResilientJob job = restrictedJob();
                      row.change().accept(job.getSpec());
                      PodSecurityLevel below =
                          PodSecurityLevel.values()[row.refusedFrom().ordinal() - 1];

                      assertThat(validate(job, PRIVILEGED)).isEmpty();
                      assertThat(validate(job, below)).as("at " + below.label()).isEmpty();
                      List<Violation> refused = validate(job, row.refusedFrom());
                      assertThat(refused).extracting(Violation::field).containsExactly(row.field());
                      assertThat(refused.get(0).message())
                          .contains(row.says())
                          .contains("under pod security level " + row.refusedFrom().label());
                      assertThat(validate(job, RESTRICTED))
                          .as("restricted includes baseline")
                          .extracting(Violation::field)
                          .contains(row.field());
                    }));
  }

  record NearMiss(
      String name, PodSecurityLevel allowedAt, Consumer<FlinkResilientJobSpec> change) {}

  static Stream<NearMiss> nearMisses() {
    return Stream.of(
        new NearMiss(
            "NET_BIND_SERVICE added",
            RESTRICTED,
            tm("spec.containers[0].securityContext.capabilities.add", List.of("NET_BIND_SERVICE"))),
        new NearMiss(
            "a default capability added",
            BASELINE,
            tm("spec.containers[0].securityContext.capabilities.add", List.of("CHOWN", "KILL"))),
        new NearMiss(
            "safe sysctls",
            RESTRICTED,
            tm(
                "spec.securityContext.sysctls",
                yaml(
                    "[{name: net.ipv4.tcp_keepalive_time, value: '60'}, {name: kernel.shm_rmid_forced, value: '1'}]"))),
        new NearMiss(
            "RuntimeDefault seccomp on the container only",
            RESTRICTED,
            remove(TM, "spec.securityContext.seccompProfile")
                .andThen(
                    tm(
                        "spec.containers[0].securityContext.seccompProfile.type",
                        "RuntimeDefault"))),
        new NearMiss(
            "Localhost seccomp",
            RESTRICTED,
            tm(
                "spec.securityContext.seccompProfile",
                Map.of("type", "Localhost", "localhostProfile", "flink.json"))),
        new NearMiss(
            "emptyDir and the other allowed volume types",
            RESTRICTED,
            tm(
                "spec.volumes",
                yaml(
                    """
                [{name: a, emptyDir: {sizeLimit: 1Gi}}, {name: b, configMap: {name: c}},
                 {name: d, secret: {secretName: s}}, {name: e, persistentVolumeClaim: {claimName: p}},
                 {name: f, projected: {sources: []}}, {name: g, downwardAPI: {items: []}},
                 {name: h, csi: {driver: x}}, {name: i, ephemeral: {volumeClaimTemplate: {spec: {}}}}]
                """))),
        new NearMiss(
            "an nfs volume",
            BASELINE,
            tm("spec.volumes", yaml("[{name: data, nfs: {server: nfs, path: /}}]"))),
        new NearMiss(
            "AppArmor runtime/default and localhost profiles",
            RESTRICTED,
            annotation(
                    "container.apparmor.security.beta.kubernetes.io/flink-main-container",
                    "localhost/flink")
                .andThen(
                    tm("spec.securityContext.appArmorProfile", Map.of("type", "RuntimeDefault")))),
        new NearMiss(
            "allowed annotations through Flink",
            RESTRICTED,
            config(
                "kubernetes.jobmanager.annotations",
                "container.apparmor.security.beta.kubernetes.io/flink-main-container:runtime/default,"
                    + "seccomp.security.alpha.kubernetes.io/pod:runtime/default,team:'a:b'")),
        new NearMiss(
            "host network off through Flink",
            RESTRICTED,
            config("kubernetes.hostnetwork.enabled", "false")),
        new NearMiss(
            "explicit falses and defaults",
            RESTRICTED,
            tm("spec.hostNetwork", false)
                .andThen(tm("spec.hostPID", false))
                .andThen(tm("spec.containers[0].securityContext.privileged", false))
                .andThen(tm("spec.containers[0].securityContext.procMount", "Default"))
                .andThen(
                    tm("spec.containers[0].ports", yaml("[{containerPort: 8081, hostPort: 0}]")))
                .andThen(
                    tm(
                        "spec.securityContext.seLinuxOptions",
                        Map.of("type", "container_t", "level", "s0:c1")))),
        new NearMiss(
            "runAsNonRoot on every container instead of the pod",
            RESTRICTED,
            remove(TM, "spec.securityContext.runAsNonRoot")
                .andThen(tm("spec.containers[0].securityContext.runAsNonRoot", true))),
        new NearMiss(
            "no templates at all",
            BASELINE,
            s -> {
              s.getJobManager().setPodTemplate(null);
              s.getTaskManager().setPodTemplate(null);
            }),
        new NearMiss(
            "everything the baseline refuses",
            PRIVILEGED,
            tm("spec.hostNetwork", true)
                .andThen(tm("spec.containers[0].securityContext.privileged", true))
                .andThen(tm("spec.volumes", yaml("[{name: root, hostPath: {path: /}}]")))
                .andThen(config("kubernetes.hostnetwork.enabled", "true"))));
  }

  @TestFactory
  Stream<DynamicTest> nearMissesStayAllowed() {
    return nearMisses()
        .map(
            row ->
                dynamicTest(
                    row.name(),
                    () -> {
                      FlinkResilientJob job = restrictedJob();
                      row.change().accept(job.getSpec());
                      assertThat(validate(job, row.allowedAt()))
                          .as("at " + row.allowedAt().label())
                          .isEmpty();
                    }));
  }

  @Test
  void aMissingTemplateUnderRestrictedNamesEverySettingTheMainContainerNeeds() {
    FlinkResilientJob job = ValidJob.baseline();

    assertThat(validate(job, RESTRICTED)).extracting(Violation::field).containsExactly(JM, TM);
    assertThat(validate(job, RESTRICTED).get(0).message())
        .contains("flink-main-container")
        .contains("allowPrivilegeEscalation: false")
        .contains("capabilities: {drop: [ALL]}")
        .contains("runAsNonRoot: true")
        .contains("seccompProfile: {type: RuntimeDefault}");
  }

  @Test
  void flinkConfigurationValuesAreNotEchoed() {
    FlinkResilientJob job = restrictedJob();
    job.getSpec()
        .setFlinkConfiguration(
            Map.of(
                "kubernetes.taskmanager.annotations",
                "token:hunter2,container.apparmor.security.beta.kubernetes.io/flink-main-container:unconfined"));

    assertThat(validate(job, BASELINE))
        .singleElement()
        .satisfies(
            v -> assertThat(v.message()).doesNotContain("hunter2").doesNotContain(":unconfined"));
  }

  @Test
  void anAnnotationsValueFlinkCannotReadIsRefusedWhenItMentionsAProfile() {
    FlinkResilientJob job = restrictedJob();
    job.getSpec()
        .setFlinkConfiguration(
            Map.of(
                "kubernetes.jobmanager.annotations",
                "container.apparmor.security.beta.kubernetes.io/x:'unconfined"));

    assertThat(validate(job, BASELINE))
        .singleElement()
        .satisfies(v -> assertThat(v.message()).contains("could not be read"));
  }

  @Test
  void theMainContainerIsTheOneFlinkNames() {
    assertThat(TemplatePod.MAIN_CONTAINER).isEqualTo(Constants.MAIN_CONTAINER_NAME);
  }

  // --- helpers

  private static Row baseline(
      String name, Consumer<FlinkResilientJobSpec> change, String field, String says) {
    return new Row(name, BASELINE, change, field, says);
  }

  private static Row restricted(
      String name, Consumer<FlinkResilientJobSpec> change, String field, String says) {
    return new Row(name, RESTRICTED, change, field, says);
  }

  private static List<Violation> validate(FlinkResilientJob job, PodSecurityLevel level) {
    return SpecValidator.validate(job, TenantPolicy.DEFAULT.withPodSecurity(level));
  }

  /** The valid job with a restricted-compliant template on the JobManager and the TaskManagers. */
  static FlinkResilientJob restrictedJob() {
    FlinkResilientJob job = ValidJob.baseline();
    job.getSpec().getJobManager().setPodTemplate(yaml(RESTRICTED_TEMPLATE));
    job.getSpec().getTaskManager().setPodTemplate(yaml(RESTRICTED_TEMPLATE));
    return job;
  }

  private static Consumer<FlinkResilientJobSpec> tm(String path, Object value) {
    return s -> set(s.getTaskManager().getPodTemplate(), path, value);
  }

  private static Consumer<FlinkResilientJobSpec> jm(String path, Object value) {
    return s -> set(s.getJobManager().getPodTemplate(), path, value);
  }

  private static Consumer<FlinkResilientJobSpec> remove(String template, String path) {
    Function<FlinkResilientJobSpec, Map<String, Object>> of =
        template.equals(JM)
            ? s -> s.getJobManager().getPodTemplate()
            : s -> s.getTaskManager().getPodTemplate();
    return s -> {
      int dot = path.lastIndexOf('.');
      @SuppressWarnings("unchecked")
      var parent = (Map<String, Object>) walk(of.apply(s), path.substring(0, dot));
      parent.remove(path.substring(dot + 1));
    };
  }

  private static Consumer<FlinkResilientJobSpec> annotation(String key, String value) {
    return s -> {
      @SuppressWarnings("unchecked")
      var metadata = (Map<String, Object>) s.getTaskManager().getPodTemplate().get("metadata");
      metadata.put("annotations", new HashMap<>(Map.of(key, value)));
    };
  }

  private static Consumer<FlinkResilientJobSpec> config(String key, String value) {
    return s -> s.setFlinkConfiguration(Map.of(key, value));
  }

  private static final Pattern SEGMENT = Pattern.compile("(\\w+)(?:\\[(\\d+)])?");

  /** Sets {@code a.b[0].c} in a template, creating maps (and appending list entries) on the way. */
  private static void set(Map<String, Object> root, String path, Object value) {
    int dot = path.lastIndexOf('.');
    Object parent = dot < 0 ? root : walk(root, path.substring(0, dot));
    put(parent, path.substring(dot + 1), value);
  }

  private static Object walk(Map<String, Object> root, String path) {
    Object node = root;
    for (String segment : path.split("\\.")) {
      Matcher m = SEGMENT.matcher(segment);
      assertThat(m.matches()).as(segment).isTrue();
      @SuppressWarnings("unchecked")
      var map = (Map<String, Object>) node;
      if (m.group(2) == null) {
        node = map.computeIfAbsent(m.group(1), k -> new HashMap<String, Object>());
      } else {
        @SuppressWarnings("unchecked")
        var list = (List<Object>) map.computeIfAbsent(m.group(1), k -> new ArrayList<>());
        int index = Integer.parseInt(m.group(2));
        if (index == list.size()) {
          list.add(new HashMap<String, Object>());
        }
        node = list.get(index);
      }
    }
    return node;
  }

  private static void put(Object parent, String segment, Object value) {
    Matcher m = SEGMENT.matcher(segment);
    assertThat(m.matches()).as(segment).isTrue();
    @SuppressWarnings("unchecked")
    var map = (Map<String, Object>) parent;
    if (m.group(2) == null) {
      map.put(m.group(1), value);
    } else {
      @SuppressWarnings("unchecked")
      var list = (List<Object>) map.computeIfAbsent(m.group(1), k -> new ArrayList<>());
      int index = Integer.parseInt(m.group(2));
      if (index == list.size()) {
        list.add(value);
      } else {
        list.set(index, value);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> T yaml(String text) {
    try {
      return (T) new ObjectMapper(new YAMLFactory()).readValue(text, Object.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
