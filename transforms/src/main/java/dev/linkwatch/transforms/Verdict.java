package dev.linkwatch.transforms;

/**
 * Where a tweet stands in the rules. The codes are the original job's, so downstream consumers of the
 * unmatched topic keep working: -1 retweet, -2 no entities, -3 no URLs, -8 all URLs whitelisted, -9 no
 * blacklisted URL, and for too few catalog matches the number of matches found (0 or 1 by default).
 */
public record Verdict(Outcome outcome, int code, String reason) {

  public enum Outcome {
    /** Passed the URL rules; the catalog match decides. */
    PENDING,
    MATCHED,
    UNMATCHED
  }

  public static final int RETWEET = -1;
  public static final int NO_ENTITIES = -2;
  public static final int NO_URLS = -3;
  public static final int ALL_WHITELISTED = -8;
  public static final int NO_BLACKLISTED = -9;

  public static Verdict pending() {
    return new Verdict(Outcome.PENDING, 0, "pending");
  }

  public static Verdict matched(int matches) {
    return new Verdict(Outcome.MATCHED, matches, "matched");
  }

  public static Verdict unmatched(int code, String reason) {
    return new Verdict(Outcome.UNMATCHED, code, reason);
  }
}
