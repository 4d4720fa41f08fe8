package dev.linkwatch.local;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Seeded synthetic Twitter v1.1 tweets that exercise every rule: pirate-looking originals naming an
 * artist and a track, retweets, tweets without links, links to whitelisted sites, ordinary sentences
 * using common-word titles, stream notices and a small share of broken records. The same seed gives the
 * same bytes.
 */
public final class TweetGenerator {
  /** What one generated record is meant to be; the demo and tests compare outcomes with it. */
  public enum Kind {
    PIRATE,
    RETWEET,
    NO_URL,
    WHITELISTED,
    ONE_NAME,
    NOTICE,
    BROKEN
  }

  private static final DateTimeFormatter CREATED_AT =
      DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss Z yyyy", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final JsonFactory JSON = new JsonFactory();

  private static final List<String[]> NAMES =
      List.of(
          new String[] {"Little Mix", "Shout Out To My Ex"},
          new String[] {"Little Mix", "Touch"},
          new String[] {"LittleMix", "Glory Days"},
          new String[] {"Litel Mixx", "Glory Days"},
          new String[] {"#LittleMix", "F.U."},
          new String[] {"little mix", "shout out to my x"});
  private static final List<String> PIRATE_SITES =
      List.of(
          "mp3-free.example.net",
          "www.leakedalbums.co.uk",
          "dl.zippymusic.com.au",
          "files.songdump.xyz",
          "musicfree.blogspot.com");
  private static final List<String> WHITELISTED =
      List.of("open.spotify.com", "twitter.com", "en.wikipedia.org", "itun.es", "www.instagram.com");
  private static final List<String> TEMPLATES =
      List.of(
          "DOWNLOAD MP3: %s \u2013 %s (CDQ) Track %s",
          "%s - %s [Leaked] free download %s",
          "New!! %s \u201c%s\u201d 320kbps %s \uD83D\uDD25",
          "%s %s zip album mp3 %s");

  /** The JSON shape written: Twitter API v1.1 statuses or X API v2 stream payloads. */
  public enum Format {
    V1,
    V2
  }

  private static final List<String> OTHER_LANGUAGES =
      List.of(
          "escuchando %s - %s todo el día \uD83C\uDFA7",
          "ouvindo %s %s sem parar",
          "%sの新曲「%s」最高すぎる",
          "%s %s 너무 좋아 \uD83D\uDC9C",
          "j'écoute %s, %s en boucle");
  private static final List<String> SHORTENERS = List.of("bit.ly", "ow.ly", "tinyurl.com", "buff.ly");

  private final SplittableRandom random;
  private final double brokenShare;
  private final Format format;
  private final List<String[]> catalogPairs;
  private final boolean fullObjects;
  private boolean quoting;
  private long sequence;
  private long clock;

  public TweetGenerator(long seed, double brokenShare, Instant start) {
    this(seed, brokenShare, start, Format.V1, List.of());
  }

  /**
   * @param catalogPairs extra (artist, track) pairs to name besides the original's, e.g. from a real
   *     catalog; half of the pirate tweets then use them
   */
  public TweetGenerator(
      long seed, double brokenShare, Instant start, Format format, List<String[]> catalogPairs) {
    this(seed, brokenShare, start, format, catalogPairs, false);
  }

  /**
   * @param fullObjects v1.1 statuses as the stream really sends them: the whole user object, every
   *     status field, hashtags and mentions with indices, often a photo and a place; 3 to 6 KB each
   *     (retweets carry a second full status, so they are the largest). The rules read the same
   *     fields either way; the size is what a benchmark of realistic traffic needs.
   */
  public TweetGenerator(
      long seed,
      double brokenShare,
      Instant start,
      Format format,
      List<String[]> catalogPairs,
      boolean fullObjects) {
    this.fullObjects = fullObjects && format == Format.V1;
    this.random = new SplittableRandom(seed);
    this.brokenShare = brokenShare;
    this.clock = start.toEpochMilli();
    this.format = format;
    this.catalogPairs = List.copyOf(catalogPairs);
  }

