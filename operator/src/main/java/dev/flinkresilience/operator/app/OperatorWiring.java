package dev.flinkresilience.operator.app;

import dev.flinkresilience.operator.act.ClusterActions;
import dev.flinkresilience.operator.act.EventEmitter;
import dev.flinkresilience.operator.act.HaMetadataCleaner;
import dev.flinkresilience.operator.reconcile.FlinkResilientJobReconciler;
import dev.flinkresilience.operator.reconcile.StatusWriter;
import dev.flinkresilience.operator.reconcile.Teardown;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;
import java.util.HashSet;

/** The whole operator, wired by hand: settings → clients → components → reconciler → operator. */
public final class OperatorWiring {
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
    var reconciler =
        new FlinkResilientJobReconciler(
            actions,
            events,
            new StatusWriter(),
            new Teardown(actions, new HaMetadataCleaner(client), events),
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
}
