/** Where desired statuses go: the Kubernetes status writer, or a printer in file mode. */
package dev.agentgatewayjcp.controller.status;
