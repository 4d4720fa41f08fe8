package dev.linkwatch.transforms;

import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;

/**
 * The typed output of a multi-output composite (as Beam's {@code WithFailures.Result}): its accessors
 * name what each output holds, so callers never fetch tags from the transform instance. Beam sees the
 * underlying tuple.
 */
abstract class TaggedResult implements POutput {
  final PCollectionTuple tuple;

  TaggedResult(PCollectionTuple tuple) {
    this.tuple = tuple;
  }

  @Override
  public Pipeline getPipeline() {
    return tuple.getPipeline();
  }

  @Override
  public Map<TupleTag<?>, PValue> expand() {
    return tuple.expand();
  }

  @Override
  public void finishSpecifyingOutput(
      String transformName, PInput input, PTransform<?, ?> transform) {
    tuple.finishSpecifyingOutput(transformName, input, transform);
  }
}
