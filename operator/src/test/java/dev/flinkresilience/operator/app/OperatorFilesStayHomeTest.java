package dev.flinkresilience.operator.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing from the operator's own filesystem or environment reaches a job (issue 13). Flink's
 * Kerberos and Hadoop decorators run in the process that builds the objects; with HADOOP_CONF_DIR
 * set there, every job would ship that directory, and a keytab path would be read from the
 * operator's disk. {@code render} runs here in a child JVM whose environment carries such a
 * directory, on a spec that names an operator file in every key that is still allowed, and the
 * output must carry none of it.
 */
class OperatorFilesStayHomeTest {
  private static final String MARKER = "OPERATOR-SECRET-7f3a";

  @Test
  void renderShipsNoFileOrEnvironmentOfTheOperator(@TempDir Path dir) throws Exception {
    Path hadoop = Files.createDirectories(dir.resolve("hadoop-conf"));
    Files.writeString(
        hadoop.resolve("core-site.xml"), "<configuration>" + MARKER + "</configuration>");
    Files.writeString(
        hadoop.resolve("hdfs-site.xml"), "<configuration>" + MARKER + "</configuration>");
    Path keytab = Files.writeString(dir.resolve("operator.keytab"), MARKER);
    Path spec =
        Files.writeString(
            dir.resolve("job.yaml"),
            Files.readString(Path.of("../examples/orders.yaml"))
                + "  flinkConfiguration:\n"
                + "    security.kerberos.login.keytab: "
                + keytab
                + "\n"
                + "    security.kerberos.login.principal: flink@EXAMPLE.COM\n");

    Result result = render(spec, hadoop);

    assertThat(result.code).as(result.err).isZero();
    assertThat(result.out)
        .doesNotContain(MARKER)
        .doesNotContain("hadoop-config-")
        .doesNotContain("kerberos-keytab-")
        .doesNotContain("kind: \"Secret\"")
        .contains("kubernetes.decorator.hadoop-conf-mount.enabled: \"false\"")
        .contains("kubernetes.decorator.kerberos-mount.enabled: \"false\"");
  }

  @Test
  void aKrb5PathIsRefusedByName(@TempDir Path dir) throws Exception {
    Path krb5 = Files.writeString(dir.resolve("krb5.conf"), MARKER);
    Path spec =
        Files.writeString(
            dir.resolve("job.yaml"),
            Files.readString(Path.of("../examples/orders.yaml"))
                + "  flinkConfiguration:\n"
                + "    security.kerberos.krb5-conf.path: "
                + krb5
                + "\n");

    Result result = render(spec, null);

    assertThat(result.code).isEqualTo(RenderCommand.INVALID);
    assertThat(result.err)
        .contains("spec.flinkConfiguration[security.kerberos.krb5-conf.path]")
        .contains("operator's own filesystem")
        .doesNotContain(MARKER);
    assertThat(result.out).doesNotContain(MARKER);
  }

  private record Result(int code, String out, String err) {}

  private static Result render(Path spec, Path hadoopConfDir) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "render",
                spec.toString()));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().remove("HADOOP_HOME");
    if (hadoopConfDir != null) {
      pb.environment().put("HADOOP_CONF_DIR", hadoopConfDir.toString());
    }
    File out = Files.createTempFile("render", ".out").toFile();
    File err = Files.createTempFile("render", ".err").toFile();
    pb.redirectOutput(out).redirectError(err);
    Process process = pb.start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("render finished").isTrue();
    return new Result(
        process.exitValue(),
        Files.readString(out.toPath(), StandardCharsets.UTF_8),
        Files.readString(err.toPath(), StandardCharsets.UTF_8));
  }
}
