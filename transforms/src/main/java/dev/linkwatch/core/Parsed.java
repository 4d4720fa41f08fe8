package dev.linkwatch.core;

/** What a raw record turned out to be: a tweet or a stream notice. */
public sealed interface Parsed permits Tweet, StreamNotice {}
