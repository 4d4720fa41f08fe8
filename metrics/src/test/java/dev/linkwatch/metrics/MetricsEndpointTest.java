package dev.linkwatch.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The endpoint on loopback, scraped over HTTP as Prometheus does. */
class MetricsEndpointTest {
  private static HttpResponse<String> get(URI url) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void eachScrapeAsksForTheSamplesAsTheyAreNow() throws Exception {
    AtomicLong n = new AtomicLong();
    try (MetricsEndpoint e = MetricsEndpoint.start("127.0.0.1", 0,
        m -> m.add("x_total", "counter", "Scrapes so far.", n.incrementAndGet(), "who", "a \"quoted\"\nname"))) {
      assertThat(e.url().toString()).startsWith("http://127.0.0.1:").endsWith("/metrics");
      HttpResponse<String> first = get(e.url());
      assertThat(first.statusCode()).isEqualTo(200);
      assertThat(first.headers().firstValue("Content-Type")).hasValue(MetricsText.CONTENT_TYPE);
      assertThat(first.body()).isEqualTo(
          "# HELP x_total Scrapes so far.\n# TYPE x_total counter\nx_total{who=\"a \\\"quoted\\\"\\nname\"} 1\n");
      assertThat(get(e.url()).body()).endsWith("} 2\n");
      assertThat(get(e.url().resolve("/")).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void aFailingScrapeIsA500AndTheNextOneWorks() throws Exception {
    AtomicLong n = new AtomicLong();
    try (MetricsEndpoint e = MetricsEndpoint.start("127.0.0.1", 0, m -> {
      if (n.incrementAndGet() == 1) {
        throw new IllegalStateException("not yet");
      }
      m.add("up", "gauge", "Up.", 1);
    })) {
      HttpResponse<String> failed = get(e.url());
      assertThat(failed.statusCode()).isEqualTo(500);
      assertThat(failed.body()).contains("not yet");
      assertThat(get(e.url()).body()).isEqualTo("# HELP up Up.\n# TYPE up gauge\nup 1\n");
    }
  }

  @Test
  void wholeNumbersUpToTwoToThe53PrintExactly() {
    assertThat(MetricsText.number(1_733_000_000_123_456d)).isEqualTo("1733000000123456");
    assertThat(MetricsText.number(0.5)).isEqualTo("0.5");
    assertThat(MetricsText.number(-1)).isEqualTo("-1");
  }
}