  /**
   * (artist, track) pairs from a catalog that a tweet can name as two distinct spans: pairs where one
   * name contains the other would be one match, not two, and are left out.
   */
  public static List<String[]> pairsFrom(dev.linkwatch.core.Catalog catalog, int max, long seed) {
    List<String> artists = new java.util.ArrayList<>();
    List<String> tracks = new java.util.ArrayList<>();
    for (var e : catalog.entries()) {
      (e.tag() == dev.linkwatch.core.Tag.ARTIST ? artists : e.tag() == dev.linkwatch.core.Tag.TRACK ? tracks : new java.util.ArrayList<String>()).add(e.value());
    }
    List<String[]> pairs = new java.util.ArrayList<>();
    if (artists.isEmpty() || tracks.isEmpty()) {
      return pairs;
    }
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < max * 4 && pairs.size() < max; i++) {
      String a = artists.get(r.nextInt(artists.size()));
      String t = tracks.get(r.nextInt(tracks.size()));
      String na = dev.linkwatch.core.TextNormalizer.normalizeTerm(a);
      String nt = dev.linkwatch.core.TextNormalizer.normalizeTerm(t);
      if (!na.isEmpty() && !nt.isEmpty() && !na.contains(nt) && !nt.contains(na) && t.length() < 60) {
        pairs.add(new String[] {a, t});
      }
    }
    return pairs;
  }

  /** One generated record: its bytes and what it is meant to be. */
  public record Generated(Kind kind, byte[] value) {}

  public Generated next() {
    sequence++;
    clock += 1 + random.nextInt(40);
    return generate();
  }

  /**
   * The next record, stamped {@code eventTime} instead of the generator's own clock: a live stream's
   * tweets carry about the time they are sent, which is what watermarks and lateness are measured by.
   */
  public Generated nextAt(Instant eventTime) {
    sequence++;
    clock = eventTime.toEpochMilli();
    return generate();
  }

  private Generated generate() {
    double roll = random.nextDouble();
    if (roll < brokenShare) {
      return new Generated(Kind.BROKEN, broken());
    }
    int pick = random.nextInt(100);
    Kind kind =
        pick < 30
            ? Kind.PIRATE
            : pick < 45
                ? Kind.RETWEET
                : pick < 65 ? Kind.NO_URL : pick < 80 ? Kind.WHITELISTED : pick < 95 ? Kind.ONE_NAME : Kind.NOTICE;
    return new Generated(kind, render(kind));
  }

  private byte[] render(Kind kind) {
    String[] names =
        !catalogPairs.isEmpty() && random.nextBoolean()
            ? catalogPairs.get(random.nextInt(catalogPairs.size()))
            : NAMES.get(random.nextInt(NAMES.size()));
    String url;
    String text;
    switch (kind) {
      case PIRATE -> {
        url =
            random.nextInt(10) == 0
                // a shortened link: its host is the shortener until resolved
                ? "https://" + pick(SHORTENERS) + "/" + shortCode()
                : "http://" + pick(PIRATE_SITES) + "/d/" + Long.toHexString(random.nextLong() >>> 20);
        text = String.format(pick(TEMPLATES), names[0], names[1], "https://t.co/" + shortCode());
        int shape = random.nextInt(10);
        if (shape == 0 && format == Format.V1) {
          return truncated(text, url);
        }
        if (shape == 1 && format == Format.V1) {
          // a quote tweet: its own text and link count, the quoted tweet's whitelisted link does not
          return quote(text, url, "https://open.spotify.com/track/" + shortCode());
        }
      }
      case RETWEET -> {
        url = "http://" + pick(PIRATE_SITES) + "/d/" + shortCode();
        text = "RT @musicleaks: " + names[0] + " - " + names[1] + " https://t.co/" + shortCode();
      }
      case NO_URL -> {
        url = null;
        text =
            random.nextInt(3) == 0
                ? String.format(pick(OTHER_LANGUAGES), names[0], names[1])
                : "can't stop listening to " + names[0] + " " + names[1] + " today \u2764\ufe0f";
      }
      case WHITELISTED -> {
        url = "https://" + pick(WHITELISTED) + "/album/" + shortCode();
        text = "Stream " + names[0] + " " + names[1] + " now https://t.co/" + shortCode();
        if (random.nextInt(5) == 0 && format == Format.V1) {
          // quoting a pirate's tweet does not make this one a pirate's
          return quote(text, url, "http://" + pick(PIRATE_SITES) + "/d/" + shortCode());
        }
      }
      case ONE_NAME -> {
        url = "https://www.bbc.co.uk/news/" + shortCode();
        text = "Touch the screen and see what power does https://t.co/" + shortCode();
      }
      case NOTICE -> {
        return notice();
      }
      default -> throw new IllegalStateException(kind.name());
    }
    return tweet(kind == Kind.RETWEET, text, url);
  }

  private byte[] tweet(boolean retweet, String text, String url) {
    if (format == Format.V2) {
      return v2(retweet, text, url);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      writeStatus(g, text, url, sequence);
      if (retweet) {
        g.writeFieldName("retweeted_status");
        writeStatus(g, text.substring(text.indexOf(':') + 2), url, sequence - 1000);
        g.writeEndObject();
      }
      endTopLevel(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A long tweet as the v1.1 stream sends it: cut text, a self-link, the real one in extended_tweet. */
  private byte[] truncated(String text, String url) {
    String full = text + " | full album, all tracks, no ads, mirror links inside, share before it is gone!!";
    long tweetId = 800_000_000_000_000_000L + sequence;
    String self = "https://twitter.com/i/web/status/" + tweetId;
    ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      writeStatus(g, full.substring(0, Math.min(full.length(), 100)) + "\u2026 https://t.co/" + shortCode(), self, sequence, true);
      g.writeObjectFieldStart("extended_tweet");
      g.writeStringField("full_text", full);
      g.writeObjectFieldStart("entities");
      g.writeArrayFieldStart("urls");
      writeUrl(g, url);
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndObject();
      endTopLevel(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private byte[] quote(String text, String url, String quotedUrl) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(3072);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      quoting = true; // a full status writes the flag among its own fields
      writeStatus(g, text, url, sequence);
      if (!fullObjects) {
        g.writeBooleanField("is_quote_status", true);
      }
      g.writeFieldName("quoted_status");
      writeStatus(g, "check this out https://t.co/" + shortCode(), quotedUrl, sequence - 500);
      g.writeEndObject();
      endTopLevel(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The same tweet as an X API v2 filtered-stream payload. */
  private byte[] v2(boolean retweet, String text, String url) {
    long tweetId = 800_000_000_000_000_000L + sequence;
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeObjectFieldStart("data");
      g.writeStringField("id", Long.toString(tweetId));
      g.writeStringField("text", text);
      g.writeStringField("created_at", Instant.ofEpochMilli(clock).toString());
      g.writeStringField("author_id", Integer.toString(1000 + random.nextInt(5000)));
      g.writeStringField("lang", "en");
      if (retweet) {
        g.writeArrayFieldStart("referenced_tweets");
        g.writeStartObject();
        g.writeStringField("type", "retweeted");
        g.writeStringField("id", Long.toString(tweetId - 1000));
        g.writeEndObject();
        g.writeEndArray();
      }
      g.writeObjectFieldStart("entities");
      g.writeArrayFieldStart("urls");
      if (url != null) {
        writeUrl(g, url);
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndObject();
      g.writeArrayFieldStart("matching_rules");
      g.writeStartObject();
      g.writeStringField("id", "1");
      g.writeStringField("tag", "music");
      g.writeEndObject();
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private void writeUrl(JsonGenerator g, String url) throws IOException {
    g.writeStartObject();
    g.writeStringField("url", "https://t.co/" + shortCode());
    g.writeStringField("expanded_url", url);
    g.writeStringField("display_url", url.replaceFirst("^https?://", ""));
    g.writeEndObject();
  }

  /** Writes a status's fields, leaving its object open for the caller to add to and close. */
  private void writeStatus(JsonGenerator g, String text, String url, long id) throws IOException {
    writeStatus(g, text, url, id, false);
  }

  private void writeStatus(JsonGenerator g, String text, String url, long id, boolean truncated)
      throws IOException {
    long tweetId = 800_000_000_000_000_000L + id;
    g.writeStartObject();
    g.writeStringField("created_at", CREATED_AT.format(Instant.ofEpochMilli(clock)));
    g.writeNumberField("id", tweetId);
    g.writeStringField("id_str", Long.toString(tweetId));
    g.writeStringField("text", text);
    g.writeStringField("source", "<a href=\"http://twitter.com\" rel=\"nofollow\">Twitter Web Client</a>");
    g.writeBooleanField("truncated", truncated);
    if (fullObjects) {
      writeFullStatus(g, text, url);
      return;
    }
    g.writeObjectFieldStart("user");
    g.writeNumberField("id", 1000 + random.nextInt(5000));
    g.writeStringField("screen_name", "user" + random.nextInt(5000));
    g.writeStringField("lang", "en");
    g.writeNumberField("followers_count", random.nextInt(20000));
    g.writeEndObject();
    g.writeObjectFieldStart("entities");
    g.writeArrayFieldStart("hashtags");
    g.writeEndArray();
    g.writeArrayFieldStart("urls");
    if (url != null) {
      writeUrl(g, url);
    }
    g.writeEndArray();
    g.writeArrayFieldStart("user_mentions");
    g.writeEndArray();
    g.writeEndObject();
    g.writeStringField("lang", "en");
    g.writeStringField("timestamp_ms", Long.toString(clock));
  }

  /** The rest of a full v1.1 status, as the stream sends it; leaves the object open like writeStatus. */
  private void writeFullStatus(JsonGenerator g, String text, String url) throws IOException {
    boolean reply = random.nextInt(5) == 0;
    g.writeNullField("in_reply_to_status_id");
    writeNullOr(g, "in_reply_to_status_id_str", reply ? Long.toString(790_000_000_000_000_000L + random.nextInt(1 << 30)) : null);
    g.writeNullField("in_reply_to_user_id");
    writeNullOr(g, "in_reply_to_user_id_str", reply ? Integer.toString(random.nextInt(1 << 30)) : null);
    writeNullOr(g, "in_reply_to_screen_name", reply ? "user" + random.nextInt(100_000) : null);
    writeFullUser(g);
    g.writeNullField("geo");
    g.writeNullField("coordinates");
    if (random.nextInt(4) == 0) {
      writePlace(g);
    } else {
      g.writeNullField("place");
    }
    g.writeNullField("contributors");
    g.writeBooleanField("is_quote_status", quoting);
    quoting = false;
    g.writeNumberField("quote_count", random.nextInt(20));
    g.writeNumberField("reply_count", random.nextInt(50));
    g.writeNumberField("retweet_count", random.nextInt(500));
    g.writeNumberField("favorite_count", random.nextInt(2000));
    boolean photo = random.nextBoolean();
    String mediaUrl = "https://t.co/" + shortCode();
    long mediaId = 810_000_000_000_000_000L + random.nextInt(1 << 30);
    g.writeObjectFieldStart("entities");
    g.writeArrayFieldStart("hashtags");
    for (String tag : List.of("music", "newmusic", "nowplaying").subList(0, random.nextInt(4))) {
      g.writeStartObject();
      g.writeStringField("text", tag);
      writeIndices(g, 0, tag.length() + 1);
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("urls");
    if (url != null) {
      g.writeStartObject();
      g.writeStringField("url", "https://t.co/" + shortCode());
      g.writeStringField("expanded_url", url);
      g.writeStringField("display_url", url.replaceFirst("^https?://", ""));
      writeIndices(g, Math.max(0, text.length() - 23), text.length());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("user_mentions");
    for (int i = random.nextInt(3); i > 0; i--) {
      g.writeStartObject();
      g.writeStringField("screen_name", "user" + random.nextInt(100_000));
      g.writeStringField("name", "Someone " + random.nextInt(100_000));
      int uid = random.nextInt(1 << 30);
      g.writeNumberField("id", uid);
      g.writeStringField("id_str", Integer.toString(uid));
      writeIndices(g, 0, 12);
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("symbols");
    g.writeEndArray();
    if (photo) {
      g.writeArrayFieldStart("media");
      writeMedia(g, mediaId, mediaUrl, text.length());
      g.writeEndArray();
    }
    g.writeEndObject();
    if (photo) {
      g.writeObjectFieldStart("extended_entities");
      g.writeArrayFieldStart("media");
      writeMedia(g, mediaId, mediaUrl, text.length());
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeBooleanField("favorited", false);
    g.writeBooleanField("retweeted", false);
    if (url != null) {
      g.writeBooleanField("possibly_sensitive", false);
    }
    g.writeStringField("filter_level", "low");
    g.writeStringField("lang", "en");
  }

  /**
   * Closes a record's root object. A full status ends with {@code timestamp_ms}, as the stream sends
   * it (after any retweeted, quoted or extended part; nested statuses have none).
   */
  private void endTopLevel(JsonGenerator g) throws IOException {
    if (fullObjects) {
      g.writeStringField("timestamp_ms", Long.toString(clock));
    }
    g.writeEndObject();
  }

  private void writeFullUser(JsonGenerator g) throws IOException {
    int uid = 1000 + random.nextInt(1 << 30);
    String screen = "user" + random.nextInt(100_000);
    String image = Long.toString(700_000_000_000_000_000L + random.nextInt(1 << 30)) + "/" + shortCode();
    g.writeObjectFieldStart("user");
    g.writeNumberField("id", uid);
    g.writeStringField("id_str", Integer.toString(uid));
    g.writeStringField("name", "Music Fan " + random.nextInt(100_000));
    g.writeStringField("screen_name", screen);
    g.writeStringField("location", pick(List.of("", "London, England", "Lagos, Nigeria", "Los Angeles, CA", "Manila")));
    g.writeStringField("url", random.nextBoolean() ? null : "http://" + screen + ".example.com");
    StringBuilder description = new StringBuilder();
    for (int i = 2 + random.nextInt(12); i > 0; i--) {
      description.append(pick(BIO_WORDS)).append(' ');
    }
    g.writeStringField("description", description.toString().strip());
    g.writeStringField("translator_type", "none");
    g.writeBooleanField("protected", false);
    g.writeBooleanField("verified", random.nextInt(50) == 0);
    g.writeNumberField("followers_count", random.nextInt(20000));
    g.writeNumberField("friends_count", random.nextInt(5000));
    g.writeNumberField("listed_count", random.nextInt(100));
    g.writeNumberField("favourites_count", random.nextInt(50000));
    g.writeNumberField("statuses_count", random.nextInt(200000));
    g.writeStringField("created_at", CREATED_AT.format(Instant.ofEpochMilli(clock - random.nextLong(1L << 38))));
    g.writeNullField("utc_offset");
    g.writeNullField("time_zone");
    g.writeBooleanField("geo_enabled", random.nextBoolean());
    g.writeStringField("lang", "en");
    g.writeBooleanField("contributors_enabled", false);
    g.writeBooleanField("is_translator", false);
    g.writeStringField("profile_background_color", "C0DEED");
    g.writeStringField("profile_background_image_url", "http://abs.twimg.com/images/themes/theme1/bg.png");
    g.writeStringField("profile_background_image_url_https", "https://abs.twimg.com/images/themes/theme1/bg.png");
    g.writeBooleanField("profile_background_tile", false);
    g.writeStringField("profile_link_color", "1DA1F2");
    g.writeStringField("profile_sidebar_border_color", "C0DEED");
    g.writeStringField("profile_sidebar_fill_color", "DDEEF6");
    g.writeStringField("profile_text_color", "333333");
    g.writeBooleanField("profile_use_background_image", true);
    g.writeStringField("profile_image_url", "http://pbs.twimg.com/profile_images/" + image + "_normal.jpg");
    g.writeStringField("profile_image_url_https", "https://pbs.twimg.com/profile_images/" + image + "_normal.jpg");
    g.writeStringField("profile_banner_url", "https://pbs.twimg.com/profile_banners/" + uid + "/" + (1_400_000_000 + random.nextInt(100_000_000)));
    g.writeBooleanField("default_profile", random.nextBoolean());
    g.writeBooleanField("default_profile_image", false);
    g.writeNullField("following");
    g.writeNullField("follow_request_sent");
    g.writeNullField("notifications");
    g.writeEndObject();
  }

  private void writeMedia(JsonGenerator g, long id, String url, int at) throws IOException {
    String key = shortCode() + shortCode().substring(0, 5);
    g.writeStartObject();
    g.writeNumberField("id", id);
    g.writeStringField("id_str", Long.toString(id));
    writeIndices(g, at, at + 23);
    g.writeStringField("media_url", "http://pbs.twimg.com/media/" + key + ".jpg");
    g.writeStringField("media_url_https", "https://pbs.twimg.com/media/" + key + ".jpg");
    g.writeStringField("url", url);
    g.writeStringField("display_url", "pic.twitter.com/" + url.substring(url.length() - 10));
    g.writeStringField("expanded_url", "https://twitter.com/user/status/" + id + "/photo/1");
    g.writeStringField("type", "photo");
    g.writeObjectFieldStart("sizes");
    for (String[] size : MEDIA_SIZES) {
      g.writeObjectFieldStart(size[0]);
      g.writeNumberField("w", Integer.parseInt(size[1]));
      g.writeNumberField("h", Integer.parseInt(size[2]));
      g.writeStringField("resize", size[0].equals("thumb") ? "crop" : "fit");
      g.writeEndObject();
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  private void writePlace(JsonGenerator g) throws IOException {
    g.writeObjectFieldStart("place");
    g.writeStringField("id", Long.toHexString(random.nextLong()));
    g.writeStringField("url", "https://api.twitter.com/1.1/geo/id/" + Long.toHexString(random.nextLong()) + ".json");
    g.writeStringField("place_type", "city");
    g.writeStringField("name", "Manchester");
    g.writeStringField("full_name", "Manchester, England");
    g.writeStringField("country_code", "GB");
    g.writeStringField("country", "United Kingdom");
    g.writeObjectFieldStart("bounding_box");
    g.writeStringField("type", "Polygon");
    g.writeArrayFieldStart("coordinates");
    g.writeStartArray();
    for (double[] c : new double[][] {{-2.319934, 53.343623}, {-2.319934, 53.570282}, {-2.147026, 53.570282}, {-2.147026, 53.343623}}) {
      g.writeStartArray();
      g.writeNumber(c[0]);
      g.writeNumber(c[1]);
      g.writeEndArray();
    }
    g.writeEndArray();
    g.writeEndArray();
    g.writeEndObject();
    g.writeObjectFieldStart("attributes");
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void writeIndices(JsonGenerator g, int start, int end) throws IOException {
    g.writeArrayFieldStart("indices");
    g.writeNumber(start);
    g.writeNumber(end);
    g.writeEndArray();
  }

  private static void writeNullOr(JsonGenerator g, String field, String value) throws IOException {
    if (value == null) {
      g.writeNullField(field);
    } else {
      g.writeStringField(field, value);
    }
  }

  private static final List<String[]> MEDIA_SIZES =
      List.of(
          new String[] {"thumb", "150", "150"},
          new String[] {"medium", "1200", "800"},
          new String[] {"small", "680", "453"},
          new String[] {"large", "2048", "1365"});
  private static final List<String> BIO_WORDS =
      List.of(
          "music", "lover", "DJ", "producer", "\uD83C\uDFB5", "free", "downloads", "mixtapes", "follow",
          "for", "daily", "new", "releases", "London", "Lagos", "\u2728", "singer", "songwriter", "fan",
          "account", "#TeamLittleMix", "\u2764\uFE0F", "links", "below", "booking:", "mgmt@example.com");

  private byte[] notice() {
    if (format == Format.V2) {
      return ("{\"errors\":[{\"title\":\"operational-disconnect\",\"disconnect_type\":\"UpstreamOperationalDisconnect\",\"type\":\"https://api.twitter.com/2/problems/operational-disconnect\"}]}")
          .getBytes(StandardCharsets.UTF_8);
    }
    long id = 800_000_000_000_000_000L + sequence - 7;
    String json =
        "{\"delete\":{\"status\":{\"id\":"
            + id
            + ",\"id_str\":\""
            + id
            + "\",\"user_id\":42,\"user_id_str\":\"42\"},\"timestamp_ms\":\""
            + clock
            + "\"}}";
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private byte[] broken() {
    byte[] good = tweet(false, "Little Mix Touch http://t.co/x", "http://mp3.example.net/x");
    return switch (random.nextInt(3)) {
      case 0 -> java.util.Arrays.copyOf(good, good.length / 2); // truncated JSON
      case 1 -> new byte[] {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
      default -> "[\"not\",\"an\",\"object\"]".getBytes(StandardCharsets.UTF_8);
    };
  }

  private String shortCode() {
    StringBuilder sb = new StringBuilder(10);
    for (int i = 0; i < 10; i++) {
      sb.append("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".charAt(random.nextInt(57)));
    }
    return sb.toString();
  }

  private <T> T pick(List<T> list) {
    return list.get(random.nextInt(list.size()));
  }
}
