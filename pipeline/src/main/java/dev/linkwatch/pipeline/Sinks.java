package dev.linkwatch.pipeline;

import dev.linkwatch.transforms.OutputRecord;
import java.io.Serializable;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.POutput;

/** Where each channel's records are written; tests swap Kafka for an in-memory check. */
@FunctionalInterface
public interface Sinks extends Serializable {
  PTransform<PCollection<OutputRecord>, ? extends POutput> to(Channel channel);

  /**
   * The writer of one named branch of a channel (see {@link #writesEachBranch}). Sinks that keep
   * progress per writer (the exactly-once writer) need a name that is the same in every run.
   */
  default PTransform<PCollection<OutputRecord>, ? extends POutput> to(Channel channel, String branch) {
    return to(channel);
  }

  /**
   * Whether a channel fed by several branches may get one writer per branch. Kafka topics can (and on
   * Flink a Flatten before the writer would cut the fused chain and ship every record through the
   * network stack); a file cannot have two writers, so file sinks get the branches flattened.
   */
  default boolean writesEachBranch() {
    return false;
  }
}
