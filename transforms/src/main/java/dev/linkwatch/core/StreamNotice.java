package dev.linkwatch.core;

/**
 * A Twitter stream notice ({@code delete}, {@code limit}, {@code scrub_geo}, ...): part of the stream,
 * not a tweet and not an error. {@code kind} is the notice's key.
 */
public record StreamNotice(String kind) implements Parsed {}
