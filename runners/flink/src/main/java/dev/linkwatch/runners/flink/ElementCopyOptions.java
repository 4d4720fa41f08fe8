package dev.linkwatch.runners.flink;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Whether Flink copies every element between chained steps. Beam's Flink runner does unless its
 * {@code objectReuse} option is on, and for linkwatch's full-size tweets that copying (an encode and a
 * decode through the coder at each of about ten steps) cost more than a third of the throughput
 * ({@code ./linkwatch bench e2e}). linkwatch's steps never change what they are given or what they
 * have emitted, which Beam requires and the DirectRunner's immutability checks enforce in the tests,
 * so linkwatch turns Flink's object reuse and Beam's faster copy on. Beam's {@code objectReuse} option cannot tell "not given" from
 * "false", hence this separate switch.
 */
public interface ElementCopyOptions extends PipelineOptions {
  @Description(
      "Copy every element between chained steps, as Flink does by default (slower). linkwatch's steps "
          + "do not mutate elements, so it is off and Flink's objectReuse and fasterCopy are on.")
  @Default.Boolean(false)
  boolean getCopyElementsBetweenSteps();

  void setCopyElementsBetweenSteps(boolean value);
}
