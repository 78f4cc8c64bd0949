package dev.agentgatewayjcp.translator.engine;

import dev.agentgatewayjcp.translator.input.YamlInputs;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * RandomInputs generates objects of every input kind from small name pools, so that random
 * sequences of them create, update, replace and delete the same objects and cross-reference
 * each other (routes to Gateways, Gateways to Secrets, EndpointSlices to shared Pods...).
 */
final class RandomInputs {

  static final String CERT =
      """
      -----BEGIN CERTIFICATE-----
      MIIBfzCCASWgAwIBAgIUPNFXkWPnpazjRa9GA70L6qxO36EwCgYIKoZIzj0EAwIw
      FjEUMBIGA1UEAwwLZXhhbXBsZS5jb20wIBcNMjYxMTI2MDcxMDMzWhgPMjEyNjEx
      MDIwNzEwMzNaMBYxFDASBgNVBAMMC2V4YW1wbGUuY29tMFkwEwYHKoZIzj0CAQYI
      KoZIzj0DAQcDQgAEpXFrt7RBUgw4VsdOmLnf2nSIf+B8nsGk52o9pl66vNeFpJTn
      EWnP4Fp4PiB8SyJfBW7GMa62z7gc32qyKC3DSqNTMFEwHQYDVR0OBBYEFOtbBBr0
      aqLEPSTx2JZmrrxqaW3EMB8GA1UdIwQYMBaAFOtbBBr0aqLEPSTx2JZmrrxqaW3E
      MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIgRJZqEKuBIDDUqZKS
      GtS5EcjDjlNbSOWZEZHBoW1yqzUCIQCf6Eoaufk6wrH+Esb1xZBCyWrP2dYrzjk7
      hs7H1gu7OQ==
      -----END CERTIFICATE-----
      """;
  static final String KEY =
      """
      -----BEGIN PRIVATE KEY-----
      MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg8KzGFok/eYQAs6XH
      uVs56b09eydd1XjtZZUifLkaxeyhRANCAASlcWu3tEFSDDhWx06Yud/adIh/4Hye
      wNTY06j9pl66vNeFpJTnEWnP4Fp4PiB8SyJfBW7GMa62z7gc32qyKC3D
      -----END PRIVATE KEY-----
      """;

  private static final String[] NAMESPACES = {"ns-a", "ns-b", "ns-c"};
  private static final String[] CLASSES = {"ours", "theirs", "gone"};

  private final Random random;

  RandomInputs(long seed) {
    this.random = new Random(seed);
  }

  Random random() {
    return random;
  }

  private <T> T pick(T[] values) {
    return values[random.nextInt(values.length)];
  }

  private String ns() {
    return pick(NAMESPACES);
  }

  private boolean chance(int percent) {
    return random.nextInt(100) < percent;
  }

  /** One random object of a random kind. */
  HasMetadata next() {
    int kind = random.nextInt(132);
    String yaml;
    if (kind >= 124) {
      yaml = listenerSet();
    } else if (kind >= 118) {
      yaml = inferencePool();
    } else if (kind >= 112) {
      yaml = xbackend();
    } else if (kind >= 100) {
      yaml = kind < 105 ? authorizationPolicy() : kind < 110 ? requestAuthentication() : fetchedJwks();
    } else if (kind < 4) {
      yaml = gatewayClass();
    } else if (kind < 18) {
      yaml = gateway();
    } else if (kind < 40) {
      yaml = httpRoute();
    } else if (kind < 44) {
      yaml = tlsRoute();
    } else if (kind < 48) {
      yaml = tcpRoute();
    } else if (kind < 56) {
      yaml = grpcRoute();
    } else if (kind < 61) {
      yaml = referenceGrant();
    } else if (kind < 63) {
      yaml = backendTlsPolicy();
    } else if (kind < 64) {
      yaml = caConfigMap();
    } else if (kind < 76) {
      yaml = service();
    } else if (kind < 88) {
      yaml = endpointSlice();
    } else if (kind < 91) {
      yaml = secret();
    } else if (kind < 95) {
      yaml = pod();
    } else {
      yaml = namespace();
    }
    return YamlInputs.parse(yaml).get(0);
  }

  private String policyNamespace() {
    return chance(20) ? "istio-system" : ns();
  }

