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

  static <T> CustomCoder<T> coder(Writer<T> writer, Reader<T> reader) {
    return new LambdaCoder<>(writer, reader);
  }

  private static final class LambdaCoder<T> extends CustomCoder<T> {
    private final Writer<T> writer;
    private final Reader<T> reader;

    LambdaCoder(Writer<T> writer, Reader<T> reader) {
      this.writer = writer;
      this.reader = reader;
    }

    @Override
    public void encode(T value, OutputStream outStream) throws IOException {
      DataOutputStream out = new DataOutputStream(outStream);
      writer.write(value, out);
      out.flush();
    }

    @Override
    public T decode(InputStream inStream) throws IOException {
      return reader.read(new DataInputStream(inStream));
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
