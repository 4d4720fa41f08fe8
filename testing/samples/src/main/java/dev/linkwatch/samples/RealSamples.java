package dev.linkwatch.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The real Bluesky Jetstream and Mastodon samples (see the README beside them) and the route the rules
 * give each of their records, with the original catalog and default settings: one fixture, so the
 * parser tests and the runner ITs assert the same expectations.
 *
 * <p>Outcomes are written as the pipeline reports them: {@code "unmatched <code>"} (code as in the
 * unmatched record), {@code "notice"}, {@code "matched"} or {@code "error"}. Records are named {@code
 * file/line}, the line 1-based, as file mode names a line's source (topic = file name, offset = line).
 */
public final class RealSamples {
  public static final String POSTS = "bluesky_jetstream_posts_reposts_deletes.jsonl";
  public static final String WINDOW = "bluesky_jetstream_v1_window152.jsonl";
  public static final String STATUSES = "mastodon_statuses.jsonl";
  public static final String FRAMES = "mastodon_stream_frames.jsonl";
  /** Every sample file, in the order the tests feed them. */
  public static final List<String> FILES = List.of(POSTS, STATUSES, FRAMES, WINDOW);

  private static final ObjectMapper JSON = new ObjectMapper();

  private RealSamples() {}

  /** The lines of one sample file as recorded, blank lines left out (the samples have none). */
  public static List<byte[]> recorded(String file) {
    try (InputStream in = RealSamples.class.getResourceAsStream("sources/" + file)) {
      if (in == null) {
        throw new IllegalArgumentException("no sample " + file);
      }
      byte[] all = in.readAllBytes();
      List<byte[]> out = new ArrayList<>();
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      for (int i = 0; i <= all.length; i++) {
        if (i == all.length || all[i] == '\n') {
          if (line.size() > 0) {
            out.add(line.toByteArray());
          }
          line.reset();
        } else {
          line.write(all[i]);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The lines of one sample file as a stream carries them: the same as {@link #recorded}, except that
   * the docs' SSE pairs in {@link #FRAMES}, repacked by the samples' curator as {@code
   * {"sse_event","sse_data"}} (not a wire format), become the WebSocket frame a server sends for the same
   * event: {@code {"stream":["public"],"event":E,"payload":DATA}}. Line numbers stay the same.
   */
  public static List<byte[]> fed(String file) {
    List<byte[]> lines = recorded(file);
    if (!file.equals(FRAMES)) {
      return lines;
    }
    List<byte[]> out = new ArrayList<>();
    for (byte[] line : lines) {
      try {
        JsonNode n = JSON.readTree(line);
        if (!n.has("sse_event")) {
          out.add(line);
          continue;
        }
        ObjectNode frame = JSON.createObjectNode();
        frame.putArray("stream").add("public");
        frame.put("event", n.get("sse_event").textValue());
        frame.put("payload", n.get("sse_data").textValue());
        out.add(JSON.writeValueAsBytes(frame));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  /**
   * {@code file/line} to outcome for every line of {@link #POSTS}, {@link #STATUSES} and {@link
   * #FRAMES}, and for the lines of {@link #WINDOW} that {@link #POSTS} copies (same bytes, same route;
   * see its index). The rest of the window is covered by {@link #windowTotals}.
   */
  public static Map<String, String> expectedRoutes() {
    Map<String, String> e = new TreeMap<>();
    // Posts with a link facet or an external embed: not on the whitelist, no catalog pair named.
    put(e, POSTS, "unmatched 0", 2, 21, 25, 26, 30);
    // Posts without facets or embeds (or only tags, or only images): no URLs, not "no entities".
    put(e, POSTS, "unmatched -3", 4, 8, 12, 14, 16, 17, 18, 19, 23, 24, 27, 28);
    put(e, POSTS, "unmatched -1", 6, 7, 10, 11, 13, 15); // reposts
    // Likes, follow deletes, a teal.fm scrobble, an actor status, a post delete, identity, account.
    put(e, POSTS, "notice", 1, 3, 5, 9, 20, 22, 29, 31, 32);
    put(e, STATUSES, "unmatched 0", 4, 9, 10, 12, 13, 14, 15, 17, 19, 23); // content links and cards
    // 22 is a quote whose only link is the quote-inline "RE:" paragraph.
    put(e, STATUSES, "unmatched -3", 1, 2, 3, 5, 6, 7, 8, 11, 16, 18, 22, 24, 25, 26);
    put(e, STATUSES, "unmatched -1", 20, 21); // boosts
    put(e, FRAMES, "unmatched -3", 1, 4, 7, 9, 10, 13, 16, 18);
    put(e, FRAMES, "unmatched 0", 6, 12, 15);
    put(e, FRAMES, "notice", 2, 3, 5, 8, 11, 14, 17);
    for (Map.Entry<Integer, Integer> copy : windowLinesOfPosts().entrySet()) {
      e.put(WINDOW + "/" + copy.getValue(), e.get(POSTS + "/" + copy.getKey()));
    }
    return Collections.unmodifiableMap(e);
  }

  /** Outcome to count over the whole {@link #WINDOW}: 17 posts (5 with links), 15 reposts, 120 notices. */
  public static Map<String, Integer> windowTotals() {
    return Map.of("unmatched 0", 5, "unmatched -3", 12, "unmatched -1", 15, "notice", 120);
  }

  /** Line of {@link #POSTS} to the line of {@link #WINDOW} it was copied from, from the index file. */
  static Map<Integer, Integer> windowLinesOfPosts() {
    Map<Integer, Integer> out = new TreeMap<>();
    String index = POSTS.replace(".jsonl", ".index.tsv");
    try (InputStream in = RealSamples.class.getResourceAsStream("sources/" + index)) {
      String[] rows = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
      for (int i = 1; i < rows.length; i++) { // row 0 is the header
        String[] cols = rows[i].split("\t");
        out.put(Integer.parseInt(cols[0]), Integer.parseInt(cols[1]));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static void put(Map<String, String> e, String file, String outcome, int... lines) {
    for (int l : lines) {
      if (e.put(file + "/" + l, outcome) != null) {
        throw new IllegalStateException("two routes for " + file + "/" + l);
      }
    }
  }
}
