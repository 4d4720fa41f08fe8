package dev.linkwatch.transforms;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * One URL of a tweet after classification. {@code url} is what the tweet linked to; {@code resolvedUrl}
 * is where a known shortener pointed (equal to {@code url} when not shortened or not resolved, with the
 * reason in {@code resolution}). Domains are taken from the resolved URL.
 */
public record Link(
    String url,
    String resolvedUrl,
    String domain,
    String primaryDomain,
    boolean whitelisted,
    boolean blacklisted,
    String resolution) {

  /**
   * True for a link on a shortener that could not be followed (failed, blocked, timed out, looped,
   * too many hops, or unshortening off): its host is the shortener's, not a site, so it is never
   * counted as a domain; the counts report it as an unresolved link instead.
   */
  public boolean unresolvedShortener() {
    return resolution != null
        && !resolution.isEmpty()
        && !resolution.startsWith("not_shortened")
        && !resolution.startsWith("resolved");
  }

  /**
   * True for a link the unshortener was asked to follow (a shortener's link with unshortening on),
   * whatever came of it; the answer may have come from its cache.
   */
  public boolean lookedUp() {
    return resolution != null
        && !resolution.isEmpty()
        && !resolution.startsWith("not_shortened")
        && !resolution.startsWith("disabled");
  }

  static void write(Link l, DataOutputStream out) throws IOException {
    Codec.writeString(out, l.url);
    Codec.writeString(out, l.resolvedUrl);
    Codec.writeString(out, l.domain);
    Codec.writeString(out, l.primaryDomain);
    out.writeBoolean(l.whitelisted);
    out.writeBoolean(l.blacklisted);
    Codec.writeString(out, l.resolution);
  }

  static Link read(DataInputStream in) throws IOException {
    return new Link(
        Codec.readString(in),
        Codec.readString(in),
        Codec.readString(in),
        Codec.readString(in),
        in.readBoolean(),
        in.readBoolean(),
        Codec.readString(in));
  }
}
