/**
 * Where inputs come from. A source hands complete or incremental object sets to the translation
 * loop; nothing downstream knows whether they came from a directory or from Kubernetes.
 */
package dev.agentgatewayjcp.controller.source;
