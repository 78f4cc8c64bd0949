package dev.agentgatewayjcp.translator.output;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import dev.agentgatewayjcp.api.discovery.Resource;
import dev.agentgatewayjcp.api.workload.Address;
import dev.agentgatewayjcp.api.wire.TypeUrls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * XdsResource holds one named xDS payload with a version that is a hash of its content.
 *
 * <p>The payload is serialized deterministically once, at construction, so two replicas (or two
 * translations) of the same input agree on the version and a reconnecting proxy that already
 * holds it is not sent it again. The xDS envelope is built once too and reused for every proxy.
 */
public final class XdsResource {

  private final String typeUrl;
  private final String name;
  private final Message message;
  private final String version;
  private final Resource envelope;

  private XdsResource(String typeUrl, String name, Message message) {
    this.typeUrl = Objects.requireNonNull(typeUrl, "typeUrl");
    this.name = Objects.requireNonNull(name, "name");
    this.message = Objects.requireNonNull(message, "message");
    ByteString bytes = deterministicBytes(message);
    this.version = contentHash(bytes);
    this.envelope =
        Resource.newBuilder()
            .setName(name)
            .setVersion(version)
            .setResource(Any.newBuilder().setTypeUrl(typeUrl).setValue(bytes).build())
            .build();
  }

  /** An agentgateway Resource (bind, listener, route, backend, policy or tcp_route). */
  public static XdsResource of(String name, dev.agentgatewayjcp.api.resource.Resource resource) {
    return new XdsResource(TypeUrls.RESOURCE, name, resource);
  }

  /** An Address entry: name is the workload uid or {@code namespace/hostname} of a service. */
  public static XdsResource of(String name, Address address) {
    return new XdsResource(TypeUrls.ADDRESS, name, address);
  }

  public String typeUrl() {
    return typeUrl;
  }

  public String name() {
    return name;
  }

  public Message message() {
    return message;
  }

  /** A 64-bit content hash of the deterministic serialization, in hex. */
  public String version() {
    return version;
  }

  /** The wire envelope: name, version and the payload as an Any. */
  public Resource envelope() {
    return envelope;
  }

  /** Serialized size of the envelope, for push accounting. */
  public int serializedSize() {
    return envelope.getSerializedSize();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof XdsResource other
        && typeUrl.equals(other.typeUrl)
        && name.equals(other.name)
        && version.equals(other.version);
  }

  @Override
  public int hashCode() {
    return Objects.hash(typeUrl, name, version);
  }

  @Override
  public String toString() {
    return name + "@" + version;
  }

  private static ByteString deterministicBytes(Message message) {
    // Java protobuf does not promise a stable order for map fields unless asked to.
    try {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream(message.getSerializedSize());
      CodedOutputStream out = CodedOutputStream.newInstance(buffer);
      out.useDeterministicSerialization();
      message.writeTo(out);
      out.flush();
      return ByteString.copyFrom(buffer.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String contentHash(ByteString bytes) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] digest = sha.digest(bytes.toByteArray());
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM provides SHA-256", e);
    }
  }
}
