package dev.linkwatch.pipeline;

import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** File mode: JSON Lines in, JSON Lines out. When input is set, Kafka is not used. */
public interface FileIoOptions extends PipelineOptions {
  @Description("Read tweets from this JSON Lines file or glob instead of Kafka, e.g. tweets.jsonl.")
  String getInput();

  void setInput(String value);

  @Description(
      "Write matched.jsonl, unmatched.jsonl and errors.jsonl into this directory (file mode).")
  String getOutput();

  void setOutput(String value);
}
