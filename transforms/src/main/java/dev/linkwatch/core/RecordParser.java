package dev.linkwatch.core;

import com.fasterxml.jackson.core.JsonFactory;
import java.util.Objects;

/**
 * Reads one stream record of any known shape: a tweet (Twitter v1.1 or X v2), a Bluesky Jetstream
 * event or a Mastodon Status or streaming frame. With {@link RecordFormat#AUTO} the shape is
 * recognised per record ({@link RecordFormat#detect}); a forced format reads every record with that
 * shape's reader, so a record of another shape is malformed.
 *
 * <p>Every record gets the same checks first (size, strict UTF-8) and the same {@link
 * TweetParser.ParseLimits}. Instances are immutable and thread-safe.
 */
public final class RecordParser {
  private final RecordFormat format;
  private final TweetParser.ParseLimits limits;
  private final TweetParser twitter;
  private final JsonTree tree;
  private final JsonFactory detector;
  private final JetstreamParser bluesky;
  private final MastodonParser mastodon;

  private RecordParser(TweetParser.ParseLimits limits, RecordFormat format) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.format = Objects.requireNonNull(format, "format");
    this.twitter = TweetParser.create(limits);
    this.tree = new JsonTree(limits);
    this.detector = TweetParser.factory(limits);
    this.bluesky = new JetstreamParser(limits.maxUrls());
    this.mastodon = new MastodonParser(tree);
  }

  public static RecordParser create(TweetParser.ParseLimits limits, RecordFormat format) {
    return new RecordParser(limits, format);
  }

  public RecordFormat format() {
    return format;
  }

  /**
   * Parses one record (a Kafka value); null counts as empty.
   *
   * @throws MalformedTweetException with a short reason that never quotes the payload
   */
  public Parsed parse(byte[] value) throws MalformedTweetException {
    TweetParser.checkBytes(value, limits);
    RecordFormat shape = format == RecordFormat.AUTO ? RecordFormat.detect(value, detector) : format;
    return switch (shape) {
      case BLUESKY -> bluesky.parse(tree.readObject(value));
      case MASTODON -> mastodon.parse(tree.readObject(value));
      case TWITTER, AUTO -> twitter.parseChecked(value);
    };
  }
}
