package dev.flinkresilience.sample;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.BasePathBucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;

/**
 * The job the local cluster runs under the operator. Its output can be checked for loss, duplicates
 * and lost state after any failure:
 *
 * <ul>
 *   <li>one source subtask emits 0, 1, 2, … at {@code --rate} records per second; its position is
 *       checkpointed, so a restore resumes exactly where the checkpoint was taken;
 *   <li>a keyed map (key {@code n % 4}) counts the records of its key in keyed state and emits
 *       {@code n,count}; with the state intact, {@code count == n / 4 + 1} for every record;
 *   <li>one exactly-once file sink writes the lines and commits a part file per checkpoint, so the
 *       committed files ({@code part-*}, not the hidden in-progress ones) hold each number once.
 * </ul>
 *
 * <p>Checkpointing, restarts and HA come from the cluster's configuration (the operator renders
 * them); the job sets nothing of that itself. {@code --fail-always} makes every record throw, for a
 * job that can never run.
 */
public final class SequenceJob {
  private SequenceJob() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = flags(args);
    String output = flags.get("output");
    if (output == null) {
      throw new IllegalArgumentException("--output <directory> is required");
    }
    long rate = Long.parseLong(flags.getOrDefault("rate", "20"));
    boolean failAlways = flags.containsKey("fail-always");

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.fromSource(
            new DataGeneratorSource<>(
                n -> n, Long.MAX_VALUE, RateLimiterStrategy.perSecond(rate), Types.LONG),
            WatermarkStrategy.noWatermarks(),
            "sequence")
        .setParallelism(1) // one subtask: the numbers are dense, 0..n, so a gap is a loss
        .uid("sequence")
        .keyBy(n -> n % 4)
        .map(new CountPerKey(failAlways))
        .uid("count-per-key")
        .sinkTo(
            FileSink.forRowFormat(new Path(output), new SimpleStringEncoder<String>())
                .withBucketAssigner(new BasePathBucketAssigner<>())
                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                .build())
        .setParallelism(1) // one committer: a snapshot of the committed files has no gaps
        .uid("committed-output");
    env.execute("sequence");
  }

  /** {@code --key value} pairs, and {@code --flag} alone for a boolean. */
  static Map<String, String> flags(String[] args) {
    Map<String, String> flags = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument: " + args[i]);
      }
      String key = args[i].substring(2);
      boolean hasValue = i + 1 < args.length && !args[i + 1].startsWith("--");
      flags.put(key, hasValue ? args[++i] : "true");
    }
    return flags;
  }

  /** Counts the records of each key in keyed state; emits {@code n,count}. */
  static final class CountPerKey extends RichMapFunction<Long, String> {
    private final boolean failAlways;
    private transient ValueState<Long> count;

    CountPerKey(boolean failAlways) {
      this.failAlways = failAlways;
    }

    @Override
    public void open(OpenContext context) {
      count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
    }

    @Override
    public String map(Long n) throws Exception {
      if (failAlways) {
        throw new IllegalStateException("--fail-always: record " + n + " fails");
      }
      long next = (count.value() == null ? 0 : count.value()) + 1;
      count.update(next);
      return n + "," + next;
    }
  }
}
