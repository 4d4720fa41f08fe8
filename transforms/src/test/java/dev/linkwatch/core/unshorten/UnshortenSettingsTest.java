package dev.linkwatch.core.unshorten;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UnshortenSettingsTest {

  @Test
  void defaults() {
    UnshortenSettings s = UnshortenSettings.defaults();
    assertThat(s.enabled()).isTrue();
    assertThat(s.shortenerHosts()).containsExactlyInAnyOrder(
        "bit.ly", "t.co", "ow.ly", "tinyurl.com", "goo.gl", "buff.ly", "dlvr.it", "ift.tt");
    assertThat(s.maxHops()).isEqualTo(5);
    assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.totalTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.maxInFlight()).isEqualTo(64);
    assertThat(s.cacheSize()).isEqualTo(100_000);
    assertThat(s.cacheTtl()).isEqualTo(Duration.ofHours(1));
    assertThat(s.allowLoopback()).isFalse();
    assertThat(s.allowPrivate()).isFalse();
  }

  @Test
  void withersChangeOneField() {
    UnshortenSettings d = UnshortenSettings.defaults();
    assertThat(d.withEnabled(false).enabled()).isFalse();
    assertThat(d.withShortenerHosts(Set.of(" Example.COM. ")).shortenerHosts()).containsExactly("example.com");
    assertThat(d.withMaxHops(7).maxHops()).isEqualTo(7);
    assertThat(d.withConnectTimeout(Duration.ofMillis(5)).connectTimeout()).isEqualTo(Duration.ofMillis(5));
    assertThat(d.withTotalTimeout(Duration.ofMillis(9)).totalTimeout()).isEqualTo(Duration.ofMillis(9));
    assertThat(d.withMaxInFlight(3).maxInFlight()).isEqualTo(3);
    assertThat(d.withCacheSize(0).cacheSize()).isZero();
    assertThat(d.withCacheTtl(Duration.ofMinutes(1)).cacheTtl()).isEqualTo(Duration.ofMinutes(1));
    assertThat(d.withAllowLoopback(true).allowLoopback()).isTrue();
    assertThat(d.withAllowPrivate(true).allowPrivate()).isTrue();
    assertThat(d.withMaxHops(7).withMaxHops(5)).isEqualTo(d);
  }

  @Test
  void validationNamesTheField() {
    UnshortenSettings d = UnshortenSettings.defaults();
    assertThatThrownBy(() -> d.withMaxHops(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxHops");
    assertThatThrownBy(() -> d.withMaxHops(21)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxHops");
    assertThatThrownBy(() -> d.withConnectTimeout(Duration.ZERO)).hasMessageContaining("connectTimeout");
    assertThatThrownBy(() -> d.withConnectTimeout(null)).hasMessageContaining("connectTimeout");
    assertThatThrownBy(() -> d.withTotalTimeout(Duration.ofSeconds(-1))).hasMessageContaining("totalTimeout");
    assertThatThrownBy(() -> d.withMaxInFlight(0)).hasMessageContaining("maxInFlight");
    assertThatThrownBy(() -> d.withCacheSize(-1)).hasMessageContaining("cacheSize");
    assertThatThrownBy(() -> d.withCacheTtl(Duration.ZERO)).hasMessageContaining("cacheTtl");
    assertThatThrownBy(() -> d.withShortenerHosts(null)).hasMessageContaining("shortenerHosts");
    assertThatThrownBy(() -> d.withShortenerHosts(Set.of(" "))).hasMessageContaining("shortenerHosts");
  }

  @Test
  void serializableRoundTrip() throws Exception {
    UnshortenSettings s = UnshortenSettings.defaults().withMaxHops(3);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(s);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertThat(in.readObject()).isEqualTo(s);
    }
  }

  @Test
  void trustedOriginsMatchExactlySchemeHostAndPort() {
    UnshortenSettings d = UnshortenSettings.defaults();
    assertThat(d.trustedOrigins()).isEmpty();
    assertThat(d.isTrusted(java.net.URI.create("http://127.0.0.1:8080/x"))).isFalse();
    UnshortenSettings t = d.withTrustedOrigins(Set.of("HTTP://127.0.0.1:8080", "https://[::1]/"));
    assertThat(t.trustedOrigins()).containsExactlyInAnyOrder("http://127.0.0.1:8080", "https://[::1]:443");
    assertThat(t.isTrusted(java.net.URI.create("http://127.0.0.1:8080/any/path?q=1"))).isTrue();
    assertThat(t.isTrusted(java.net.URI.create("https://[::1]:443/x"))).isTrue();
    assertThat(t.isTrusted(java.net.URI.create("http://127.0.0.1:8081/x"))).as("other port").isFalse();
    assertThat(t.isTrusted(java.net.URI.create("https://127.0.0.1:8080/x"))).as("other scheme").isFalse();
    assertThat(t.isTrusted(java.net.URI.create("http://127.0.0.1/x"))).as("default port").isFalse();
    assertThat(t.isTrusted(java.net.URI.create("http://u@127.0.0.1:8080/x"))).as("userinfo").isFalse();
    assertThat(t.isTrusted(java.net.URI.create("http://localhost:8080/x"))).as("other name").isFalse();
    assertThatThrownBy(() -> d.withTrustedOrigins(Set.of("127.0.0.1:8080"))).hasMessageContaining("trustedOrigins");
    assertThatThrownBy(() -> d.withTrustedOrigins(Set.of("http://h:1/path"))).hasMessageContaining("trustedOrigins");
    assertThatThrownBy(() -> d.withTrustedOrigins(Set.of("http://u@h:1"))).hasMessageContaining("trustedOrigins");
  }
}
