package dev.linkwatch.core;

/**
 * A stream notice: part of the stream, not a post and not an error. {@code kind} is the notice's key
 * (Twitter's {@code delete}, {@code limit}, {@code scrub_geo}, ...; a Jetstream event's kind or
 * collection; a Mastodon stream event), {@code platform} the network it came from.
 */
public record StreamNotice(String kind, String platform) implements Parsed {
  /** A Twitter stream notice. */
  public StreamNotice(String kind) {
    this(kind, "twitter");
  }
}
