package dev.linkwatch.transforms;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.CustomCoder;

/**
 * Compact binary coders for linkwatch's elements. Runners copy elements between operators through their
 * coders, so a field-by-field encoding is far cheaper than Java serialisation or re-serialising JSON.
 */
final class Codec {
  private Codec() {}

  /** Reads and writes one value type; a {@link CustomCoder} that delegates to two lambdas. */
  interface Writer<T> extends java.io.Serializable {
    void write(T value, DataOutputStream out) throws IOException;
  }

  interface Reader<T> extends java.io.Serializable {
    T read(DataInputStream in) throws IOException;
  }

  /**
   * A coder whose every encoding starts with {@code version}. These encodings end up in checkpoint
   * state (Flink checkpoints and savepoints, Spark's checkpoint directory), which may outlive the build
   * that wrote them. The upgrade rule: a change to what a coder writes raises its version, and a build
   * that reads another version refuses the state with a message saying so, instead of misreading it;
   * such an upgrade starts from the committed Kafka offsets, not from the old checkpoint
   * (docs/runners.md).
   */
  static <T> CustomCoder<T> coder(int version, Writer<T> writer, Reader<T> reader) {
    if (version < 1 || version > 127) {
      throw new IllegalArgumentException("coder version must be 1..127, was " + version);
    }
    return new LambdaCoder<>((byte) version, writer, reader);
  }

  private static final class LambdaCoder<T> extends CustomCoder<T> {
    private final byte version;
    private final Writer<T> writer;
    private final Reader<T> reader;

    LambdaCoder(byte version, Writer<T> writer, Reader<T> reader) {
      this.version = version;
      this.writer = writer;
      this.reader = reader;
    }

    @Override
    public void encode(T value, OutputStream outStream) throws IOException {
      DataOutputStream out = new DataOutputStream(outStream);
      out.writeByte(version);
      writer.write(value, out);
      out.flush();
    }

    @Override
    public T decode(InputStream inStream) throws IOException {
      DataInputStream in = new DataInputStream(inStream);
      byte found = in.readByte();
      if (found != version) {
        throw new org.apache.beam.sdk.coders.CoderException(
            "state written by coder version " + found + ", this build reads version " + version
                + ": restore from a checkpoint of the same linkwatch version, or start without it"
                + " (the committed Kafka offsets resume the stream)");
      }
      return reader.read(in);
    }
  }

  static void writeString(DataOutputStream out, String s) throws IOException {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    writeBytes(out, s.getBytes(StandardCharsets.UTF_8));
  }

  static String readString(DataInputStream in) throws IOException {
    byte[] bytes = readBytes(in);
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    if (b == null) {
      out.writeInt(-1);
      return;
    }
    out.writeInt(b.length);
    out.write(b);
  }

  static byte[] readBytes(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }

  static <T> void writeList(DataOutputStream out, List<T> list, Writer<T> item) throws IOException {
    out.writeInt(list.size());
    for (T t : list) {
      item.write(t, out);
    }
  }

  static <T> List<T> readList(DataInputStream in, Reader<T> item) throws IOException {
    int n = in.readInt();
    List<T> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(item.read(in));
    }
    return List.copyOf(list);
  }
}
