package dev.linkwatch.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The refresher without Beam: files change under it, it swaps, refuses, and keeps what works. */
class LiveCatalogTest {
  @TempDir Path dir;
  private long tick = Instant.now().getEpochSecond();

  private static final String MIX = "{\"tag\":\"artist\",\"value\":\"Little Mix\"}";
  private static final String GLORY = "{\"tag\":\"album\",\"value\":\"Glory Days\"}";
  private static final String TOUCH = "{\"tag\":\"track\",\"value\":\"Touch\"}";

  /** Writes the file with a new modification time, as an editor saving it would. */
  private void write(String name, String content) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, content, StandardCharsets.UTF_8);
    Files.setLastModifiedTime(f, FileTime.from(Instant.ofEpochSecond(++tick)));
  }

  private static List<String> names(LiveCatalog live, String text) {
    return live.current().matcher().match(text).hits().stream().map(Hit::value).toList();
  }

  @Test
  void swapsOnAddAndRemoveRefusesBrokenUpdatesAndKeepsTheOldVersion() throws Exception {
    write("a.json", "[" + MIX + "," + GLORY + "]");
    LiveCatalog live = LiveCatalog.unshared(new CatalogFiles(List.of(dir.toString()), null), false);
    String v1 = live.current().version();
    assertThat(v1).matches("c[0-9a-f]{16}");
    assertThat(names(live, "Little Mix Touch")).containsExactly("Little Mix");

    // nothing changed: same version, nothing refused
    assertThat(live.refresh()).isTrue();
    assertThat(live.current().version()).isEqualTo(v1);

    // an entry added (a second file dropped into the directory)
    write("b.json", "[" + TOUCH + "]");
    assertThat(live.refresh()).isTrue();
    String v2 = live.current().version();
    assertThat(v2).isNotEqualTo(v1);
    assertThat(names(live, "Little Mix Touch")).containsExactly("Little Mix", "Touch");
    // the version is the content's, whatever it was read from
    assertThat(v2)
        .isEqualTo(
            Catalog.of(
                    List.of(
                        new CatalogEntry(Tag.ARTIST, "Little Mix"),
                        new CatalogEntry(Tag.ALBUM, "Glory Days"),
                        new CatalogEntry(Tag.TRACK, "Touch")))
                .version());

    // an entry removed
    write("a.json", "[" + GLORY + "]");
    assertThat(live.refresh()).isTrue();
    String v3 = live.current().version();
    assertThat(v3).isNotIn(v1, v2);
    assertThat(names(live, "Little Mix Touch")).containsExactly("Touch");

    // malformed: refused, reason names the file, v3 stays and still judges
    write("a.json", "[" + GLORY + ",{\"tag\":\"artist\"");
    assertThat(live.refresh()).isFalse();
    assertThat(live.current().version()).isEqualTo(v3);
    assertThat(live.refusals()).isEqualTo(1);
    assertThat(live.lastRefusal()).contains("a.json").contains("malformed JSON");
    assertThat(names(live, "Little Mix Touch")).containsExactly("Touch");
    // the same broken content is not refused again on every poll
    assertThat(live.refresh()).isTrue();
    assertThat(live.refusals()).isEqualTo(1);
    assertThat(live.takeUnreportedRefusals()).isEqualTo(1);
    assertThat(live.takeUnreportedRefusals()).isZero();

    // empty: refused too
    Files.delete(dir.resolve("b.json"));
    Files.delete(dir.resolve("a.json"));
    write("a.csv", "artist,album\n");
    assertThat(live.refresh()).isFalse();
    assertThat(live.lastRefusal()).contains("no artist, album or track");
    assertThat(live.current().version()).isEqualTo(v3);
    assertThat(live.refusals()).isEqualTo(2);

    // repaired: taken
    Files.delete(dir.resolve("a.csv"));
    write("a.json", "[" + MIX + "]");
    assertThat(live.refresh()).isTrue();
    assertThat(names(live, "Little Mix Touch")).containsExactly("Little Mix");
    assertThat(live.lastRefusal()).isNull();
    live.close();
  }

  @Test
  void theBackgroundRefresherSwapsWithinTheBound() throws Exception {
    write("c.json", "[" + MIX + "]");
    LiveCatalog live =
        LiveCatalog.of(new CatalogFiles(List.of(dir.toString()), null), false, Duration.ofMillis(100));
    try {
      assertThat(LiveCatalog.of(new CatalogFiles(List.of(dir.toString()), null), false, Duration.ZERO))
          .as("one per feed per JVM")
          .isSameAs(live);
      live.release();
      String before = live.current().version();
      write("c.json", "[" + MIX + "," + TOUCH + "]");
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (live.current().version().equals(before) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(names(live, "Touch by Little Mix")).containsExactly("Touch", "Little Mix");
    } finally {
      live.release();
    }
  }

  @Test
  void theLastReleaseClosesItAfterTheLingerUnlessItIsTakenAgain() throws Exception {
    write("e.json", "[" + MIX + "]");
    CatalogFiles feed = new CatalogFiles(List.of(dir.toString()), null);
    Duration linger = Duration.ofMillis(300);
    LiveCatalog first = LiveCatalog.of(feed, false, Duration.ofMillis(50), linger);
    LiveCatalog second = LiveCatalog.of(feed, false, Duration.ofMillis(50), linger);
    first.release();
    Thread.sleep(3 * linger.toMillis());
    assertThat(first.isClosed()).as("one user left").isFalse();

    // The last user gives it back and a new one comes within the linger (Spark's DoFn per microbatch).
    second.release();
    Thread.sleep(linger.toMillis() / 3);
    LiveCatalog again = LiveCatalog.of(feed, false, Duration.ofMillis(50), linger);
    assertThat(again).as("taken again within the linger: no new read and build").isSameAs(first);
    Thread.sleep(3 * linger.toMillis());
    assertThat(again.isClosed()).isFalse();

    // Nobody comes back: it leaves the registry, and its thread stops refreshing.
    again.release();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!again.isClosed() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(again.isClosed()).isTrue();
    assertThat(LiveCatalog.existing(feed, false)).isEmpty();
    String was = again.current().version();
    write("e.json", "[" + MIX + "," + TOUCH + "]");
    Thread.sleep(500);
    assertThat(again.current().version()).as("a closed instance no longer refreshes").isEqualTo(was);
    LiveCatalog fresh = LiveCatalog.of(feed, false, Duration.ofMillis(50), linger);
    try {
      assertThat(fresh).as("the next user gets a new instance").isNotSameAs(again);
      assertThat(names(fresh, "Touch by Little Mix")).containsExactly("Touch", "Little Mix");
      assertThatThrownBy(() -> { fresh.release(); fresh.release(); })
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("released more often than lent");
    } finally {
      LiveCatalog.existing(feed, false).ifPresent(LiveCatalog::close);
    }
  }

  @Test
  void aCatalogTopicWithoutABrokerSaysWhereItLooked() throws Exception {
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort(); // nothing listens there once it is closed
    }
    String at = "127.0.0.1:" + closed;
    assertThatThrownBy(
            () -> LiveCatalog.unshared(new CatalogTopic("catalog", java.util.Map.of("bootstrap.servers", at)), false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("catalog topic catalog: no answer from the Kafka brokers at " + at)
        .hasMessageContaining("--bootstrapServers");
  }

  @Test
  void aFirstReadThatFailsFailsTheCaller() throws Exception {
    write("d.json", "[{]");
    assertThatThrownBy(
            () -> LiveCatalog.of(new CatalogFiles(List.of(dir.toString()), null), false, Duration.ZERO))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("d.json");
  }
}
