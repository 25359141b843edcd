package dev.flinkresilience.operator.app;

import dev.flinkresilience.operator.ops.logs.OperatorLogProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar flink-resilience-operator.jar [run|render|...]}; {@code run} is the default. */
@Command(
    name = "flink-resilience-operator",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Keeps Apache Flink streaming jobs alive on Kubernetes.",
    subcommands = {RunCommand.class, RenderCommand.class})
public final class Main implements Runnable {
  static {
    // Before anything logs: the operator's SLF4J provider, which can also write JSON lines.
    OperatorLogProvider.select();
  }

  public static void main(String[] args) {
    if (CommonPool.size() < 2) {
      // Only a user's own -D…parallelism=1 gets here; say so rather than start a thread per answer.
      System.err.println(
          "warning: "
              + CommonPool.PROPERTY
              + " is below 2: every HTTP answer will start a thread; set it to 4 or more");
    }
    System.exit(
        new CommandLine(new Main()).execute(args.length == 0 ? new String[] {"run"} : args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {v == null ? "development" : v};
    }
  }
}
