/** The command line: {@code run}, {@code translate}, {@code validate} and {@code --version}. */
package dev.agentgatewayjcp.controller.cli;
