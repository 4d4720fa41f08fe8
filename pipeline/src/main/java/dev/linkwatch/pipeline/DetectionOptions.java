package dev.linkwatch.pipeline;

import java.util.List;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** The rules: catalog, domain lists, thresholds, unshortening. */
public interface DetectionOptions extends PipelineOptions {
  @Description(
      "Catalog files or directories: JSON filters [{tag,value,match[]}] or CSV with artist,album,track "
          + "columns, comma-separated, re-read when they change; or kafka:TOPIC, a compacted topic of "
          + "entries. Empty: the original job's six filters (Little Mix, Glory Days, ...).")
  List<String> getCatalog();

  void setCatalog(List<String> value);

  @Description(
      "How often each worker checks the catalog files or topic for a change, in seconds; 0: never.")
  @Default.Integer(30)
  int getCatalogRefreshSeconds();

  void setCatalogRefreshSeconds(int value);

  @Description(
      "Whitelisted domains, comma-separated; a URL on one of them or a sub-domain is ignored. "
          + "Default: the original job's six (spotify.com, twitter.com, ...).")
  List<String> getWhitelist();

  void setWhitelist(List<String> value);

  @Description(
      "Blacklisted domains, comma-separated; when set, a tweet must link to one of them.")
  List<String> getBlacklist();

  void setBlacklist(List<String> value);

  @Description(
      "Shape of the input records: auto (recognised per record: tweets, Bluesky Jetstream events, "
          + "Mastodon statuses and frames may share a topic), twitter, bluesky or mastodon.")
  @Default.String("auto")
  String getInputFormat();

  void setInputFormat(String value);

  @Description("Distinct catalog entries a tweet must name to match (1 or more).")
  @Default.Integer(2)
  int getMinMatches();

  void setMinMatches(int value);

  @Description("Also match names of 7+ letters misspelt by one edit.")
  @Default.Boolean(false)
  boolean getFuzzy();

  void setFuzzy(boolean value);

  @Description("Resolve links on known shortener hosts (HEAD, bounded hops and time).")
  @Default.Boolean(true)
  boolean getUnshorten();

  void setUnshorten(boolean value);

  @Description("Extra shortener hosts, comma-separated, added to bit.ly, t.co, ow.ly, ...")
  List<String> getShorteners();

  void setShorteners(List<String> value);

  @Description("Total time allowed to resolve one shortened link, in milliseconds.")
  @Default.Integer(5000)
  int getUnshortenTimeoutMillis();

  void setUnshortenTimeoutMillis(int value);

  @Description(
      "Allow redirects to loopback and private addresses (for tests against a local server only).")
  @Default.Boolean(false)
  boolean getUnshortenAllowPrivate();

  void setUnshortenAllowPrivate(boolean value);
}
