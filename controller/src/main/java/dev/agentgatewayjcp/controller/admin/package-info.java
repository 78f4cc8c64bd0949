/** Health, readiness, metrics and debug endpoints, on one HTTP port. */
package dev.agentgatewayjcp.controller.admin;
