/**
 * Beam-free core of linkwatch: the catalog of artist/album/track names ({@link
 * dev.linkwatch.core.Catalog}), the one normalisation shared by names and tweets ({@link
 * dev.linkwatch.core.TextNormalizer}) and the one-pass matcher ({@link
 * dev.linkwatch.core.TermMatcher}). Kept free of Beam so it can be unit-tested and benchmarked
 * alone and reused by any runner; build a {@code TermMatcher} once per worker (e.g. in a DoFn's
 * {@code @Setup}) from a serialised {@code Catalog} rather than shipping the automaton itself.
 */
package dev.linkwatch.core;
