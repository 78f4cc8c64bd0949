package dev.agentgatewayjcp.controller.xds;

import io.grpc.Metadata;
import io.grpc.Status;

/**
 * XdsAuthenticator decides whether a stream may receive the configuration of the Gateway its node
 * names.
 *
 * <p>It runs once per stream, on the first request that carries a node. Implementations must not
 * block for long: they run on a gRPC thread.
 */
@FunctionalInterface
public interface XdsAuthenticator {

  /** Allows every stream: plaintext, identity taken from node metadata only (file mode, loopback). */
  XdsAuthenticator ALLOW_ALL = (identity, headers) -> Status.OK;

  /**
   * Returns {@link Status#OK} to accept the stream, or the status to close it with (typically
   * UNAUTHENTICATED or PERMISSION_DENIED).
   */
  Status authenticate(ProxyIdentity identity, Metadata headers);
}