  private String attachment() {
    return switch (random.nextInt(5)) {
      case 0 -> "  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: gw-%d}]\n".formatted(random.nextInt(3));
      case 1 -> "  targetRefs: [{group: gateway.networking.k8s.io, kind: GatewayClass, name: %s}]\n".formatted(pick(CLASSES));
      case 2 -> "  selector: {matchLabels: {gateway.networking.k8s.io/gateway-name: gw-%d}}\n".formatted(random.nextInt(3));
      case 3 -> "  selector: {matchLabels: {a: b}}\n  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: gw-0}]\n";
      default -> "";
    };
  }

  private String authorizationPolicy() {
    StringBuilder sb = new StringBuilder("apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\n");
    sb.append("metadata: {name: ap-%d, namespace: %s, generation: 1}\nspec:\n".formatted(random.nextInt(3), policyNamespace()));
    sb.append(attachment());
    sb.append("  action: %s\n".formatted(pick(new String[] {"ALLOW", "DENY", "CUSTOM", "AUDIT"})));
    switch (random.nextInt(5)) {
      case 0 -> sb.append("  rules: [{to: [{operation: {paths: [\"/p%d*\"]}}]}]\n".formatted(random.nextInt(3)));
      case 1 -> sb.append("  rules: [{from: [{source: {ipBlocks: [\"10.0.0.0/8\"]}}], when: [{key: \"request.headers[x]\", values: [a]}]}]\n");
      case 2 -> sb.append("  rules: [{when: [{key: connection.sni, values: [a]}]}]\n");
      case 3 -> sb.append("  rules: [{}]\n");
      default -> { }
    }
    return sb.toString();
  }

  private String requestAuthentication() {
    StringBuilder sb = new StringBuilder("apiVersion: security.istio.io/v1\nkind: RequestAuthentication\n");
    sb.append("metadata: {name: ra-%d, namespace: %s, generation: 1}\nspec:\n".formatted(random.nextInt(3), policyNamespace()));
    sb.append(attachment());
    sb.append("  jwtRules:\n  - issuer: https://issuer-%d.example.com\n".formatted(random.nextInt(2)));
    if (chance(50)) {
      sb.append("    jwksUri: https://keys.example.com/%d\n".formatted(random.nextInt(2)));
    } else {
      sb.append("    jwks: '{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k%d\",\"n\":\"x\",\"e\":\"AQAB\"}]}'\n".formatted(random.nextInt(2)));
    }
    if (chance(30)) {
      sb.append("    fromParams: [token]\n");
    }
    return sb.toString();
  }

  private String fetchedJwks() {
    String source = "jwks:https://keys.example.com/" + random.nextInt(2);
    return ("apiVersion: internal.agentgateway-jcp.dev/v1\nkind: FetchedJwks\nmetadata: {name: %s}\nsource: %s\n"
        + "jwks: '{\"keys\":[{\"kty\":\"EC\",\"kid\":\"e%d\",\"crv\":\"P-256\",\"x\":\"a\",\"y\":\"b\"}]}'\n%s")
        .formatted(dev.agentgatewayjcp.api.istio.FetchedJwks.nameFor(source), source, random.nextInt(2),
            chance(30) ? "error: timeout\n" : "");
  }

  private String gatewayClass() {
    String name = pick(CLASSES);
    String controller = chance(70) ? "agentgateway-jcp.dev/controller" : "example.com/other";
    return "apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: %s, generation: %d}\nspec: {controllerName: %s}\n"
        .formatted(name, 1 + random.nextInt(3), controller);
  }

