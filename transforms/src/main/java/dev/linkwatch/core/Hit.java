package dev.linkwatch.core;

/**
 * One catalog entry named in a text.
 *
 * @param variant the catalog spelling that matched: the value, an explicit variant, or an automatic
 *     variant in normalised form (e.g. "littlemix"). For a fuzzy hit it is the spelling that the
 *     text was within one edit of; compare with {@code text.substring(start, end)} to tell.
 * @param start UTF-16 index into the original text, inclusive
 * @param end UTF-16 index into the original text, exclusive
 */
public record Hit(Tag tag, String value, String variant, int start, int end) {}
