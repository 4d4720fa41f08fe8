package dev.linkwatch.transforms;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * How a multi-output step ({@link ParseTweet}, {@link RouteByOutcome}) hands on its outputs: as Beam's
 * tagged outputs (the default), or, {@link #oneCollection() for one runner}, as a single collection
 * of {@link Tagged} elements that a filter per output splits right after the step. Either way the step's
 * result holds the same collections, with the same coders, under the same tags.
 *
 * <p>Why the second shape exists: Beam 2.70's Spark streaming runner caches the outputs of every ParDo
 * with more than one output as one collection, each element encoded with its output's coder, and
 * builds each output by decoding the whole cache again and keeping its own tag: every element is
 * decoded once per output. A collection that several steps read is cached too, but as bytes, and
 * {@link Tagged}'s coder leaves an element's value as bytes until the filter that keeps it asks for it:
 * each element is decoded in full once. Flink chains the tagged outputs and passes objects, so the
 * other runners keep Beam's shape.
 */
final class OneOutput implements Serializable {
  private static final long serialVersionUID = 1L;
  /** The single collection's tag. */
  static final TupleTag<Tagged> ALL = new TupleTag<>("OneOutput.all") {};

  private final boolean one;
  private final List<TupleTag<?>> tags;

  private OneOutput(boolean one, List<TupleTag<?>> tags) {
    this.one = one;
    this.tags = List.copyOf(tags);
  }

  /** Beam's tagged outputs, {@code tags.get(0)} the main one. */
  static OneOutput tagged(List<TupleTag<?>> tags) {
    return new OneOutput(false, tags);
  }

  /** The same outputs as one collection, split by a filter per output. */
  OneOutput oneCollection() {
    return new OneOutput(true, tags);
  }

  boolean isOneCollection() {
    return one;
  }

  /** Emits {@code value} on output {@code tag}, in whichever shape this is. */
  <T> void emit(DoFn.MultiOutputReceiver out, TupleTag<T> tag, T value) {
    if (one) {
      out.get(ALL).output(new Tagged(tags.indexOf(tag), value));
    } else {
      out.get(tag).output(value);
    }
  }

  /**
   * Applies {@code fn} (which emits through {@link #emit}) to {@code input} as step {@code name}, and
   * returns its outputs under their tags, each with its coder from {@code coders} (in the order of the
   * tags).
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  <InputT> PCollectionTuple apply(
      PCollection<InputT> input, String name, DoFn<InputT, ?> fn, List<Coder<?>> coders) {
    if (coders.size() != tags.size()) {
      throw new IllegalArgumentException("one coder per output: " + tags.size() + " tags, " + coders.size() + " coders");
    }
    if (!one) {
      TupleTagList rest = TupleTagList.empty();
      for (TupleTag<?> tag : tags.subList(1, tags.size())) {
        rest = rest.and(tag);
      }
      PCollectionTuple out =
          (PCollectionTuple) input.apply(name, ParDo.of((DoFn) fn).withOutputTags((TupleTag) tags.get(0), rest));
      for (int i = 0; i < tags.size(); i++) {
        out.get((TupleTag) tags.get(i)).setCoder((Coder) coders.get(i));
      }
      return out;
    }
    PCollection<Tagged> all =
        ((PCollectionTuple) input.apply(name, ParDo.of((DoFn) fn).withOutputTags((TupleTag) ALL, TupleTagList.empty())))
            .get(ALL)
            .setCoder(Tagged.coder(coders));
    PCollectionTuple out = PCollectionTuple.empty(input.getPipeline());
    for (int i = 0; i < tags.size(); i++) {
      PCollection split =
          all.apply(name + "Output" + i, ParDo.of(new Keep<>(i, coders.get(i)))).setCoder((Coder) coders.get(i));
      out = out.and((TupleTag) tags.get(i), split);
    }
    return out;
  }

  /** The values of one output out of the single collection. */
  static final class Keep<T> extends DoFn<Tagged, T> {
    private final int output;
    private final Coder<T> coder;

    Keep(int output, Coder<T> coder) {
      this.output = output;
      this.coder = coder;
    }

    @ProcessElement
    public void process(@Element Tagged element, OutputReceiver<T> out) throws CoderException {
      if (element.output == output) {
        out.output(element.value(coder));
      }
    }
  }

  /**
   * One output's element: the output's number and its value, or the value's encoding until it is
   * asked for (what {@link #coder} decodes to).
   */
  static final class Tagged {
    final int output;
    private Object value;
    private byte[] encoded;

    Tagged(int output, Object value) {
      if (output < 0) {
        throw new IllegalArgumentException("not one of the step's outputs");
      }
      this.output = output;
      this.value = value;
    }

    private Tagged(int output, byte[] encoded) {
      this.output = output;
      this.encoded = encoded;
    }

    @SuppressWarnings("unchecked")
    <T> T value(Coder<T> coder) throws CoderException {
      if (value == null) {
        value = CoderUtils.decodeFromByteArray(coder, encoded);
      }
      return (T) value;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    byte[] encoded(Coder coder) throws CoderException {
      return encoded != null ? encoded : CoderUtils.encodeToByteArray(coder, value);
    }

    /** The output's number, then its value's encoding by that output's coder, read back as bytes. */
    static Coder<Tagged> coder(List<Coder<?>> coders) {
      List<Coder<?>> byOutput = new ArrayList<>(coders);
      return Codec.coder(
          1,
          (Tagged t, DataOutputStream out) -> {
            out.writeByte(t.output);
            Codec.writeBytes(out, t.encoded(byOutput.get(t.output)));
          },
          (DataInputStream in) -> {
            int output = in.readUnsignedByte();
            if (output >= byOutput.size()) {
              throw new IOException("output " + output + " of a step with " + byOutput.size() + " outputs");
            }
            return new Tagged(output, Codec.readBytes(in));
          });
    }
  }
}
