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
}
