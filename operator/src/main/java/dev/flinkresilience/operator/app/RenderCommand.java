package dev.flinkresilience.operator.app;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.flinkresilience.operator.api.v1alpha1.FlinkResilientJob;
import dev.flinkresilience.operator.decide.JobIds;
import dev.flinkresilience.operator.decide.RestorePoint;
import dev.flinkresilience.operator.decide.RestorePoints;
import dev.flinkresilience.operator.model.DeploymentStamp;
import dev.flinkresilience.operator.model.DesiredState;
import dev.flinkresilience.operator.validate.PodSecurityLevel;
import dev.flinkresilience.operator.validate.TenantPolicy;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Prints what the operator would apply for a FlinkResilientJob file on its first deployment: the
 * Flink configuration and the Kubernetes objects, as YAML, without a cluster. Made for review in a
 * GitOps pull request.
 */
@Command(
    name = "render",
    mixinStandardHelpOptions = true,
    description =
        "Print the Flink configuration and Kubernetes objects a FlinkResilientJob file would"
            + " deploy, without a cluster. Exit code 2 and the offending fields when invalid.")
final class RenderCommand implements Callable<Integer> {
  static final int INVALID = 2;

  @Parameters(index = "0", paramLabel = "FILE", description = "A FlinkResilientJob YAML file.")
  File file;

  @Option(
      names = "--pod-security",
      description =
          "Pod Security Standards level to hold the pod templates to, as the operator's"
              + " --pod-security: privileged, baseline or restricted (default: ${DEFAULT-VALUE}).",
      defaultValue = "baseline",
      converter = RunCommand.PodSecurityConverter.class)
  PodSecurityLevel podSecurity = PodSecurityLevel.BASELINE;

  @Override
  public Integer call() {
    // Flink's factory logs its memory arithmetic at INFO; render's output is the YAML and errors.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    return render(file, TenantPolicy.DEFAULT.withPodSecurity(podSecurity), System.out, System.err);
  }

  static int render(File file, PrintStream out, PrintStream err) {
    return render(file, TenantPolicy.DEFAULT, out, err);
  }

  static int render(File file, TenantPolicy policy, PrintStream out, PrintStream err) {
    FlinkResilientJob job;
    try {
      job = read(file);
    } catch (IOException | RuntimeException e) {
      err.println(file + ": not a FlinkResilientJob: " + e.getMessage());
      return INVALID;
    }
    var checked = DesiredState.check(job, policy);
    if (!checked.valid()) {
      err.println(file + ": invalid FlinkResilientJob " + job.getMetadata().getName() + ":");
      checked.violations().forEach(v -> err.println("  " + v));
      return INVALID;
    }
    var desired = checked.desired();
    String jobId = JobIds.of(desired.uid(), 1);
    RestorePoint restore = RestorePoints.initial(desired.spec());
    var stamp = new DeploymentStamp(desired.generation(), desired.specHash(), 1, jobId);
    var config = DesiredState.flinkConfiguration(job, desired.spec(), stamp, restore);
    var objects = DesiredState.objects(job, desired.spec(), stamp, restore);
    var meta = job.getMetadata();
    out.println("# FlinkResilientJob " + meta.getNamespace() + "/" + meta.getName());
    out.println("# First deployment; job id derived from uid " + desired.uid() + ".");
    out.println("# Flink configuration:");
    out.print(yaml(Map.of("flinkConfiguration", config)));
    for (var object : objects) {
      out.println("---");
      out.print(Serialization.asYaml(object).replaceFirst("^---\\n", ""));
    }
    return 0;
  }

  /** A file has no uid, generation or namespace yet: stand-ins make the output reproducible. */
  private static FlinkResilientJob read(File file) throws IOException {
    ObjectMapper mapper =
        new ObjectMapper(new YAMLFactory())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    FlinkResilientJob job = mapper.readValue(file, FlinkResilientJob.class);
    if (job.getMetadata() == null || job.getMetadata().getName() == null) {
      throw new IllegalArgumentException("metadata.name is required");
    }
    var meta = job.getMetadata();
    if (meta.getNamespace() == null) {
      meta.setNamespace("default");
    }
    if (meta.getUid() == null) {
      meta.setUid("render-" + meta.getNamespace() + "-" + meta.getName());
    }
    if (meta.getGeneration() == null) {
      meta.setGeneration(1L);
    }
    return job;
  }

  private static String yaml(Object value) {
    try {
      return new ObjectMapper(
              new YAMLFactory()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
          .writeValueAsString(value);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
