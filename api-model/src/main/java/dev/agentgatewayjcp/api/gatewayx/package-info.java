/** Models of Gateway API's experimental {@code gateway.networking.x-k8s.io} kinds that fabric8 lacks. */
package dev.agentgatewayjcp.api.gatewayx;
