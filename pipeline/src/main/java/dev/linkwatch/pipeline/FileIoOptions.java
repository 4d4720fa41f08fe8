package dev.linkwatch.pipeline;

import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** File mode: JSON Lines in, JSON Lines out. When input is set, Kafka is not used. */
public interface FileIoOptions extends PipelineOptions {
  @Description(
      "Read posts from this JSON Lines file or glob instead of Kafka, e.g. tweets.jsonl or in/*.jsonl; "
          + "- reads standard input (to its end, then runs).")
  String getInput();

  void setInput(String value);

  @Description(
      "Write matched.jsonl, unmatched.jsonl, errors.jsonl and counts.jsonl into this directory (file "
          + "mode; a new or empty one, or one with linkwatch output and --overwrite); - writes the matched "
          + "records to standard output.")
  String getOutput();

  void setOutput(String value);
}
