package dev.linkwatch.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.linkwatch.contract.OutputContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * {@link OutputContract#check} with one known gap let through, and only for notices of the new
 * sources: the published {@code unmatched} schema ({@code linkwatch.unmatched/1}) lists the tweet
 * streams' notice kinds only, while the Bluesky and Mastodon parsers name theirs by collection or event
 * ({@code app.bsky.feed.like}, {@code identity}, {@code filters_changed}, ...). Widening that enum is a
 * contract version change (docs/schemas/README.md, "Versioning"), left to the schema's owner; once it is
 * made, callers go back to {@link OutputContract#check} and this class goes.
 */
public final class SourceNoticeContract {
  private static final String NOTICE_GAP = "$.notice: does not have a value in the enumeration";

  private SourceNoticeContract() {}

  /** The record, read strictly; fails on any violation but a Bluesky or Mastodon notice's kind. */
  public static JsonNode check(String channel, byte[] record, String where) {
    List<String> violations = OutputContract.violations(channel, record);
    if (channel.equals("unmatched") && violations.size() == 1 && violations.get(0).startsWith(NOTICE_GAP)) {
      JsonNode n;
      try {
        n = OutputContract.STRICT.readTree(record);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      JsonNode original = n.get("tweet");
      if ("notice".equals(n.path("outcome").asText()) && (original.has("did") || original.has("event"))) {
        return n;
      }
    }
    return OutputContract.check(channel, record, where);
  }

  /** Whether {@link #check} let this record through only because of the gap. */
  public static boolean onlyTheGap(String channel, byte[] record) {
    List<String> violations = OutputContract.violations(channel, record);
    return violations.size() == 1 && violations.get(0).startsWith(NOTICE_GAP);
  }
}
