/** Shared base classes for our own models of Kubernetes extension APIs that fabric8 lacks. */
package dev.agentgatewayjcp.api.extension;