  private String gateway() {
    StringBuilder sb = new StringBuilder();
    sb.append("apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n");
    sb.append("metadata: {name: gw-%d, namespace: %s, generation: %d}\n".formatted(random.nextInt(3), ns(), 1 + random.nextInt(3)));
    sb.append("spec:\n  gatewayClassName: %s\n".formatted(pick(CLASSES)));
    if (chance(60)) {
      sb.append("  allowedListeners: {namespaces: %s}\n".formatted(pick(new String[] {
          "{from: All}", "{from: Same}", "{from: None}", "{from: Selector, selector: {matchLabels: {team: blue}}}"})));
    }
    if (chance(30)) {
      sb.append("  tls: {backend: {clientCertificateRef: {name: cert-%d}}%s}\n".formatted(random.nextInt(3),
          chance(50) ? ", frontend: {default: {validation: {mode: %s, caCertificateRefs: [{group: \"\", kind: ConfigMap, name: ca-%d}]}}}"
              .formatted(pick(new String[] {"AllowValidOnly", "AllowInsecureFallback"}), random.nextInt(2)) : ""));
    }
    sb.append("  listeners:\n");
    int n = 1 + random.nextInt(4);
    for (int i = 0; i < n; i++) {
      String name = pick(new String[] {"http", "web", "https", "api", "other"});
      int which = random.nextInt(10);
      String hostname = chance(50) ? "" : ", hostname: \"" + pick(new String[] {"a.example.com", "*.example.com", "b.example.com"}) + "\"";
      if (which < 6) {
        sb.append("  - {name: %s, port: %d, protocol: HTTP%s%s}\n".formatted(name, pick(new Integer[] {80, 8080}), hostname, allowed()));
      } else if (which < 9) {
        sb.append("  - {name: %s, port: 443, protocol: HTTPS%s%s, tls: {certificateRefs: [{name: cert-%d%s}]}}\n"
            .formatted(name, hostname, allowed(), random.nextInt(2), chance(30) ? ", namespace: " + ns() : ""));
      } else if (chance(50)) {
        sb.append("  - {name: %s, port: 9000, protocol: TCP%s}\n".formatted(name, allowed()));
      } else if (chance(50)) {
        sb.append("  - {name: %s, port: 8443, protocol: TLS%s%s, tls: {mode: Passthrough}}\n".formatted(name, hostname, allowed()));
      } else {
        sb.append("  - {name: %s, port: 8443, protocol: TLS%s, tls: {mode: Terminate, certificateRefs: [{name: cert-%d}]}}\n"
            .formatted(name, hostname, random.nextInt(2)));
      }
    }
    return sb.toString();
  }

  private String listenerSet() {
    StringBuilder sb = new StringBuilder();
    sb.append("apiVersion: gateway.networking.k8s.io/v1\nkind: ListenerSet\n");
    sb.append("metadata: {name: ls-%d, namespace: %s, generation: %d, creationTimestamp: \"2026-01-0%dT00:00:00Z\"}\n"
        .formatted(random.nextInt(3), ns(), 1 + random.nextInt(3), 1 + random.nextInt(3)));
    sb.append("spec:\n  parentRef: {name: gw-%d%s}\n  listeners:\n"
        .formatted(random.nextInt(3), chance(50) ? ", namespace: " + ns() : ""));
    int n = 1 + random.nextInt(3);
    for (int i = 0; i < n; i++) {
      String name = pick(new String[] {"http", "web", "https", "other"});
      String hostname = chance(50) ? "" : ", hostname: \"" + pick(new String[] {"a.example.com", "*.example.com", "c.example.com"}) + "\"";
      int which = random.nextInt(10);
      if (which < 6) {
        sb.append("  - {name: %s, port: %d, protocol: HTTP%s%s}\n".formatted(name, pick(new Integer[] {80, 8080, 8081}), hostname, allowed()));
      } else if (which < 8) {
        sb.append("  - {name: %s, port: 443, protocol: HTTPS%s, tls: {certificateRefs: [{name: cert-%d%s}]}}\n"
            .formatted(name, hostname, random.nextInt(2), chance(30) ? ", namespace: " + ns() : ""));
      } else {
        sb.append("  - {name: %s, port: 9000, protocol: TCP}\n".formatted(name));
      }
    }
    return sb.toString();
  }

  private String allowed() {
    return switch (random.nextInt(5)) {
      case 0 -> ", allowedRoutes: {namespaces: {from: All}}";
      case 1 -> ", allowedRoutes: {namespaces: {from: Selector, selector: {matchLabels: {team: blue}}}}";
      case 2 -> ", allowedRoutes: {kinds: [{kind: GRPCRoute}]}";
      default -> "";
    };
  }

  private String parentRefs() {
    StringBuilder sb = new StringBuilder("  parentRefs:\n");
    int n = 1 + random.nextInt(2);
    for (int i = 0; i < n; i++) {
      if (chance(20)) {
        sb.append("  - {kind: ListenerSet, name: ls-%d".formatted(random.nextInt(3)));
      } else {
        sb.append("  - {name: gw-%d".formatted(random.nextInt(3)));
      }
      if (chance(50)) {
        sb.append(", namespace: ").append(ns());
      }
      if (chance(25)) {
        sb.append(", sectionName: ").append(pick(new String[] {"http", "https", "web", "nope", "other"}));
      }
      if (chance(10)) {
        sb.append(", port: ").append(pick(new Integer[] {80, 443, 8080, 8443, 9000}));
      }
      sb.append("}\n");
    }
    return sb.toString();
  }

