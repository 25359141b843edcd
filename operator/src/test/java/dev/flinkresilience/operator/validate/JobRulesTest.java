package dev.flinkresilience.operator.validate;

import static dev.flinkresilience.operator.validate.ValidationCases.accepted;
import static dev.flinkresilience.operator.validate.ValidationCases.spec;

import dev.flinkresilience.operator.api.v1alpha1.UpgradeMode;
import dev.flinkresilience.operator.validate.ValidationCases.Accepted;
import dev.flinkresilience.operator.validate.ValidationCases.Rejected;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.stream.Stream;

class JobRulesTest extends ValidationTable {

  @Override
  Stream<Rejected> rejectedRows() {
    return Stream.of(
        spec("no job", s -> s.setJob(null), "spec.job", "is required"),
        spec(
            "no upgradeMode",
            s -> s.getJob().setUpgradeMode(null),
            "spec.job.upgradeMode",
            "savepoint"),
        spec(
            "savepointTimeout not a duration",
            s -> s.getJob().setSavepointTimeout("five minutes"),
            "spec.job.savepointTimeout",
            "5m"),
        spec(
            "savepointTimeout zero",
            s -> s.getJob().setSavepointTimeout("0s"),
            "spec.job.savepointTimeout",
            ""),
        spec(
            "savepointTimeout over a day",
            s -> s.getJob().setSavepointTimeout("25h"),
            "spec.job.savepointTimeout",
            ""),
        spec("no jarURI", s -> s.getJob().setJarURI(null), "spec.job.jarURI", "is required"),
        spec("empty jarURI", s -> s.getJob().setJarURI(""), "spec.job.jarURI", "local:///"),
        spec(
            "relative jarURI",
            s -> s.getJob().setJarURI("orders.jar"),
            "spec.job.jarURI",
            "scheme"),
        spec(
            "absolute path jarURI",
            s -> s.getJob().setJarURI("/opt/flink/orders.jar"),
            "spec.job.jarURI",
            "scheme"),
        spec(
            "opaque jarURI",
            s -> s.getJob().setJarURI("local:opt/orders.jar"),
            "spec.job.jarURI",
            "hierarchical"),
        spec(
            "jarURI with space",
            s -> s.getJob().setJarURI("local:///opt/my jar.jar"),
            "spec.job.jarURI",
            "not a valid URI"),
        spec(
            "entryClass with space",
            s -> s.getJob().setEntryClass("com.example Orders"),
            "spec.job.entryClass",
            "class name"),
        spec(
            "entryClass segment with digit first",
            s -> s.getJob().setEntryClass("com.1example.Orders"),
            "spec.job.entryClass",
            "class name"),
        spec(
            "null argument",
            s -> s.getJob().setArgs(new ArrayList<>(Arrays.asList("--a", null))),
            "spec.job.args[1]",
            "must not be null"),
        spec(
            "parallelism 0",
            s -> s.getJob().setParallelism(0),
            "spec.job.parallelism",
            "between 1 and 32768"),
        spec(
            "negative parallelism",
            s -> s.getJob().setParallelism(Integer.MIN_VALUE),
            "spec.job.parallelism",
            "between 1 and 32768"),
        spec(
            "parallelism above Flink's limit",
            s -> s.getJob().setParallelism(32769),
            "spec.job.parallelism",
            "got 32769"),
        spec(
            "no job state", s -> s.getJob().setState(null), "spec.job.state", "running, suspended"),
        spec(
            "relative initialSavepointPath",
            s -> s.getJob().setInitialSavepointPath("savepoints/sp-1"),
            "spec.job.initialSavepointPath",
            "absolute path"),
        spec(
            "opaque initialSavepointPath",
            s -> s.getJob().setInitialSavepointPath("s3:bucket/sp-1"),
            "spec.job.initialSavepointPath",
            "hierarchical"),
        spec(
            "initialSavepointPath with space",
            s -> s.getJob().setInitialSavepointPath("/mnt/save points"),
            "spec.job.initialSavepointPath",
            "not a valid"),
        spec(
            "network-path initialSavepointPath",
            s -> s.getJob().setInitialSavepointPath("//host/sp-1"),
            "spec.job.initialSavepointPath",
            "absolute path"));
  }

  @Override
  Stream<Accepted> acceptedRows() {
    return Stream.of(
        accepted("https jar", s -> s.getJob().setJarURI("https://repo.example.com/orders.jar")),
        accepted(
            "stateless, 30s savepoint timeout",
            s -> {
              s.getJob().setUpgradeMode(UpgradeMode.STATELESS);
              s.getJob().setSavepointTimeout("30s");
            }),
        accepted("last-state", s -> s.getJob().setUpgradeMode(UpgradeMode.LAST_STATE)),
        accepted("file jar", s -> s.getJob().setJarURI("file:///opt/flink/usrlib/orders.jar")),
        accepted("no entryClass", s -> s.getJob().setEntryClass(null)),
        accepted("empty entryClass", s -> s.getJob().setEntryClass("")),
        accepted("nested entryClass", s -> s.getJob().setEntryClass("com.example.Jobs$Orders")),
        accepted("null args", s -> s.getJob().setArgs(null)),
        accepted(
            "absolute initialSavepointPath",
            s -> s.getJob().setInitialSavepointPath("/mnt/sp/savepoint-1")),
        accepted(
            "URI initialSavepointPath",
            s -> s.getJob().setInitialSavepointPath("s3://bucket/sp/savepoint-1")),
        accepted("empty initialSavepointPath", s -> s.getJob().setInitialSavepointPath("")),
        accepted("maximum parallelism", s -> s.getJob().setParallelism(32768)));
  }
}
