package dev.flinkresilience.operator.validate;

import static dev.flinkresilience.operator.validate.ValidationCases.accepted;
import static dev.flinkresilience.operator.validate.ValidationCases.bound;
import static dev.flinkresilience.operator.validate.ValidationCases.spec;

import dev.flinkresilience.operator.validate.ValidationCases.Accepted;
import dev.flinkresilience.operator.validate.ValidationCases.Bound;
import dev.flinkresilience.operator.validate.ValidationCases.Rejected;
import java.util.List;
import java.util.stream.Stream;

class CheckpointingRulesTest extends ValidationTable {
  /** Each upper bound of the section: at it valid, just over it refused. */
  private static final List<Bound> BOUNDS =
      List.of(
          bound(
              "checkpoint interval",
              s -> s.getCheckpointing().setInterval("24h"),
              s -> s.getCheckpointing().setInterval("24h1ms"),
              "spec.checkpointing.interval",
              "at most 24h"),
          bound(
              "checkpoint timeout",
              s -> s.getCheckpointing().setTimeout("24h"),
              s -> s.getCheckpointing().setTimeout("24h1ms"),
              "spec.checkpointing.timeout",
              "at most 24h"),
          bound(
              "checkpoint minPause",
              s -> s.getCheckpointing().setMinPause("24h"),
              s -> s.getCheckpointing().setMinPause("24h1ms"),
              "spec.checkpointing.minPause",
              "at most 24h"),
          bound(
              "maxConcurrent",
              s -> s.getCheckpointing().setMaxConcurrent(100),
              s -> s.getCheckpointing().setMaxConcurrent(101),
              "spec.checkpointing.maxConcurrent",
              "at most 100"));

  private static final String CP = "spec.checkpointing";

  @Override
  Stream<Rejected> rejectedRows() {
    return Stream.concat(
        BOUNDS.stream().map(Bound::rejected),
        Stream.of(
            spec(
                "no checkpointing",
                s -> s.setCheckpointing(null),
                CP,
                "recovers jobs from their checkpoints"),
            spec(
                "no checkpoint directory",
                s -> s.getCheckpointing().setDirectory(null),
                CP + ".directory",
                "is required"),
            spec(
                "blank checkpoint directory",
                s -> s.getCheckpointing().setDirectory(" "),
                CP + ".directory",
                "s3://"),
            spec(
                "relative checkpoint directory",
                s -> s.getCheckpointing().setDirectory("checkpoints"),
                CP + ".directory",
                "scheme"),
            spec(
                "bare path checkpoint directory",
                s -> s.getCheckpointing().setDirectory("/mnt/checkpoints"),
                CP + ".directory",
                "scheme"),
            spec(
                "relative savepoint directory",
                s -> s.getCheckpointing().setSavepointDirectory("savepoints"),
                CP + ".savepointDirectory",
                "scheme"),
            spec(
                "zero interval",
                s -> s.getCheckpointing().setInterval("0s"),
                CP + ".interval",
                "at least 10ms"),
            spec(
                "interval below Flink's minimum",
                s -> s.getCheckpointing().setInterval("9ms"),
                CP + ".interval",
                "Flink's minimum"),
            spec(
                "interval not a duration",
                s -> s.getCheckpointing().setInterval("30 seconds"),
                CP + ".interval",
                "500ms, 20s, 5m or 1h"),
            spec(
                "interval without unit",
                s -> s.getCheckpointing().setInterval("30"),
                CP + ".interval",
                "'30'"),
            spec(
                "null interval",
                s -> s.getCheckpointing().setInterval(null),
                CP + ".interval",
                "duration"),
            spec(
                "zero timeout",
                s -> s.getCheckpointing().setTimeout("0"),
                CP + ".timeout",
                "at least 10ms"),
            spec(
                "negative minPause",
                s -> s.getCheckpointing().setMinPause("-1s"),
                CP + ".minPause",
                "duration"),
            spec(
                "huge minPause",
                s -> s.getCheckpointing().setMinPause("9".repeat(30) + "h"),
                CP + ".minPause",
                "too large"),
            spec(
                "very long minPause text",
                s -> s.getCheckpointing().setMinPause("x".repeat(500)),
                CP + ".minPause",
                "500 characters"),
            spec(
                "no concurrent checkpoints",
                s -> s.getCheckpointing().setMaxConcurrent(0),
                CP + ".maxConcurrent",
                "at least 1"),
            spec(
                "negative tolerableFailures",
                s -> s.getCheckpointing().setTolerableFailures(-1),
                CP + ".tolerableFailures",
                "at least 0"),
            spec(
                "no checkpoint retained",
                s -> s.getCheckpointing().setRetained(0),
                CP + ".retained",
                "at least 1"),
            spec(
                "no checkpointing mode",
                s -> s.getCheckpointing().setMode(null),
                CP + ".mode",
                "exactly-once, at-least-once"),
            spec(
                "no state backend",
                s -> s.getCheckpointing().setStateBackend(null),
                CP + ".stateBackend",
                "hashmap, rocksdb")));
  }

  @Override
  Stream<Accepted> acceptedRows() {
    return Stream.concat(
        BOUNDS.stream().map(Bound::accepted),
        Stream.of(
            accepted(
                "no savepoint directory", s -> s.getCheckpointing().setSavepointDirectory(null)),
            accepted(
                "empty savepoint directory", s -> s.getCheckpointing().setSavepointDirectory("")),
            accepted(
                "file checkpoint directory",
                s -> s.getCheckpointing().setDirectory("file:///mnt/shared/checkpoints")),
            accepted("Flink's minimum interval", s -> s.getCheckpointing().setInterval("10ms")),
            accepted("compound durations", s -> s.getCheckpointing().setTimeout("1h30m")),
            accepted("zero minPause", s -> s.getCheckpointing().setMinPause("0")),
            accepted("tolerating no failures", s -> s.getCheckpointing().setTolerableFailures(0))));
  }
}
