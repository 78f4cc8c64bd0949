package dev.agentgatewayjcp.controller.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * CertificateAuthority is the xDS server's own CA: a self-signed ECDSA P-256 certificate and key
 * that signs the server's short-lived serving certificates and that proxies trust through
 * {@code XDS_ROOT_CA}.
 *
 * <p>BouncyCastle only builds and encodes the certificates; keys and signatures come from the
 * JDK's providers, so no security provider is registered.
 */
public final class CertificateAuthority {

  /** How long a generated CA is valid. Proxies read the bundle at startup only, so it is long. */
  public static final Duration CA_VALIDITY = Duration.ofDays(3650);
  /** Back-dating of every certificate, against clock skew between controller and proxies. */
  private static final Duration BACKDATE = Duration.ofMinutes(5);
  private static final String SIGNATURE = "SHA256withECDSA";
  private static final Pattern IP_LITERAL = Pattern.compile("^[0-9.]+$|^[0-9a-fA-F:]*:[0-9a-fA-F:.]*$");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate certificate;
  private final PrivateKey key;

  private CertificateAuthority(X509Certificate certificate, PrivateKey key) {
    this.certificate = certificate;
    this.key = key;
  }

  /** Generates a new CA valid from now for {@link #CA_VALIDITY}. */
  public static CertificateAuthority generate(String commonName, Clock clock) {
    KeyPair pair = newKeyPair();
    Instant now = clock.instant();
    X500Name subject = new X500Name("CN=" + commonName + ",O=agentgateway-jcp");
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
          subject, serial(), Date.from(now.minus(BACKDATE)), Date.from(now.plus(CA_VALIDITY)), subject, pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(pair.getPublic()));
      return new CertificateAuthority(sign(builder, pair.getPrivate()), pair.getPrivate());
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot generate the xDS CA", e);
    }
  }

  /** Reads a CA from its PEM certificate and PEM private key (PKCS#8 or SEC1). */
  public static CertificateAuthority fromPem(String certificatePem, String keyPem) {
    X509Certificate certificate = parseCertificates(certificatePem).get(0);
    PrivateKey key = parsePrivateKey(keyPem);
    if (certificate.getBasicConstraints() < 0) {
      throw new IllegalArgumentException("the xDS CA certificate is not a CA (basicConstraints)");
    }
    return new CertificateAuthority(certificate, key);
  }

  /**
   * Issues a serving certificate for the given host names and IP addresses.
   *
   * @param names DNS names and IP literals; at least one
   */
  public ServingCertificate issueServing(List<String> names, Duration validity, Clock clock) {
    if (names.isEmpty()) {
      throw new IllegalArgumentException("a serving certificate needs at least one name");
    }
    KeyPair pair = newKeyPair();
    Instant now = clock.instant();
    Instant notAfter = now.plus(validity);
    if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
      notAfter = certificate.getNotAfter().toInstant();
    }
    List<GeneralName> sans = new ArrayList<>();
    for (String name : names) {
      sans.add(isIpLiteral(name)
          ? new GeneralName(GeneralName.iPAddress, name)
          : new GeneralName(GeneralName.dNSName, name));
    }
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
          certificate, serial(), Date.from(now.minus(BACKDATE)), Date.from(notAfter),
          new X500Name("CN=" + names.get(0) + ",O=agentgateway-jcp"), pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
          .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)))
          .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(certificate));
      return new ServingCertificate(sign(builder, key), pair.getPrivate(), certificate);
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue the xDS serving certificate", e);
    }
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** The CA certificate as PEM: the trust bundle proxies mount. */
  public String certificatePem() {
    return toPem(certificate);
  }

  /** The private key as PEM (PKCS#8). Only ever written to the CA Secret or CA directory. */
  public String privateKeyPem() {
    return toPem(key);
  }

  /** A serving certificate and its key, with the CA that issued it. */
  public record ServingCertificate(X509Certificate certificate, PrivateKey key, X509Certificate issuer) {
    public Instant notAfter() {
      return certificate.getNotAfter().toInstant();
    }

    public Instant notBefore() {
      return certificate.getNotBefore().toInstant();
    }
  }

  static String toPem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object instanceof PrivateKey k
          ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null).generate()
          : object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** Every certificate in a PEM bundle, in order. */
  public static List<X509Certificate> parseCertificates(String pem) {
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      List<X509Certificate> result = new ArrayList<>();
      for (var c : factory.generateCertificates(new ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)))) {
        result.add((X509Certificate) c);
      }
      if (result.isEmpty()) {
        throw new IllegalArgumentException("no certificate in PEM");
      }
      return result;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot parse certificate PEM: " + e.getMessage(), e);
    }
  }

  static PrivateKey parsePrivateKey(String pem) {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object object = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (object instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      if (object instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      throw new IllegalArgumentException("no private key in PEM");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot parse private key PEM: " + e.getMessage(), e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
      throws OperatorCreationException, GeneralSecurityException, IOException {
    ContentSigner contentSigner = new JcaContentSignerBuilder(SIGNATURE).build(signer);
    byte[] der = builder.build(contentSigner).getEncoded();
    return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no ECDSA P-256 in this JDK", e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }

  /** True for IP literals, which go into IP SANs (agentgateway verifies an IP target against them). */
  static boolean isIpLiteral(String name) {
    if (!IP_LITERAL.matcher(name).matches()) {
      return false;
    }
    try {
      InetAddress.getByName(name);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
