package dev.linkwatch.pipeline;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** The counts: batch and sliding window lengths, lateness, time domain, where they go. */
public interface WindowingOptions extends PipelineOptions {
  @Description("Batch length in seconds (fixed windows), as the original job's 30 s batches.")
  @Default.Integer(30)
  int getBatchSeconds();

  void setBatchSeconds(int value);

  @Description("Sliding window length in seconds (default 6 h); a multiple of slideSeconds.")
  @Default.Integer(21600)
  int getWindowSeconds();

  void setWindowSeconds(int value);

  @Description("How often the sliding window advances, in seconds; a multiple of batchSeconds.")
  @Default.Integer(30)
  int getSlideSeconds();

  void setSlideSeconds(int value);

  @Description("How late (event time) a record may be and still update its windows, in seconds.")
  @Default.Integer(300)
  int getAllowedLatenessSeconds();

  void setAllowedLatenessSeconds(int value);

  @Description("How many artists and domains each count report lists (by count, ties by name).")
  @Default.Integer(10)
  int getTopN();

  void setTopN(int value);

  @Description(
      "Which clock windows use: event (the tweet's timestamp_ms or created_at, else the Kafka record "
          + "time), kafka (the Kafka record time) or processing (arrival at linkwatch).")
  @Default.String("event")
  String getTimeDomain();

  void setTimeDomain(String value);

  @Description("Topic for the counts as JSON records (in file mode: counts.jsonl).")
  @Default.String("tweets.counts")
  String getCountsTopic();

  void setCountsTopic(String value);

  @Description("Print the counts to the console in the original job's layout.")
  @Default.Boolean(true)
  boolean getPrintCounts();

  void setPrintCounts(boolean value);
}
