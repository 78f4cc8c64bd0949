package dev.agentgatewayjcp.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the command line as users do and checks exit codes and what it prints. */
class CliTest {

  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private static synchronized Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = Main.execute(args);
      return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void versionNamesTheWireProtocol() {
    Run run = run("--version");
    assertThat(run.code()).isZero();
    assertThat(run.out()).startsWith("agentgateway-jcp ").contains("agentgateway v1.4.1");
  }

  @Test
  void validateAcceptsTheBasicExample() {
    Run run = run("validate", Path.of("../examples/basic").toString());
    assertThat(run.code()).as(run.out()).isZero();
    assertThat(run.out()).contains("no problems");
  }

  @Test
  void validateListsEveryProblemPreciselyAndExitsNonZero() throws Exception {
    Files.copy(Path.of("../examples/basic/gateway.yaml"), dir.resolve("gateway.yaml"));
    Files.writeString(dir.resolve("bad.yaml"), """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: lost, namespace: default}
        spec:
          parentRefs: [{name: basic}]
          rules:
          - backendRefs: [{name: nowhere, port: 80}]
        ---
        apiVersion: example.com/v1
        kind: Widget
        metadata: {name: w}
        ---
        kind: Service
        """);
    Files.writeString(dir.resolve("broken.yaml"), "a: [unclosed\n");

    Run run = run("validate", dir.toString());

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.out())
        .contains("bad.yaml (document 2): unsupported kind Widget")
        .contains("bad.yaml (document 3): a Kubernetes object needs apiVersion and kind")
        .contains("broken.yaml")
        .contains("HTTPRoute/default/lost")
        .contains("BackendNotFound")
        .contains("problem(s) in");
  }

  @Test
  void translatePrintsOneGatewaysResourcesAsJson() {
    Run run = run("translate", Path.of("../examples/basic").toString(), "--gateway", "default/basic", "--format", "json");
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("\"default/basic\"").contains("\"bind/8080/default/basic\"")
        .contains("\"listener/default/basic.http\"").contains("\"statuses\"");

    Run missing = run("translate", Path.of("../examples/basic").toString(), "--gateway", "default/nope");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("no Gateway default/nope");
  }

  @Test
  void fileModeTlsAndTokenOptionsAreCheckedBeforeAnythingStarts() {
    String config = Path.of("../examples/basic").toString();
    Run tlsWithoutCa = run("run", "--config-dir", config, "--xds-tls");
    assertThat(tlsWithoutCa.code()).isNotZero();
    assertThat(tlsWithoutCa.err()).contains("--xds-tls needs --xds-ca-dir");
    Run authWithoutTokens = run("run", "--config-dir", config, "--xds-auth");
    assertThat(authWithoutTokens.code()).isNotZero();
    assertThat(authWithoutTokens.err()).contains("--xds-auth needs --xds-token-file");
    Run nothingToServe = run("run", "--config-dir", config, "--no-xds-plaintext");
    assertThat(nothingToServe.code()).isNotZero();
    assertThat(nothingToServe.err()).contains("--no-xds-plaintext needs --xds-tls");
  }

  @Test
  void theServingCertificateNamesTheXdsServiceInEveryFormAProxyMayDialIt() {
    RunCommand command = new RunCommand();
    new picocli.CommandLine(command).parseArgs("--namespace", "agw", "--xds-service", "cp", "--xds-tls-names", "xds.example.com, 10.0.0.1");
    assertThat(command.servingNames()).containsExactly(
        "cp", "cp.agw", "cp.agw.svc", "cp.agw.svc.cluster.local", "xds.example.com", "10.0.0.1");
  }

  @Test
  void istioRootNamespaceDecidesWhichNamespacesPoliciesApplyToEveryGateway() throws Exception {
    Files.copy(Path.of("../examples/basic/gateway.yaml"), dir.resolve("gateway.yaml"));
    Files.writeString(dir.resolve("policy.yaml"), """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: mesh-wide, namespace: mesh-root}
        spec:
          action: DENY
          rules:
          - to:
            - operation: {paths: ["/admin*"]}
        """);

    Run defaults = run("translate", dir.toString(), "--gateway", "default/basic", "--format", "json");
    Run configured = run("translate", dir.toString(), "--gateway", "default/basic", "--format", "json",
        "--istio-root-namespace", "mesh-root");

    assertThat(defaults.code()).as(defaults.err()).isZero();
    assertThat(defaults.out()).doesNotContain("\"authz/mesh-root/mesh-wide");
    assertThat(configured.code()).as(configured.err()).isZero();
    assertThat(configured.out()).contains("\"authz/mesh-root/mesh-wide");
    RunCommand command = new RunCommand();
    new picocli.CommandLine(command).parseArgs("--istio-root-namespace", "mesh-root");
    assertThat(command.istioRootNamespace).isEqualTo("mesh-root");
    RunCommand byDefault = new RunCommand();
    new picocli.CommandLine(byDefault).parseArgs();
    assertThat(byDefault.istioRootNamespace).isEqualTo(System.getenv().getOrDefault("AGENTGATEWAY_JCP_ISTIO_ROOT_NAMESPACE", "istio-system"));
  }
}
