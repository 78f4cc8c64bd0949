package dev.agentgatewayjcp.controller.security;

import dev.agentgatewayjcp.controller.security.CertificateAuthority.ServingCertificate;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ServingCertificates is the key manager of the xDS TLS port: it serves a short-lived certificate
 * issued by the {@link CertificateAuthority} and swaps in a new one at half its lifetime, without
 * restarting the server. Handshakes read the current certificate; existing connections keep theirs.
 */
public final class ServingCertificates extends X509ExtendedKeyManager {

  private static final Logger LOG = LoggerFactory.getLogger(ServingCertificates.class);
  private static final String ALIAS = "xds";

  private final CertificateAuthority ca;
  private final List<String> names;
  private final Duration validity;
  private final Clock clock;
  private volatile ServingCertificate current;

  /**
   * @param names DNS names and IP literals the certificate must cover: every host proxies put in
   *     {@code XDS_ADDRESS}
   * @param validity lifetime of each serving certificate (24 hours by default)
   */
  public ServingCertificates(CertificateAuthority ca, List<String> names, Duration validity, Clock clock) {
    this.ca = ca;
    this.names = List.copyOf(names);
    this.validity = validity;
    this.clock = clock;
    this.current = ca.issueServing(this.names, validity, clock);
  }

  /** Issues a new certificate if the current one has lived half its lifetime; returns true if it did. */
  public boolean renewIfDue() {
    ServingCertificate now = current;
    Instant start = now.notBefore();
    Instant halfLife = start.plus(Duration.between(start, now.notAfter()).dividedBy(2));
    if (clock.instant().isBefore(halfLife)) {
      return false;
    }
    current = ca.issueServing(names, validity, clock);
    LOG.info("renewed the xDS serving certificate; valid until {}", current.notAfter());
    return true;
  }

  public ServingCertificate current() {
    return current;
  }

  public List<String> names() {
    return names;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return alias(keyType);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return alias(keyType);
  }

  /** The key is ECDSA: offering it for an RSA suite would fail the handshake. */
  private static String alias(String keyType) {
    return keyType != null && keyType.startsWith("EC") ? ALIAS : null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    ServingCertificate c = current;
    return new X509Certificate[] {c.certificate(), c.issuer()};
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return current.key();
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return alias(keyType) == null ? new String[0] : new String[] {ALIAS};
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return new String[0];
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
