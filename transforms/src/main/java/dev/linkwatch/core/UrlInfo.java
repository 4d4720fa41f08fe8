package dev.linkwatch.core;

/**
 * A link as the rules see it: the full URL for the record, its host for exact checks and its
 * registrable domain for allowlists and counts (so {@code www36.foobar.com} and {@code
 * foobar.com} count as one site).
 *
 * @param fullUrl the URL as found in the tweet
 * @param domain the host ({@link Domains#host}), null when the URL has none
 * @param primaryDomain the registrable domain ({@link Domains#primaryDomain}), null when none
 */
public record UrlInfo(String fullUrl, String domain, String primaryDomain) {

  public static UrlInfo of(String url) {
    String host = Domains.host(url);
    return new UrlInfo(url, host, Domains.primaryDomain(host));
  }
}
