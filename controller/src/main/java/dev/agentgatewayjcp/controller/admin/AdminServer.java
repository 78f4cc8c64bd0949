package dev.agentgatewayjcp.controller.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.agentgatewayjcp.api.wire.TypeUrls;
import dev.agentgatewayjcp.controller.xds.DeltaAdsService;
import dev.agentgatewayjcp.controller.xds.XdsCache;
import dev.agentgatewayjcp.translator.TranslationResult;
import dev.agentgatewayjcp.translator.output.GatewayKey;
import dev.agentgatewayjcp.translator.output.ReadableProto;
import dev.agentgatewayjcp.translator.output.XdsResource;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * AdminServer serves {@code /healthz}, {@code /readyz}, {@code /metrics} and the {@code /debug}
 * endpoints over plain HTTP.
 *
 * <p>The debug endpoints show configuration as proxies receive it, which includes private keys of
 * HTTPS listeners; bind this port to loopback or protect it with a NetworkPolicy.
 */
public final class AdminServer implements AutoCloseable {

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .setSerializationInclusion(JsonInclude.Include.NON_EMPTY);

  private final HttpServer server;

  public AdminServer(
      InetSocketAddress address,
      PrometheusRegistry registry,
      XdsCache cache,
      DeltaAdsService ads,
      java.util.function.Supplier<TranslationResult> lastTranslation,
      BooleanSupplier ready)
      throws IOException {
    server = HttpServer.create(address, 0);
    server.setExecutor(Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "admin-http");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/healthz", ex -> respond(ex, 200, "text/plain", "ok\n"));
    server.createContext("/readyz", ex -> {
      boolean isReady = ready.getAsBoolean();
      respond(ex, isReady ? 200 : 503, "text/plain", isReady ? "ready\n" : "not ready\n");
    });
    server.createContext("/metrics", ex -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
      respond(ex, 200, PrometheusTextFormatWriter.CONTENT_TYPE, out.toString(StandardCharsets.UTF_8));
    });
    server.createContext("/debug/config_dump", ex -> {
      String gateway = query(ex).get("gateway");
      if (gateway == null) {
        json(ex, 200, Map.of("gateways", cache.gateways().stream().map(GatewayKey::toString).sorted().toList()));
        return;
      }
      GatewayKey key;
      try {
        key = GatewayKey.parse(gateway);
      } catch (IllegalArgumentException e) {
        json(ex, 400, Map.of("error", e.getMessage()));
        return;
      }
      Map<String, Object> dump = new LinkedHashMap<>();
      dump.put("gateway", key.toString());
      dump.put("resources", render(cache.view(key, TypeUrls.RESOURCE)));
      dump.put("addresses", render(cache.view(key, TypeUrls.ADDRESS)));
      json(ex, 200, dump);
    });
    server.createContext("/debug/connections", ex -> json(ex, 200, ads.connections()));
    server.createContext("/debug/status", ex -> {
      TranslationResult last = lastTranslation.get();
      Map<String, Object> body = new LinkedHashMap<>();
      if (last != null) {
        Map<String, Object> statuses = new LinkedHashMap<>();
        last.statuses().forEach((ref, status) -> statuses.put(ref.toString(), status));
        body.put("statuses", statuses);
        List<String> diagnostics = new ArrayList<>();
        last.diagnostics().forEach(d -> diagnostics.add(d.severity() + " " + d.object() + ": " + d.message()));
        body.put("diagnostics", diagnostics);
      }
      json(ex, 200, body);
    });
  }

  private static List<Map<String, Object>> render(Map<String, XdsResource> view) {
    List<Map<String, Object>> out = new ArrayList<>();
    new TreeMap<>(view).forEach((name, r) -> {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", name);
      entry.put("version", r.version());
      entry.put("resource", ReadableProto.toMap(r.message()));
      out.add(entry);
    });
    return out;
  }

  public AdminServer start() {
    server.start();
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static Map<String, String> query(HttpExchange ex) {
    Map<String, String> params = new LinkedHashMap<>();
    String raw = ex.getRequestURI().getRawQuery();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          params.put(
              URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return params;
  }

  private static void json(HttpExchange ex, int code, Object body) throws IOException {
    respond(ex, code, "application/json", JSON.writeValueAsString(body) + "\n");
  }

  private static void respond(HttpExchange ex, int code, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
