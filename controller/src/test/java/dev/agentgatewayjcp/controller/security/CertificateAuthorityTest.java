package dev.agentgatewayjcp.controller.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentgatewayjcp.controller.security.CertificateAuthority.ServingCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path dir;

  @Test
  void servingCertificateChainsToTheCaAndNamesEveryHost() throws Exception {
    CertificateAuthority ca = CertificateAuthority.generate("test", Clock.fixed(T0, ZoneOffset.UTC));
    ServingCertificate serving = ca.issueServing(
        List.of("agentgateway-jcp.ns.svc", "localhost", "127.0.0.1", "::1"), Duration.ofHours(24), Clock.fixed(T0, ZoneOffset.UTC));
    X509Certificate leaf = serving.certificate();
    leaf.verify(ca.certificate().getPublicKey());
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(leaf.getSubjectAlternativeNames()).extracting(san -> san.get(0) + "=" + san.get(1)).containsExactly(
        "2=agentgateway-jcp.ns.svc", "2=localhost", "7=127.0.0.1", "7=0:0:0:0:0:0:0:1");
    assertThat(Duration.between(serving.notBefore(), serving.notAfter())).isEqualTo(Duration.ofHours(24).plusMinutes(5));
    assertThat(ca.certificate().getBasicConstraints()).isZero();
  }

  @Test
  void pemRoundTripKeepsTheSameCa() throws Exception {
    CertificateAuthority ca = CertificateAuthority.generate("test", Clock.systemUTC());
    CertificateAuthority read = CertificateAuthority.fromPem(ca.certificatePem(), ca.privateKeyPem());
    assertThat(read.certificatePem()).isEqualTo(ca.certificatePem());
    // The key read back signs certificates the original certificate verifies.
    read.issueServing(List.of("x"), Duration.ofHours(1), Clock.systemUTC()).certificate()
        .verify(ca.certificate().getPublicKey());
    assertThat(ca.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
  }

  @Test
  void aLeafIsNotAcceptedAsCa() {
    CertificateAuthority ca = CertificateAuthority.generate("test", Clock.systemUTC());
    ServingCertificate leaf = ca.issueServing(List.of("x"), Duration.ofHours(1), Clock.systemUTC());
    assertThatThrownBy(() -> CertificateAuthority.fromPem(CertificateAuthority.toPem(leaf.certificate()), CertificateAuthority.toPem(leaf.key())))
        .hasMessageContaining("not a CA");
  }

  @Test
  void servingCertificatesAreRenewedAtHalfLife() {
    AtomicReference<Instant> now = new AtomicReference<>(T0);
    Clock clock = new Clock() {
      @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
      @Override public Clock withZone(java.time.ZoneId zone) { return this; }
      @Override public Instant instant() { return now.get(); }
    };
    CertificateAuthority ca = CertificateAuthority.generate("test", clock);
    ServingCertificates certificates = new ServingCertificates(ca, List.of("localhost"), Duration.ofHours(24), clock);
    X509Certificate first = certificates.current().certificate();
    now.set(T0.plus(Duration.ofHours(11)));
    assertThat(certificates.renewIfDue()).isFalse();
    assertThat(certificates.getCertificateChain("xds")[0]).isSameAs(first);
    now.set(T0.plus(Duration.ofHours(12)));
    assertThat(certificates.renewIfDue()).isTrue();
    assertThat(certificates.getCertificateChain("xds")[0]).isNotSameAs(first);
    assertThat(certificates.getCertificateChain("xds")[1]).isEqualTo(ca.certificate());
    // Only ECDSA suites get the key.
    assertThat(certificates.chooseEngineServerAlias("EC", null, null)).isEqualTo("xds");
    assertThat(certificates.chooseEngineServerAlias("RSA", null, null)).isNull();
  }

  @Test
  void theDirectoryStoreCreatesOnceAndThenReuses() throws Exception {
    Path caDir = dir.resolve("ca");
    DirectoryCaStore store = new DirectoryCaStore(caDir, Clock.systemUTC());
    String first = store.loadOrCreate().certificatePem();
    assertThat(new DirectoryCaStore(caDir, Clock.systemUTC()).loadOrCreate().certificatePem()).isEqualTo(first);
    assertThat(Files.readString(store.certificateFile())).isEqualTo(first);
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(caDir.resolve("ca.key"))))
        .isEqualTo("rw-------");
  }
}
