package dev.linkwatch.transforms;

import dev.linkwatch.core.Tweet;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.OptionalLong;
import org.apache.beam.sdk.coders.Coder;

/** A parsed tweet beside the record it came from (the original bytes are kept for the output). */
public record TweetRecord(SourceRecord source, Tweet tweet) {

  private static final Coder<TweetRecord> CODER =
      Codec.coder(
          1,
          (t, out) -> {
            SourceRecord.write(t.source, out);
            writeTweet(t.tweet, out);
          },
          in -> new TweetRecord(SourceRecord.read(in), readTweet(in)));

  public static Coder<TweetRecord> coder() {
    return CODER;
  }

  static void writeTweet(Tweet t, DataOutputStream out) throws IOException {
    Codec.writeString(out, t.id());
    Codec.writeString(out, t.format());
    out.writeBoolean(t.retweet());
    out.writeBoolean(t.quote());
    out.writeBoolean(t.hasEntities());
    Codec.writeList(out, t.urls(), (u, o) -> Codec.writeString(o, u));
    Codec.writeString(out, t.text());
    out.writeBoolean(t.eventTimeMillis().isPresent());
    out.writeLong(t.eventTimeMillis().orElse(0L));
    Codec.writeString(out, t.platform());
    Codec.writeString(out, t.canonicalId());
    Codec.writeString(out, t.webUrl());
  }

  static Tweet readTweet(DataInputStream in) throws IOException {
    String id = Codec.readString(in);
    String format = Codec.readString(in);
    boolean retweet = in.readBoolean();
    boolean quote = in.readBoolean();
    boolean hasEntities = in.readBoolean();
    var urls = Codec.readList(in, Codec::readString);
    String text = Codec.readString(in);
    boolean hasTime = in.readBoolean();
    long time = in.readLong();
    String platform = Codec.readString(in);
    String canonicalId = Codec.readString(in);
    String webUrl = Codec.readString(in);
    return new Tweet(
        id,
        format,
        retweet,
        quote,
        hasEntities,
        urls,
        text,
        hasTime ? OptionalLong.of(time) : OptionalLong.empty(),
        platform,
        canonicalId,
        webUrl);
  }
}
