package dev.agentgatewayjcp.controller.cli;

import dev.agentgatewayjcp.translator.TranslationResult;
import dev.agentgatewayjcp.translator.input.TranslationSettings;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** TranslateCommand prints the xDS resources and statuses a directory translates to, offline. */
@Command(
    name = "translate",
    mixinStandardHelpOptions = true,
    description = "Print the xDS resources and statuses that the objects in DIR translate to.")
final class TranslateCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "DIR", description = "Directory of Kubernetes YAML or JSON files.")
  Path dir;

  @Option(names = "--gateway", paramLabel = "NAMESPACE/NAME", description = "Only this Gateway's configuration.")
  String gateway;

  @Option(names = "--format", defaultValue = "yaml", description = "yaml or json (default: ${DEFAULT-VALUE}).")
  Rendering.Format format;

  @Option(names = "--controller-name", defaultValue = TranslationSettings.DEFAULT_CONTROLLER_NAME,
      description = "GatewayClass controllerName to act for (default: ${DEFAULT-VALUE}).")
  String controllerName;

  @Option(names = "--istio-root-namespace", defaultValue = "${env:AGENTGATEWAY_JCP_ISTIO_ROOT_NAMESPACE:-" + TranslationSettings.DEFAULT_ROOT_NAMESPACE + "}",
      description = "Istio's root namespace: AuthorizationPolicies and RequestAuthentications there apply to every Gateway (default: ${DEFAULT-VALUE}). Env: AGENTGATEWAY_JCP_ISTIO_ROOT_NAMESPACE.")
  String istioRootNamespace;

  @Override
  public Integer call() throws Exception {
    GatewayKey only = null;
    if (gateway != null) {
      try {
        only = GatewayKey.parse(gateway);
      } catch (IllegalArgumentException e) {
        System.err.println("--gateway: " + e.getMessage());
        return 2;
      }
    }
    OfflineTranslation translation = OfflineTranslation.of(dir, controllerName, istioRootNamespace);
    translation.load().problems().forEach(p -> System.err.println("skipped " + p));
    TranslationResult result = translation.result();
    if (only != null && !result.gateways().containsKey(only)) {
      System.err.println("no Gateway " + only + " of controller " + controllerName + " in " + dir);
      return 1;
    }
    System.out.print(Rendering.render(result, only, format));
    return 0;
  }
}
