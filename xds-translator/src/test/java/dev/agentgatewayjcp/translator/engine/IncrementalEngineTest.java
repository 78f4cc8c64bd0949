package dev.agentgatewayjcp.translator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentgatewayjcp.translator.GatewayOutput;
import dev.agentgatewayjcp.translator.TranslationResult;
import dev.agentgatewayjcp.translator.Translator;
import dev.agentgatewayjcp.translator.input.InMemoryInputView;
import dev.agentgatewayjcp.translator.input.ObjectRef;
import dev.agentgatewayjcp.translator.input.TranslationSettings;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import dev.agentgatewayjcp.translator.output.XdsResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Holds the incremental engine to the full translator: after every step of a long random
 * sequence of creates, updates and deletes across all kinds, the engine's result equals a fresh
 * full translation, and its deltas, applied by a model xDS/status consumer, rebuild exactly that
 * result.
 */
class IncrementalEngineTest {

  private static final TranslationSettings SETTINGS =
      TranslationSettings.defaults(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));

  /** What an xDS server and a status writer hold after applying every delta. */
  private static final class Consumer {
    final Map<GatewayKey, Map<String, XdsResource>> resources = new TreeMap<>();
    final Map<GatewayKey, Map<String, XdsResource>> addresses = new TreeMap<>();
    final Map<ObjectRef, KubernetesResource> statuses = new TreeMap<>();

    void apply(TranslationDelta delta) {
      delta.removedGateways().forEach(gw -> {
        resources.remove(gw);
        addresses.remove(gw);
      });
      delta.gateways().forEach((gw, d) -> {
        Map<String, XdsResource> r = resources.computeIfAbsent(gw, k -> new TreeMap<>());
        d.removed().forEach(r::remove);
        d.upserted().forEach(x -> r.put(x.name(), x));
        Map<String, XdsResource> a = addresses.computeIfAbsent(gw, k -> new TreeMap<>());
        d.removedAddresses().forEach(a::remove);
        d.upsertedAddresses().forEach(x -> a.put(x.name(), x));
      });
      delta.removedStatuses().forEach(statuses::remove);
      statuses.putAll(delta.statuses());
    }

    void assertMatches(TranslationResult full, String step) {
      Map<GatewayKey, Map<String, XdsResource>> expectedResources = new TreeMap<>();
      Map<GatewayKey, Map<String, XdsResource>> expectedAddresses = new TreeMap<>();
      for (GatewayOutput out : full.gateways().values()) {
        Map<String, XdsResource> r = new TreeMap<>();
        out.resources().forEach(x -> r.put(x.name(), x));
        expectedResources.put(out.gateway(), r);
        Map<String, XdsResource> a = new TreeMap<>();
        out.addresses().forEach(x -> a.put(x.name(), x));
        expectedAddresses.put(out.gateway(), a);
      }
      assertThat(resources).as("resources from deltas after " + step).isEqualTo(expectedResources);
      assertThat(addresses).as("addresses from deltas after " + step).isEqualTo(expectedAddresses);
      assertThat(statuses).as("statuses from deltas after " + step).isEqualTo(full.statuses());
    }
  }

  @Test
  void incrementalEqualsFullAfterEveryRandomStep() {
    for (long seed : new long[] {1, 2, 3}) {
      runSequence(seed, 400);
    }
  }

  @Test
  void aGatewayChangeThatKeepsItsListenersDoesNotRerunItsRoutes() {
    // A clock that moves on every read, like the wall clock between two translations.
    Clock ticking =
        new Clock() {
          private Instant now = Instant.parse("2026-01-01T00:00:00Z");

          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            now = now.plusSeconds(1);
            return now;
          }
        };
    IncrementalEngine engine = new IncrementalEngine(TranslationSettings.defaults(ticking));
    List<InputChange> initial = new ArrayList<>();
    dev.agentgatewayjcp.translator.input.YamlInputs.parse(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: GatewayClass
            metadata: {name: c}
            spec: {controllerName: agentgateway-jcp.dev/controller}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gw, namespace: ns}
            spec:
              gatewayClassName: c
              listeners: [{name: http, port: 80, protocol: HTTP}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: r, namespace: ns}
            spec:
              parentRefs: [{name: gw}]
              rules: [{backendRefs: [{name: svc, port: 80}]}]
            """)
        .forEach(o -> initial.add(InputChange.upsert(o)));
    engine.apply(initial);

    // The Gateway's own Service appearing changes its Programmed condition, not its listeners.
    TranslationDelta delta =
        engine.apply(
            List.of(
                InputChange.upsert(
                    dev.agentgatewayjcp.translator.input.YamlInputs.parse(
                            """
                            apiVersion: v1
                            kind: Service
                            metadata: {name: gw, namespace: ns}
                            spec: {clusterIP: 10.0.0.1, ports: [{port: 80}]}
                            """)
                        .get(0))));
    assertThat(delta.statuses().keySet())
        .extracting(ObjectRef::kind)
        .containsExactly("Gateway");
    assertThat(delta.gateways()).isEmpty();
  }

  private static void runSequence(long seed, int steps) {
    RandomInputs inputs = new RandomInputs(seed);
    IncrementalEngine engine = new IncrementalEngine(SETTINGS);
    Consumer consumer = new Consumer();
    InMemoryInputView shadow = InMemoryInputView.empty();
    for (int i = 0; i < steps; i++) {
      List<InputChange> batch = new ArrayList<>();
      int size = inputs.random().nextInt(10) == 0 ? 1 + inputs.random().nextInt(5) : 1;
      for (int j = 0; j < size; j++) {
        List<HasMetadata> existing = shadow.objects();
        InputChange change;
        if (!existing.isEmpty() && inputs.random().nextInt(100) < 20) {
          change = InputChange.delete(ObjectRef.of(existing.get(inputs.random().nextInt(existing.size()))));
          shadow = shadow.without(change.ref());
        } else {
          change = InputChange.upsert(inputs.next());
          shadow = shadow.with(change.object());
        }
        batch.add(change);
      }
      TranslationDelta delta = engine.apply(batch);
      consumer.apply(delta);
      String where = "seed " + seed + " step " + i + " " + batch;
      TranslationResult full = Translator.translate(shadow, SETTINGS);
      TranslationResult incremental = engine.result();
      assertThat(incremental.gateways()).as("gateways after " + where).isEqualTo(full.gateways());
      assertThat(incremental.addresses()).as("addresses after " + where).isEqualTo(full.addresses());
      assertThat(incremental.statuses()).as("statuses after " + where).isEqualTo(full.statuses());
      assertThat(incremental.diagnostics()).as("diagnostics after " + where).isEqualTo(full.diagnostics());
      consumer.assertMatches(full, where);
      full.gateways().forEach((gw, out) -> assertThat(engine.gateway(gw)).as(where).contains(out));
      assertThat(engine.gateway(new GatewayKey("ns-a", "not-a-gateway"))).isEmpty();
    }
  }
}
