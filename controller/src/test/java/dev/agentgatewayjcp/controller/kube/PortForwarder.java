package dev.agentgatewayjcp.controller.kube;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * PortForwarder relays TCP connections from a fixed loopback port to a target port that can change,
 * so a client keeps one address while the server behind it restarts on another port.
 */
final class PortForwarder implements AutoCloseable {

  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile int targetPort;

  PortForwarder(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "port-forwarder");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Sends new connections to {@code port} and drops the current ones. */
  void retarget(int port) {
    targetPort = port;
    closeConnections();
  }

  void closeConnections() {
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException ignored) {
        // Already closed.
      }
    }
    open.clear();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream;
        try {
          upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        } catch (IOException e) {
          client.close();
          continue;
        }
        open.add(client);
        open.add(upstream);
        pipe(client, upstream);
        pipe(upstream, client);
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pipe(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException ignored) {
        // One side went away; close both.
      } finally {
        try {
          from.close();
          to.close();
        } catch (IOException ignored) {
          // Nothing to do.
        }
        open.remove(from);
        open.remove(to);
      }
    }, "port-forwarder-pipe");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    server.close();
    closeConnections();
  }
}
