/**
 * Incremental recomputation: an engine that applies input changes, re-runs only the affected
 * per-object translations and reports the exact output delta.
 */
package dev.agentgatewayjcp.translator.engine;
