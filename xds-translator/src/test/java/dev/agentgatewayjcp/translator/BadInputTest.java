package dev.agentgatewayjcp.translator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentgatewayjcp.translator.input.InMemoryInputView;
import org.junit.jupiter.api.Test;

/** Malformed objects (as an API server without CRD validation could hand us) never throw. */
class BadInputTest {

  private static final String CLASS =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: GatewayClass
      metadata: {name: agentgateway}
      spec: {controllerName: agentgateway-jcp.dev/controller}
      ---
      """;

  @Test
  void skeletalObjectsTranslateWithoutFailures() {
    String yaml =
        CLASS
            + """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: empty, namespace: default}
            spec: {gatewayClassName: agentgateway}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: holes, namespace: default}
            spec:
              gatewayClassName: agentgateway
              listeners:
              - {}
              - {name: https, port: 443, protocol: HTTPS}
              - {name: tls-no-refs, port: 443, protocol: HTTPS, hostname: a.example.com, tls: {}}
              - name: sel
                port: 80
                protocol: HTTP
                allowedRoutes:
                  namespaces:
                    from: Selector
                    selector: {matchExpressions: [{key: a, operator: Bogus}]}
                  kinds: [{}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: nospec, namespace: default}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: holes, namespace: default}
            spec:
              parentRefs: [{}, {name: holes}, {name: empty}, {name: nospec}]
              hostnames: [null, a.example.com]
              rules:
              - {}
              - filters: [{type: CORS, cors: {allowOrigins: [null], allowMethods: [null, GET]}}]
              - filters: [{type: RequestHeaderModifier, requestHeaderModifier: {set: [{value: x}], remove: [null]}}]
              - matches: [{}, {path: {}}, {headers: [{}]}, {queryParams: [{}]}]
                filters:
                - {}
                - {type: RequestHeaderModifier}
                backendRefs: [{}, {name: x}]
              - filters:
                - {type: RequestMirror, requestMirror: {}}
                - type: RequestMirror
                  requestMirror: {backendRef: {name: x, port: 80}, fraction: {numerator: 1, denominator: 0}}
              - filters: [{type: URLRewrite, urlRewrite: {path: {}}}]
              - filters: [{type: RequestRedirect, requestRedirect: {statusCode: 999}}]
              - timeouts: {request: soon}
              - retry: {codes: [200]}
                backendRefs: [{name: x, port: 80, filters: [{type: CORS, cors: {}}]}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: nospec, namespace: default}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: GRPCRoute
            metadata: {name: holes, namespace: default}
            spec:
              parentRefs: [{name: holes}]
              rules:
              - {}
              - matches: [{}, {method: {}}, {method: {type: RegularExpression, service: "("}}, {headers: [{}]}]
                filters: [{}, {type: URLRewrite}]
                backendRefs: [{}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: ReferenceGrant
            metadata: {name: holes, namespace: default}
            spec: {from: [{}], to: [{}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: x, namespace: default}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: y, namespace: default}
            spec:
              clusterIP: not-an-ip
              ports: [{}, {port: 80, targetPort: named}]
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: y-1, namespace: default, labels: {kubernetes.io/service-name: y}}
            addressType: IPv4
            ports: [{}, {name: "", port: 8080}]
            endpoints: [{}, {addresses: [999.1.1.1, 10.0.0.1]}, {addresses: [10.0.0.2], targetRef: {kind: Pod}}]
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: s, namespace: default}
            data: {tls.crt: "!!notbase64", tls.key: ""}
            """;
    TranslationResult result =
        Translator.translate(InMemoryInputView.fromYaml(yaml), GoldenTest.SETTINGS);
    assertThat(result.diagnostics())
        .filteredOn(d -> d.severity() == Diagnostic.Severity.ERROR)
        .isEmpty();
    assertThat(result.gateways()).containsKeys(
        dev.agentgatewayjcp.translator.output.GatewayKey.parse("default/holes"));
  }
}
