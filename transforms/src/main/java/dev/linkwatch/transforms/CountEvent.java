package dev.linkwatch.transforms;

import java.util.List;
import org.apache.beam.sdk.coders.Coder;

/**
 * How one input record was routed, reduced to what the counts need: its outcome and, for a matched
 * tweet, the artists named and the distinct primary domains linked to. Its element timestamp is the
 * record's event time.
 */
public record CountEvent(Outcome outcome, List<String> artists, List<String> domains) {

  public enum Outcome {
    MATCHED,
    UNMATCHED,
    ERRORED,
    NOTICE
  }

  public static CountEvent of(Outcome outcome) {
    return new CountEvent(outcome, List.of(), List.of());
  }

  private static final Coder<CountEvent> CODER =
      Codec.coder(
          (e, out) -> {
            out.writeByte(e.outcome.ordinal());
            Codec.writeList(out, e.artists, (s, o) -> Codec.writeString(o, s));
            Codec.writeList(out, e.domains, (s, o) -> Codec.writeString(o, s));
          },
          in ->
              new CountEvent(
                  Outcome.values()[in.readByte()],
                  Codec.readList(in, Codec::readString),
                  Codec.readList(in, Codec::readString)));

  public static Coder<CountEvent> coder() {
    return CODER;
  }
}
