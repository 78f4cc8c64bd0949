package dev.agentgatewayjcp.api.gatewayx;

import dev.agentgatewayjcp.api.extension.ModelPart;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicyValidation;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SecretObjectReference;

/** XBackendSpec is the spec of an XBackend: its type, port, destination, protocol and TLS. */
public class XBackendSpec extends ModelPart {
  /** Only {@code ExternalHostname} exists upstream. */
  public String type;
  public Port port;
  public ExternalHostname externalHostname;
  /** TCP, HTTP, HTTP2, HTTP11, H2C, MCP or GRPC; unset means as the route decides. */
  public String protocol;
  public Tls tls;

  /** Port is the port to connect to. */
  public static class Port extends ModelPart {
    public String name;
    public Integer port;
  }

  /** ExternalHostname names the destination by DNS name. */
  public static class ExternalHostname extends ModelPart {
    public String hostname;
  }

  /** Tls is how to originate TLS to the backend. */
  public static class Tls extends ModelPart {
    /** None, ServerOnly or ClientAndServer. */
    public String mode;
    public SecretObjectReference clientCertificateRef;
    public BackendTLSPolicyValidation validation;
  }
}
