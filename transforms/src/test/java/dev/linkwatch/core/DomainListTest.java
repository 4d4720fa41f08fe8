package dev.linkwatch.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DomainListTest {

  private final DomainList list =
      DomainList.of(Arrays.asList("Spotify.COM", "itun.es.", "twitter.com", " ", null, "co.uk"));

  @Test
  void matchesHostAndParentsOnly() {
    assertThat(list.contains("spotify.com")).isTrue();
    assertThat(list.contains("open.spotify.com")).isTrue();
    assertThat(list.contains("OPEN.Spotify.com.")).isTrue();
    assertThat(list.contains("itun.es")).isTrue();
    assertThat(list.contains("notspotify.com")).isFalse();
    assertThat(list.contains("spotify.com.evil.example")).isFalse();
    assertThat(list.contains("com")).isFalse();
    assertThat(list.contains("")).isFalse();
    assertThat(list.contains(null)).isFalse();
    assertThat(list.contains("bbc.co.uk")).isTrue(); // entries are taken as given, even a suffix
  }

  @Test
  void normalisesEntries() {
    assertThat(list.size()).isEqualTo(4);
    assertThat(list.isEmpty()).isFalse();
    assertThat(list.entries()).containsExactly("co.uk", "itun.es", "spotify.com", "twitter.com");
    assertThat(DomainList.of(List.of()).isEmpty()).isTrue();
    assertThat(DomainList.of(List.of()).contains("x.com")).isFalse();
  }

  @Test
  void survivesJavaSerialization() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(list);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      DomainList copy = (DomainList) in.readObject();
      assertThat(copy).isEqualTo(list);
      assertThat(copy.contains("open.spotify.com")).isTrue();
    }
  }
}
