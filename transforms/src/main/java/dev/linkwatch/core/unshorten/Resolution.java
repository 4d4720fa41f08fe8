package dev.linkwatch.core.unshorten;

/**
 * Outcome of one {@link Unshortener#resolve} call. A value rather than an exception so a
 * pipeline can count and route every outcome without try/catch around futures.
 *
 * <p>{@code finalUrl} is only a new target when {@code status == RESOLVED}; on every other status
 * it is the last URL that was actually reached (the original when nothing answered), so
 * downstream matching can always fall back to it. {@code note} explains non-obvious outcomes and
 * never contains the full URL of a refused target.
 *
 * @param originalUrl the URL as passed in
 * @param finalUrl where the chain led (see above)
 * @param hops redirects followed (a HEAD→GET retry is not a hop)
 * @param status what happened
 * @param note why, for humans and metrics labels; empty when nothing needs saying
 */
public record Resolution(String originalUrl, String finalUrl, int hops, Status status, String note) {

  /** Outcome categories, kept coarse so they can serve directly as metric labels. */
  public enum Status {
    NOT_SHORTENED,
    RESOLVED,
    FAILED,
    BLOCKED,
    TIMEOUT,
    LOOP,
    TOO_MANY_HOPS,
    DISABLED
  }

  public Resolution {
    note = note == null ? "" : note;
  }
}
