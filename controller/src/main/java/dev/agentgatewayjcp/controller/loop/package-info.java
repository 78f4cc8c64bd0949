/**
 * The translation loop: one thread that turns input snapshots into xDS cache changes and status
 * changes, so translators need no locks and outputs stay deterministic.
 */
package dev.agentgatewayjcp.controller.loop;
