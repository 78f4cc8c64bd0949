package dev.agentgatewayjcp.controller.cli;

import dev.agentgatewayjcp.controller.source.DirectoryLoad;
import dev.agentgatewayjcp.translator.Diagnostic;
import dev.agentgatewayjcp.translator.TranslationResult;
import dev.agentgatewayjcp.translator.input.TranslationSettings;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * ValidateCommand checks that every object in a directory can be read and is accepted, and exits
 * non-zero with one line per problem otherwise.
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = "Check that every object in DIR is readable and accepted; exit 1 listing each problem otherwise.")
final class ValidateCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "DIR", description = "Directory of Kubernetes YAML or JSON files.")
  Path dir;

  @Option(names = "--controller-name", defaultValue = TranslationSettings.DEFAULT_CONTROLLER_NAME,
      description = "GatewayClass controllerName to act for (default: ${DEFAULT-VALUE}).")
  String controllerName;

  @Option(names = "--istio-root-namespace", defaultValue = "${env:AGENTGATEWAY_JCP_ISTIO_ROOT_NAMESPACE:-" + TranslationSettings.DEFAULT_ROOT_NAMESPACE + "}",
      description = "Istio's root namespace: AuthorizationPolicies and RequestAuthentications there apply to every Gateway (default: ${DEFAULT-VALUE}). Env: AGENTGATEWAY_JCP_ISTIO_ROOT_NAMESPACE.")
  String istioRootNamespace;

  @Override
  public Integer call() throws Exception {
    OfflineTranslation translation = OfflineTranslation.of(dir, controllerName, istioRootNamespace);
    DirectoryLoad load = translation.load();
    int problems = 0;
    for (var p : load.problems()) {
      System.out.println("error: " + p);
      problems++;
    }
    TranslationResult result = translation.result();
    for (Diagnostic d : result.diagnostics()) {
      System.out.println((d.severity() == Diagnostic.Severity.ERROR ? "error: " : "invalid: ") + d.object() + ": " + d.message());
      problems++;
    }
    if (problems > 0) {
      System.out.println(problems + " problem(s) in " + dir);
      return 1;
    }
    System.out.println(dir + ": " + load.objects().size() + " objects, " + result.gateways().size() + " gateways, no problems");
    return 0;
  }
}