  private String backendRef() {
    if (chance(8)) {
      return "{group: gateway.networking.x-k8s.io, kind: XBackend, name: xb-%d%s}"
          .formatted(random.nextInt(3), chance(20) ? ", namespace: " + ns() : "");
    }
    if (chance(8)) {
      return "{group: inference.networking.k8s.io, kind: InferencePool, name: pool-%d%s}"
          .formatted(random.nextInt(3), chance(30) ? ", port: " + pick(new Integer[] {8000, 8001}) : "");
    }
    String ref = "{name: svc-%d, port: %d, weight: %d".formatted(random.nextInt(4), chance(10) ? 443 : 8080, random.nextInt(3));
    if (chance(20)) {
      ref += ", namespace: " + ns();
    }
    if (chance(5)) {
      ref += ", group: example.com, kind: Thing";
    }
    return ref + "}";
  }

  private String xbackend() {
    String tls = switch (random.nextInt(6)) {
      case 0 -> "";
      case 1 -> "  tls: {mode: None}\n";
      // Mutual TLS with a certificate Secret that may be missing, and a contradiction.
      case 4 -> "  tls: {mode: ClientAndServer, clientCertificateRef: {name: cert-%d}}\n".formatted(random.nextInt(3));
      case 5 -> "  tls: {mode: ClientAndServer}\n";
      case 2 -> "  tls: {mode: ServerOnly, validation: {caCertificateRefs: [{group: \"\", kind: ConfigMap, name: ca-%d}], hostname: a.example.com}}\n"
          .formatted(random.nextInt(2));
      default -> "  tls: {mode: ServerOnly}\n";
    };
    return ("apiVersion: gateway.networking.x-k8s.io/v1alpha1\nkind: XBackend\n"
            + "metadata: {name: xb-%d, namespace: %s}\n"
            + "spec:\n  type: ExternalHostname\n  externalHostname: {hostname: %s}\n  port: {port: %d}\n%s%s")
        .formatted(random.nextInt(3), ns(), pick(new String[] {"api.example.com", "x.svc.cluster.local"}),
            pick(new Integer[] {443, 8080}), tls,
            chance(20) ? "  protocol: %s\n".formatted(pick(new String[] {"HTTP2", "MCP", "SPDY"})) : "");
  }

  private String inferencePool() {
    StringBuilder sb = new StringBuilder("apiVersion: inference.networking.k8s.io/v1\nkind: InferencePool\n");
    sb.append("metadata: {name: pool-%d, namespace: %s, generation: %d}\nspec:\n".formatted(random.nextInt(3), ns(), 1 + random.nextInt(2)));
    sb.append("  selector: {matchLabels: {app: app-%d}}\n".formatted(random.nextInt(2)));
    sb.append(chance(50) ? "  targetPorts: [{number: 8000}, {number: 8001}]\n" : "  targetPorts: [{number: 8000}]\n");
    if (chance(30)) {
      sb.append("  appProtocol: kubernetes.io/h2c\n");
    }
    if (chance(80)) {
      sb.append("  endpointPickerRef: {name: svc-%d, port: {number: %d}, failureMode: %s}\n"
          .formatted(random.nextInt(4), chance(80) ? 8080 : 9002, pick(new String[] {"FailOpen", "FailClose"})));
    }
    return sb.toString();
  }

