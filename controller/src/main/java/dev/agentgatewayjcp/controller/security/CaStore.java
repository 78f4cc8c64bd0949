package dev.agentgatewayjcp.controller.security;

/** CaStore keeps the xDS CA where every replica and restart finds the same one. */
public interface CaStore {

  /**
   * Returns the stored CA, creating and storing a new one if there is none. Safe to call from
   * several replicas at once: all of them end up with the CA that was stored first.
   */
  CertificateAuthority loadOrCreate();
}
