/** Cross-namespace reference checks (ReferenceGrant). */
package dev.agentgatewayjcp.translator.reference;