  private String httpRoute() {
    StringBuilder sb = new StringBuilder();
    sb.append("apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n");
    sb.append("metadata: {name: r-%d, namespace: %s, generation: %d, creationTimestamp: \"2025-0%d-01T00:00:00Z\"}\n"
        .formatted(random.nextInt(5), ns(), 1 + random.nextInt(3), 1 + random.nextInt(3)));
    sb.append("spec:\n").append(parentRefs());
    if (chance(50)) {
      sb.append("  hostnames: [\"%s\"]\n".formatted(pick(new String[] {"a.example.com", "x.example.com", "*.example.com", "other.org"})));
    }
    sb.append("  rules:\n");
    int rules = 1 + random.nextInt(3);
    for (int i = 0; i < rules; i++) {
      sb.append("  - backendRefs: [%s]\n".formatted(backendRef()));
      switch (random.nextInt(8)) {
        case 0 -> sb.append("    matches: [{path: {type: PathPrefix, value: /p%d}}]\n".formatted(random.nextInt(3)));
        case 1 -> sb.append("    matches: [{path: {type: RegularExpression, value: \"%s\"}}]\n".formatted(chance(50) ? "/r[0-9]+" : "/bad["));
        case 2 -> sb.append("    matches: [{method: GET, headers: [{name: x, value: y}]}]\n");
        case 3 -> sb.append("    filters: [{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: a, value: b}]}}]\n");
        case 4 -> sb.append("    filters: [{type: RequestMirror, requestMirror: {backendRef: {name: svc-%d, port: 8080}, percent: 50}}]\n".formatted(random.nextInt(4)));
        case 5 -> sb.append("    filters: [{type: ExtensionRef, extensionRef: {group: x.io, kind: Y, name: z}}]\n");
        case 6 -> sb.append("    timeouts: {request: 5s}\n");
        default -> { }
      }
    }
    return sb.toString();
  }

  private String tlsRoute() {
    StringBuilder sb = new StringBuilder();
    sb.append(chance(20) ? "apiVersion: gateway.networking.k8s.io/v1alpha2\n" : "apiVersion: gateway.networking.k8s.io/v1\n");
    sb.append("kind: TLSRoute\n");
    sb.append("metadata: {name: t-%d, namespace: %s, creationTimestamp: \"2025-0%d-01T00:00:00Z\"}\n"
        .formatted(random.nextInt(3), ns(), 1 + random.nextInt(3)));
    sb.append("spec:\n").append(parentRefs());
    if (chance(70)) {
      sb.append("  hostnames: [\"%s\"]\n".formatted(pick(new String[] {"a.example.com", "*.example.com", "other.org"})));
    }
    sb.append("  rules:\n  - backendRefs: [%s]\n".formatted(backendRef()));
    return sb.toString();
  }

  private String tcpRoute() {
    StringBuilder sb = new StringBuilder();
    sb.append(chance(20) ? "apiVersion: gateway.networking.k8s.io/v1alpha2\n" : "apiVersion: gateway.networking.k8s.io/v1\n");
    sb.append("kind: TCPRoute\n");
    sb.append("metadata: {name: c-%d, namespace: %s, creationTimestamp: \"2025-0%d-01T00:00:00Z\"}\n"
        .formatted(random.nextInt(3), ns(), 1 + random.nextInt(3)));
    sb.append("spec:\n").append(parentRefs());
    if (chance(10)) {
      sb.append("  hostnames: [a.example.com]\n");
    }
    sb.append("  rules:\n  - backendRefs: [%s, %s]\n".formatted(backendRef(), backendRef()));
    return sb.toString();
  }

  private String grpcRoute() {
    return ("apiVersion: gateway.networking.k8s.io/v1\nkind: GRPCRoute\n"
            + "metadata: {name: g-%d, namespace: %s, creationTimestamp: \"2025-01-01T00:00:00Z\"}\n"
            + "spec:\n%s  rules:\n  - matches: [{method: {service: svc.%s}}]\n    backendRefs: [%s]\n")
        .formatted(random.nextInt(2), ns(), parentRefs(), pick(new String[] {"A", "B"}), backendRef());
  }

  private String backendTlsPolicy() {
    String validation = switch (random.nextInt(4)) {
      case 0 -> "{wellKnownCACertificates: System, hostname: a.example.com}";
      case 1 -> "{caCertificateRefs: [{group: \"\", kind: Secret, name: ca-%d}], hostname: a.example.com}".formatted(random.nextInt(2));
      default -> "{caCertificateRefs: [{group: \"\", kind: ConfigMap, name: ca-%d}], hostname: a.example.com, subjectAltNames: [{type: Hostname, hostname: b.example.com}]}"
          .formatted(random.nextInt(2));
    };
    return ("apiVersion: gateway.networking.k8s.io/v1\nkind: BackendTLSPolicy\n"
            + "metadata: {name: btls-%d, namespace: %s, generation: %d, creationTimestamp: \"2025-0%d-01T00:00:00Z\"}\n"
            + "spec:\n  targetRefs: [{group: \"\", kind: Service, name: svc-%d%s}]\n  validation: %s\n")
        .formatted(random.nextInt(3), ns(), 1 + random.nextInt(2), 1 + random.nextInt(2), random.nextInt(4),
            chance(30) ? ", sectionName: " + pick(new String[] {"http", "nope"}) : "", validation);
  }

