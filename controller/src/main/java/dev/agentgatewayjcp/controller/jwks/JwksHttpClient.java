package dev.agentgatewayjcp.controller.jwks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * JwksHttpClient makes the key fetcher's GET requests: HTTP/1.1, one connection per request, to an
 * address it resolved and checked itself, so a name cannot resolve to one address when checked
 * and another when dialled.
 *
 * <p>Every request has one deadline for connecting, the TLS handshake and the whole response, so
 * a server that trickles bytes cannot hold a fetch slot. Bodies above the size cap are refused
 * while reading. Redirects are followed (at most three), each checked as the original was.
 * Error messages never quote the response, because they end up in Events and logs.
 */
public final class JwksHttpClient {

  /** A fetch that failed; the message says why, for a report. */
  public static final class FetchException extends Exception {
    public FetchException(String message) {
      super(message);
    }
  }

  private static final int MAX_REDIRECTS = 3;
  private static final int MAX_LINE_BYTES = 16 * 1024;
  private static final int MAX_HEADERS = 100;

  private final JwksFetchSettings settings;

  public JwksHttpClient(JwksFetchSettings settings) {
    this.settings = settings;
  }

  /** GETs {@code uri} and returns the body as UTF-8 text. */
  public String get(URI uri) throws FetchException {
    URI current = uri;
    for (int redirects = 0; ; redirects++) {
      Response r = once(current);
      if (r.status >= 300 && r.status < 400 && r.status != 304 && r.location != null) {
        if (redirects == MAX_REDIRECTS) {
          throw new FetchException("more than " + MAX_REDIRECTS + " redirects from " + uri);
        }
        try {
          current = current.resolve(r.location);
        } catch (IllegalArgumentException e) {
          throw new FetchException("invalid redirect location from " + current);
        }
        continue;
      }
      if (r.status != 200) {
        throw new FetchException("HTTP " + r.status + " from " + current);
      }
      return new String(r.body, StandardCharsets.UTF_8);
    }
  }

  private record Response(int status, String location, byte[] body) {}

