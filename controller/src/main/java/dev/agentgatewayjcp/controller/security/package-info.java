/**
 * Secures the xDS server: the certificate authority and the serving certificate of its TLS port,
 * and the authentication of proxies by service-account token and their authorisation to one
 * Gateway.
 */
package dev.agentgatewayjcp.controller.security;