  private String caConfigMap() {
    String data = chance(75) ? "  ca.crt: |\n" + indent(CERT).replace("    ", "    ") : "  wrong.key: x\n";
    return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ca-%d, namespace: %s}\ndata:\n%s".formatted(random.nextInt(2), ns(), data);
  }

  private String referenceGrant() {
    return ("apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\n"
            + "metadata: {name: grant-%d, namespace: %s}\n"
            + "spec:\n  from: [{group: gateway.networking.k8s.io, kind: %s, namespace: %s}]\n  to: [{group: \"\", kind: %s}]\n")
        .formatted(random.nextInt(2), ns(), pick(new String[] {"HTTPRoute", "Gateway", "GRPCRoute", "TLSRoute", "TCPRoute", "ListenerSet"}), ns(), pick(new String[] {"Service", "Secret"}));
  }

  private String service() {
    String name = chance(15) ? "gw-" + random.nextInt(3) : "svc-" + random.nextInt(4);
    if (chance(20)) {
      return "apiVersion: v1\nkind: Service\nmetadata: {name: %s, namespace: %s}\nspec: {type: ExternalName, externalName: example.org}\n"
          .formatted(name, ns());
    }
    return ("apiVersion: v1\nkind: Service\nmetadata: {name: %s, namespace: %s}\n"
            + "spec:\n  clusterIP: 10.96.%d.%d\n  ports: [{name: http, port: 8080, targetPort: 8080%s}]\n")
        .formatted(name, ns(), random.nextInt(4), 1 + random.nextInt(200), chance(30) ? ", appProtocol: kubernetes.io/h2c" : "");
  }

  private String endpointSlice() {
    StringBuilder sb = new StringBuilder();
    String service = "svc-" + random.nextInt(4);
    sb.append("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n");
    sb.append("metadata: {name: %s-%d, namespace: %s, labels: {kubernetes.io/service-name: %s}}\n"
        .formatted(service, random.nextInt(2), ns(), service));
    sb.append("addressType: IPv4\nports: [{name: http, port: 8080, protocol: TCP}]\nendpoints:\n");
    int n = random.nextInt(3);
    for (int i = 0; i < n; i++) {
      int pod = random.nextInt(4);
      if (chance(80)) {
        sb.append("- {addresses: [10.244.0.%d], conditions: {ready: %s}, nodeName: node-%d, targetRef: {kind: Pod, name: pod-%d}}\n"
            .formatted(pod + 1, chance(70), random.nextInt(2), pod));
      } else {
        sb.append("- {addresses: [10.250.0.%d]}\n".formatted(random.nextInt(4) + 1));
      }
    }
    if (n == 0) {
      sb.append("- {addresses: [10.244.9.9], conditions: {ready: false}}\n");
    }
    return sb.toString();
  }

  private String secret() {
    boolean valid = chance(75);
    String cert = valid ? CERT : "garbage\n";
    return ("apiVersion: v1\nkind: Secret\nmetadata: {name: cert-%d, namespace: %s}\ntype: kubernetes.io/tls\nstringData:\n  tls.crt: |\n%s  tls.key: |\n%s")
        .formatted(random.nextInt(2), ns(), indent(cert), indent(KEY));
  }

  private String pod() {
    return ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-%d\n  namespace: %s\n  labels: {app: app-%d, pod-template-hash: abc}\n"
            + "  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: app-%d-abc, uid: u, controller: true}]\n%s"
            + "spec:\n  serviceAccountName: sa-%d\n  containers: [{name: c, image: i}]\n"
            + "status: {phase: Running, podIP: 10.244.0.%d, conditions: [{type: Ready, status: '%s'}]}\n")
        .formatted(random.nextInt(4), ns(), random.nextInt(2), random.nextInt(2),
            chance(20) ? "  deletionTimestamp: \"2026-01-01T00:00:00Z\"\n" : "", random.nextInt(2),
            1 + random.nextInt(4), chance(70) ? "True" : "False");
  }

  private String namespace() {
    return "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n  labels: {team: %s}\n"
        .formatted(ns(), pick(new String[] {"blue", "red"}));
  }

  private static String indent(String text) {
    List<String> lines = new ArrayList<>();
    for (String line : text.split("\n")) {
      lines.add("    " + line);
    }
    return String.join("\n", lines) + "\n";
  }
}
