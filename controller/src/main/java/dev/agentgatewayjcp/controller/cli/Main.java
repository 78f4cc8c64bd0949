package dev.agentgatewayjcp.controller.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Main is the entry point of the agentgateway-jcp program. */
@Command(
    name = "agentgateway-jcp",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "A Java control plane that runs agentgateway proxies as Gateway API gateways.",
    subcommands = {RunCommand.class, TranslateCommand.class, ValidateCommand.class})
public final class Main implements Runnable {

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns the exit code, without exiting (tests). */
  public static int execute(String... args) {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** Version reads the version the build stamped into the jar. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"agentgateway-jcp " + version() + " (agentgateway v1.4.1 wire protocol)"};
    }
  }

  static String version() {
    Properties properties = new Properties();
    try (InputStream in = Main.class.getResourceAsStream("/agentgateway-jcp-version.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      // Fall through to "unknown".
    }
    return properties.getProperty("version", "unknown");
  }
}
