/** Models of the Gateway API Inference Extension ({@code inference.networking.k8s.io}) that fabric8 lacks. */
package dev.agentgatewayjcp.api.inference;