  private Response once(URI uri) throws FetchException {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean tls = scheme.equals("https");
    if (!tls && !(scheme.equals("http") && settings.allowHttp())) {
      throw new FetchException(scheme.equals("http")
          ? "plain http is refused (" + uri + "); use https or set --jwks-allow-http"
          : "not an https URI: " + uri);
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new FetchException("no host in " + uri);
    }
    if (uri.getRawUserInfo() != null) {
      throw new FetchException("user info in URIs is not supported: " + uri.getHost());
    }
    String bareHost = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80;
    long deadline = System.nanoTime() + settings.timeout().toNanos();
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(bareHost);
    } catch (UnknownHostException e) {
      throw new FetchException("cannot resolve " + bareHost);
    }
    // Refuse if any address is refused: a name with one public and one internal address would
    // otherwise reach the internal one whenever the public one fails.
    for (InetAddress a : addresses) {
      String refusal = settings.addressRules().refusal(a);
      if (refusal != null) {
        throw new FetchException("refused " + uri.getHost() + ": " + refusal);
      }
    }
    IOException last = null;
    for (InetAddress a : addresses) {
      Socket socket = new Socket();
      try {
        socket.connect(new InetSocketAddress(a, port), remainingMillis(deadline, uri));
        return exchange(socket, uri, bareHost, port, tls, deadline);
      } catch (SocketTimeoutException e) {
        closeQuietly(socket);
        throw new FetchException("timed out after " + settings.timeout().toMillis() + " ms fetching " + uri);
      } catch (SSLException e) {
        closeQuietly(socket);
        throw new FetchException("TLS with " + bareHost + ":" + port + " failed: " + e.getMessage());
      } catch (IOException e) {
        closeQuietly(socket);
        last = e;
      }
    }
    throw new FetchException("cannot fetch " + uri + ": " + (last == null ? "no address" : last.getMessage()));
  }

  private Response exchange(Socket plain, URI uri, String host, int port, boolean tls, long deadline)
      throws IOException, FetchException {
    Socket socket = plain;
    if (tls) {
      SSLSocket ssl = (SSLSocket) settings.sslContext().getSocketFactory().createSocket(plain, host, port, true);
      SSLParameters params = ssl.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS");
      if (!host.contains(":") && !host.matches("[0-9.]+")) {
        params.setServerNames(List.of(new SNIHostName(host)));
      }
      ssl.setSSLParameters(params);
      ssl.setSoTimeout(remainingMillis(deadline, uri));
      ssl.startHandshake();
      socket = ssl;
    }
    try (Socket s = socket) {
      String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      if (uri.getRawQuery() != null) {
        path += "?" + uri.getRawQuery();
      }
      boolean defaultPort = uri.getPort() < 0;
      String hostHeader = (host.contains(":") ? "[" + host + "]" : host) + (defaultPort ? "" : ":" + port);
      String request = "GET " + path + " HTTP/1.1\r\nHost: " + hostHeader
          + "\r\nAccept: application/json\r\nUser-Agent: agentgateway-jcp\r\nConnection: close\r\n\r\n";
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return read(new DeadlineInput(s, deadline, uri), uri);
    }
  }

  private Response read(DeadlineInput in, URI uri) throws IOException, FetchException {
    String statusLine = in.line();
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new FetchException("not an HTTP/1.x response from " + uri);
    }
    int status;
    try {
      status = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new FetchException("not an HTTP/1.x response from " + uri);
    }
    Map<String, String> headers = new HashMap<>();
    int count = 0;
    for (String line = in.line(); !line.isEmpty(); line = in.line()) {
      if (++count > MAX_HEADERS) {
        throw new FetchException("too many response headers from " + uri.getHost());
      }
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers.merge(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip(),
            (a, b) -> a + "," + b);
      }
    }
    if (status != 200) {
      return new Response(status, headers.get("location"), new byte[0]);
    }
    long max = settings.maxResponseBytes();
    String tooLarge = "response from " + uri + " is larger than " + max + " bytes";
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    String encoding = headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT);
    if (encoding.contains("chunked")) {
      while (true) {
        String size = in.line();
        int semi = size.indexOf(';');
        long n;
        try {
          n = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).strip(), 16);
        } catch (NumberFormatException e) {
          throw new FetchException("malformed chunked response from " + uri);
        }
        if (n == 0) {
          break;
        }
        if (n < 0 || body.size() + n > max) {
          throw new FetchException(tooLarge);
        }
        in.copy(body, n);
        in.line();
      }
    } else if (headers.containsKey("content-length")) {
      long n;
      try {
        n = Long.parseLong(headers.get("content-length").split(",")[0].strip());
      } catch (NumberFormatException e) {
        throw new FetchException("malformed Content-Length from " + uri);
      }
      if (n < 0 || n > max) {
        throw new FetchException(tooLarge);
      }
      in.copy(body, n);
    } else {
      if (!in.copyToEnd(body, max)) {
        throw new FetchException(tooLarge);
      }
    }
    return new Response(status, null, body.toByteArray());
  }

  private int remainingMillis(long deadline, URI uri) throws FetchException {
    long left = (deadline - System.nanoTime()) / 1_000_000;
    if (left <= 0) {
      throw new FetchException("timed out after " + settings.timeout().toMillis() + " ms fetching " + uri);
    }
    return (int) Math.min(Integer.MAX_VALUE, left);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // Nothing to do: the fetch already failed.
    }
  }

  /** Reads a socket with the request's deadline applied to every read. */
  private final class DeadlineInput {
    private final Socket socket;
    private final InputStream in;
    private final long deadline;
    private final URI uri;

    DeadlineInput(Socket socket, long deadline, URI uri) throws IOException {
      this.socket = socket;
      this.in = new java.io.BufferedInputStream(socket.getInputStream());
      this.deadline = deadline;
      this.uri = uri;
    }

    private int read(byte[] buf, int off, int len) throws IOException, FetchException {
      socket.setSoTimeout(remainingMillis(deadline, uri));
      try {
        return in.read(buf, off, len);
      } catch (SocketTimeoutException e) {
        throw new FetchException("timed out after " + settings.timeout().toMillis() + " ms fetching " + uri);
      }
    }

    private int read() throws IOException, FetchException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    /** One CRLF-terminated line of the status line, headers or chunk framing. */
    String line() throws IOException, FetchException {
      StringBuilder sb = new StringBuilder();
      while (true) {
        int c = read();
        if (c < 0) {
          throw new FetchException("connection closed early by " + uri.getHost());
        }
        if (sb.length() > MAX_LINE_BYTES) {
          throw new FetchException("a response line from " + uri.getHost() + " is too long");
        }
        if (c == '\n') {
          int len = sb.length();
          return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
        }
        sb.append((char) c);
      }
    }

    void copy(ByteArrayOutputStream out, long n) throws IOException, FetchException {
      byte[] buf = new byte[8192];
      long left = n;
      while (left > 0) {
        int r = read(buf, 0, (int) Math.min(buf.length, left));
        if (r < 0) {
          throw new FetchException("connection closed early by " + uri.getHost());
        }
        out.write(buf, 0, r);
        left -= r;
      }
    }

    /** Copies until the server closes; false when more than {@code max} bytes come. */
    boolean copyToEnd(ByteArrayOutputStream out, long max) throws IOException, FetchException {
      byte[] buf = new byte[8192];
      while (true) {
        int r = read(buf, 0, buf.length);
        if (r < 0) {
          return true;
        }
        if (out.size() + r > max) {
          return false;
        }
        out.write(buf, 0, r);
      }
    }
  }
}
