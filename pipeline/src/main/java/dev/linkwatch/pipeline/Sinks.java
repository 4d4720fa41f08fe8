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
   * Whether a channel fed by several branches may get one writer per branch. Kafka topics can (and on
   * Flink a Flatten before the writer would cut the fused chain and ship every record through the
   * network stack); a file cannot have two writers, so file sinks get the branches flattened.
   */
  default boolean writesEachBranch() {
    return false;
  }
}
