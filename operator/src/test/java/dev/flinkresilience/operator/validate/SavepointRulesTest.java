package dev.flinkresilience.operator.validate;

import static dev.flinkresilience.operator.validate.ValidationCases.accepted;
import static dev.flinkresilience.operator.validate.ValidationCases.spec;

import dev.flinkresilience.operator.api.v1alpha1.SavepointHistorySpec;
import dev.flinkresilience.operator.validate.ValidationCases.Accepted;
import dev.flinkresilience.operator.validate.ValidationCases.Rejected;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** savepointNonce, savepointInterval and savepointHistory, and their need of a directory. */
class SavepointRulesTest extends ValidationTable {

  @Override
  Stream<Rejected> rejectedRows() {
    return Stream.of(
        spec(
            "interval without savepointDirectory",
            s -> {
              s.getCheckpointing().setSavepointDirectory(null);
              s.getJob().setSavepointInterval("1h");
            },
            "spec.job.savepointInterval",
            "needs spec.checkpointing.savepointDirectory"),
        spec(
            "nonce without savepointDirectory",
            s -> {
              s.getCheckpointing().setSavepointDirectory("");
              s.getJob().setSavepointNonce(1);
            },
            "spec.job.savepointNonce",
            "needs spec.checkpointing.savepointDirectory"),
        spec(
            "negative nonce",
            s -> s.getJob().setSavepointNonce(-1),
            "spec.job.savepointNonce",
            "at least 0"),
        spec(
            "interval not a duration",
            s -> s.getJob().setSavepointInterval("hourly"),
            "spec.job.savepointInterval",
            "500ms, 20s, 5m or 1h"),
        spec(
            "interval in days",
            s -> s.getJob().setSavepointInterval("1d"),
            "spec.job.savepointInterval",
            "'1d' is not a duration"),
        spec(
            "interval below 10s",
            s -> s.getJob().setSavepointInterval("5s"),
            "spec.job.savepointInterval",
            "at least 10s"),
        spec(
            "interval over a year",
            s -> s.getJob().setSavepointInterval("9000h"),
            "spec.job.savepointInterval",
            "at most 8760h"),
        spec(
            "maxCount 0",
            s -> s.getJob().setSavepointHistory(history(h -> h.setMaxCount(0))),
            "spec.job.savepointHistory.maxCount",
            "at least 1"),
        spec(
            "maxCount over 100",
            s -> s.getJob().setSavepointHistory(history(h -> h.setMaxCount(101))),
            "spec.job.savepointHistory.maxCount",
            "at most 100"),
        spec(
            "maxAge not a duration",
            s -> s.getJob().setSavepointHistory(history(h -> h.setMaxAge("a week"))),
            "spec.job.savepointHistory.maxAge",
            "is not a duration"),
        spec(
            "maxAge zero",
            s -> s.getJob().setSavepointHistory(history(h -> h.setMaxAge("0s"))),
            "spec.job.savepointHistory.maxAge",
            "greater than 0"));
  }

  @Override
  Stream<Accepted> acceptedRows() {
    return Stream.of(
        accepted("hourly savepoints", s -> s.getJob().setSavepointInterval("1h")),
        accepted("interval 10s", s -> s.getJob().setSavepointInterval("10s")),
        accepted("interval 0s is off", s -> s.getJob().setSavepointInterval("0s")),
        accepted(
            "interval 0 without directory",
            s -> {
              s.getCheckpointing().setSavepointDirectory(null);
              s.getJob().setSavepointInterval("0");
            }),
        accepted("empty interval", s -> s.getJob().setSavepointInterval("")),
        accepted("nonce 7", s -> s.getJob().setSavepointNonce(7)),
        accepted(
            "history without directory",
            s -> {
              s.getCheckpointing().setSavepointDirectory(null);
              s.getJob().setSavepointHistory(history(h -> h.setMaxCount(3)));
            }),
        accepted(
            "maxCount 100 and a week",
            s ->
                s.getJob()
                    .setSavepointHistory(
                        history(
                            h -> {
                              h.setMaxCount(100);
                              h.setMaxAge("168h");
                            }))),
        accepted("empty history", s -> s.getJob().setSavepointHistory(new SavepointHistorySpec())));
  }

  private static SavepointHistorySpec history(Consumer<SavepointHistorySpec> set) {
    SavepointHistorySpec h = new SavepointHistorySpec();
    set.accept(h);
    return h;
  }
}
