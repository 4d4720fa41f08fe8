package dev.linkwatch.sources;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The REST side of a Mastodon server: where its streaming host is, and its timelines, read raw. */
final class MastodonApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFactory FACTORY = new JsonFactory();

  private final HttpClient http;
  private final URI server;
  private final String authorization;
  private final Duration timeout;

  MastodonApi(HttpClient http, URI server, String token, Duration timeout) {
    this.http = http;
    this.server = server;
    this.authorization = "Bearer " + token;
    this.timeout = timeout;
  }

  /**
   * {@code configuration.urls.streaming} of {@code GET /api/v2/instance} (no token needed), or the API
   * host itself when the server does not say (older servers serve streaming there).
   */
  URI streamingBase() throws IOException, InterruptedException {
    HttpResponse<byte[]> r = get(server.resolve("/api/v2/instance"), false);
    if (r.statusCode() == 200) {
      JsonNode url = JSON.readTree(r.body()).path("configuration").path("urls").path("streaming");
      if (url.isTextual() && !url.asText().isBlank()) {
        return URI.create(url.asText());
      }
    } else if (r.statusCode() != 404) {
      throw new IOException("GET /api/v2/instance answered HTTP " + r.statusCode());
    }
    return server;
  }

  /**
   * One page of the stream's timeline: the Statuses with ids just above {@code minId} (at most {@code
   * limit}), oldest first, each as the server's bytes. {@code min_id}, not {@code since_id}: since_id
   * gives the newest page, which would leave a hole in a gap longer than a page.
   */
  List<byte[]> timelineAfter(String stream, String tag, String minId, int limit) throws IOException, InterruptedException {
    String path =
        stream.equals("hashtag")
            ? "/api/v1/timelines/tag/" + URLEncoder.encode(tag, StandardCharsets.UTF_8).replace("+", "%20") + "?"
            : "/api/v1/timelines/public?" + (stream.equals("public:local") ? "local=true&" : stream.equals("public:remote") ? "remote=true&" : "");
    URI uri = server.resolve(path + "min_id=" + URLEncoder.encode(minId, StandardCharsets.UTF_8) + "&limit=" + limit);
    HttpResponse<byte[]> r = get(uri, true);
    if (r.statusCode() == 401 || r.statusCode() == 403) {
      throw new TokenRejectedException(server, r.statusCode());
    }
    if (r.statusCode() != 200) {
      throw new IOException("backfill: GET " + uri.getPath() + " answered HTTP " + r.statusCode());
    }
    List<byte[]> page = elements(r.body());
    java.util.Collections.reverse(page); // the server lists newest first
    return page;
  }

  private HttpResponse<byte[]> get(URI uri, boolean authorized) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET();
    if (authorized) {
      b.header("Authorization", authorization);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** The objects of a JSON array, each as its exact bytes in {@code body}. */
  static List<byte[]> elements(byte[] body) throws IOException {
    List<byte[]> out = new ArrayList<>();
    try (JsonParser p = FACTORY.createParser(body)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw new IOException("backfill: the timeline is not a JSON array");
      }
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
        int start = (int) p.currentTokenLocation().getByteOffset();
        p.skipChildren();
        int end = (int) p.currentLocation().getByteOffset();
        out.add(Arrays.copyOfRange(body, start, end));
      }
    }
    return out;
  }

  /** {@code BASE/api/v1/streaming?stream=..[&tag=..]} with a ws or wss scheme. */
  static URI websocketUri(URI base, String stream, String tag) {
    String b = withScheme(base, "ws", "wss");
    return URI.create(
        b + "/api/v1/streaming?stream=" + URLEncoder.encode(stream, StandardCharsets.UTF_8)
            + (tag == null ? "" : "&tag=" + URLEncoder.encode(tag, StandardCharsets.UTF_8)));
  }

  /** {@code BASE/api/v1/streaming/public[/local|/remote]} or {@code hashtag?tag=..}, http or https. */
  static URI sseUri(URI base, String stream, String tag) {
    String b = withScheme(base, "http", "https");
    String path =
        switch (stream) {
          case "public:local" -> "public/local";
          case "public:remote" -> "public/remote";
          case "hashtag" -> "hashtag?tag=" + URLEncoder.encode(tag, StandardCharsets.UTF_8);
          default -> "public";
        };
    return URI.create(b + "/api/v1/streaming/" + path);
  }

  private static String withScheme(URI base, String plain, String secure) {
    String scheme = base.getScheme();
    boolean tls = scheme.equals("https") || scheme.equals("wss");
    return (tls ? secure : plain) + base.toString().substring(scheme.length()).replaceAll("/+$", "");
  }

  /** A server given as a host ({@code mastodon.social}) or a URL ({@code http://127.0.0.1:3000}). */
  static URI serverUri(String server) {
    String s = server.contains("://") ? server : "https://" + server;
    URI uri = URI.create(s.replaceAll("/+$", ""));
    if (uri.getHost() == null || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))) {
      throw new IllegalArgumentException("--server must be a host name or an http(s) URL (was " + server + ")");
    }
    return uri;
  }
}
