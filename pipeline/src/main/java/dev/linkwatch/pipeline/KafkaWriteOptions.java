package dev.linkwatch.pipeline;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** The topics the routed records go to. */
public interface KafkaWriteOptions extends PipelineOptions {
  @Description("Topic for matched tweets (original JSON plus an 'enriched' member).")
  @Default.String("tweets.matched")
  String getMatchedTopic();

  void setMatchedTopic(String value);

  @Description("Topic for tweets that did not match, with the rule's code and reason.")
  @Default.String("tweets.unmatched")
  String getUnmatchedTopic();

  void setUnmatchedTopic(String value);

  @Description("Topic for records that could not be processed (dead letters with original bytes).")
  @Default.String("tweets.errors")
  String getErrorsTopic();

  void setErrorsTopic(String value);

  @Description("Largest output record in bytes; larger matched records go to the errors topic.")
  @Default.Integer(1_000_000)
  int getMaxRecordBytes();

  void setMaxRecordBytes(int value);

  @Description(
      "Write the matched, unmatched and error topics through Kafka transactions that also commit the "
          + "input offset they reach, so read_committed consumers see each record once across crashes and "
          + "restarts (the counts topic stays at-least-once). Needs the Flink runner with --checkpointDir; "
          + "a restarted job must keep its --consumerGroup.")
  @Default.Boolean(false)
  boolean getExactlyOnce();

  void setExactlyOnce(boolean value);
}
