package dev.flinkresilience.operator.app;

import dev.flinkresilience.operator.act.ClusterActions;
import dev.flinkresilience.operator.act.EventEmitter;
import dev.flinkresilience.operator.act.HaMetadataCleaner;
import dev.flinkresilience.operator.observe.FlinkPoller;
import dev.flinkresilience.operator.observe.ha.KubernetesHaStoreReader;
import dev.flinkresilience.operator.observe.ha.ZooKeeperHaStoreReader;
import dev.flinkresilience.operator.observe.rest.FlinkJobReader;
import dev.flinkresilience.operator.observe.rest.HttpFlinkRestClient;
import dev.flinkresilience.operator.reconcile.FlinkResilientJobReconciler;
import dev.flinkresilience.operator.reconcile.FlinkWatch;
import dev.flinkresilience.operator.reconcile.StatusWriter;
import dev.flinkresilience.operator.reconcile.Teardown;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;
import java.util.HashSet;

/** The whole operator, wired by hand: settings → clients → components → reconciler → operator. */
public final class OperatorWiring {
  private static final java.time.Duration ZOOKEEPER_TIMEOUT = java.time.Duration.ofSeconds(2);

  private OperatorWiring() {}

  public static Operator start(KubernetesClient client, OperatorSettings settings, Clock clock) {
    Operator operator =
        new Operator(
            o ->
                o.withKubernetesClient(client)
                    .withCloseClientOnStop(false)
                    // No server-side apply anywhere: the operator must behave the same on API
                    // servers without it (the in-process mock), and status is replaced whole.
                    .withUseSSAToPatchPrimaryResource(false)
                    .withSSABasedCreateUpdateMatchForDependentResources(false));
    var actions = new ClusterActions(client);
    var events = new EventEmitter(client, clock);
    var poller =
        new FlinkPoller(
            new FlinkJobReader(new HttpFlinkRestClient(settings.polling().callTimeout()), clock)
                ::read,
            zooKeeperReader(),
            clock);
    var watch =
        new FlinkWatch(
            poller,
            settings.polling(),
            settings.jobManagerAddress(),
            KubernetesHaStoreReader::read);
    var reconciler =
        new FlinkResilientJobReconciler(
            actions,
            events,
            new StatusWriter(),
            new Teardown(actions, new HaMetadataCleaner(client), events),
            watch,
            clock);
    operator.register(
        reconciler,
        c -> {
          if (!settings.namespaces().isEmpty()) {
            c.settingNamespaces(new HashSet<>(settings.namespaces()));
          }
        });
    operator.start();
    return operator;
  }

  /** One ZooKeeper client per quorum, closed with the poller. */
  private static FlinkPoller.ZooKeeperReader zooKeeperReader() {
    var reader = new ZooKeeperHaStoreReader(ZOOKEEPER_TIMEOUT);
    return new FlinkPoller.ZooKeeperReader() {
      @Override
      public dev.flinkresilience.operator.decide.HaStoreView read(
          dev.flinkresilience.operator.observe.PollTarget.ZooKeeperHa at, String jobId) {
        return reader.read(
            at.quorum(), at.rootPath(), at.haClusterId(), jobId, at.checkpointDirectory());
      }

      @Override
      public void close() {
        reader.close();
      }
    };
  }
}
