package dev.flinkresilience.operator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flinkresilience.operator.ops.logs.LogFormat;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code run --log-format}: text unless asked, json by name, anything else refused up front. */
class RunCommandLogFormatTest {
  @Test
  void textByDefaultJsonWhenAskedAndAMistakeIsAUsageError() {
    assertThat(parse().logFormat).isEqualTo(LogFormat.TEXT);
    assertThat(parse("--log-format", "json").logFormat).isEqualTo(LogFormat.JSON);
    assertThat(parse("--log-format=JSON").logFormat).isEqualTo(LogFormat.JSON);
    assertThatThrownBy(() -> parse("--log-format", "logfmt"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("text or json");
  }

  @Test
  void helpNamesTheOption() {
    StringWriter out = new StringWriter();
    new CommandLine(new Main()).getSubcommands().get("run").usage(new PrintWriter(out));
    assertThat(out.toString()).contains("--log-format").contains("LOG_FORMAT");
  }

  private static RunCommand parse(String... args) {
    var cli = new CommandLine(new Main());
    String[] all = new String[args.length + 1];
    all[0] = "run";
    System.arraycopy(args, 0, all, 1, args.length);
    var result = cli.parseArgs(all);
    return (RunCommand) result.subcommand().commandSpec().userObject();
  }
}
