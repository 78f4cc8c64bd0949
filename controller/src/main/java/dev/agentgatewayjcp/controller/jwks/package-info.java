/** Fetching the JSON Web Key Sets that RequestAuthentication rules name, safely and with refresh. */
package dev.agentgatewayjcp.controller.jwks;
