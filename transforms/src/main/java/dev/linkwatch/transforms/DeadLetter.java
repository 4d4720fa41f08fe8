package dev.linkwatch.transforms;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import org.apache.beam.sdk.coders.Coder;

/**
 * The one error envelope of linkwatch: every record that could not be processed leaves as a dead letter
 * that says which step refused it and why, and carries the original key and value bytes unchanged with
 * their Kafka coordinates, so the record can be found, fixed and replayed.
 */
public record DeadLetter(
    SourceRecord source, String step, String reason, String exceptionClass, String stackTrace) {

  /** The contract of error records; an additive change keeps the number, anything else bumps it. */
  public static final String SCHEMA = "linkwatch.errors/1";

  private static final int MAX_STACK_CHARS = 2000;
  private static final JsonFactory JSON = new JsonFactory();

  public DeadLetter {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(reason, "reason");
  }

  /** A refusal the step expected (bad input): the reason says it all, no stack trace needed. */
  public static DeadLetter of(SourceRecord source, String step, String reason) {
    return new DeadLetter(source, step, reason, null, null);
  }

  /** A refusal caused by an exception; the stack is truncated to keep error records small. */
  public static DeadLetter of(SourceRecord source, String step, Throwable error) {
    StringWriter sw = new StringWriter();
    error.printStackTrace(new PrintWriter(sw));
    String stack = sw.toString();
    if (stack.length() > MAX_STACK_CHARS) {
      stack = stack.substring(0, MAX_STACK_CHARS) + "...";
    }
    String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    return new DeadLetter(source, step, message, error.getClass().getName(), stack);
  }

  /**
   * The envelope as one JSON object whose first member is {@code "schema": "linkwatch.errors/1"} (see
   * {@code docs/schemas/errors.schema.json}). The value is always present as base64 (exact bytes); {@code value_text} is
   * added only when the bytes are valid UTF-8, as a convenience for people reading the topic.
   */
  public byte[] toJson() {
    return render(Integer.MAX_VALUE, true);
  }

  /**
   * The envelope, at most about {@code maxBytes} long so that it can itself be written to Kafka. A record
   * refused for its size would not fit whole: then the readable copy is left out first, and if still too
   * large the value is cut, with its full length and SHA-256 so the original can be found upstream.
   */
  public byte[] toJson(int maxBytes) {
    byte[] full = render(Integer.MAX_VALUE, true);
    if (full.length <= maxBytes) {
      return full;
    }
    byte[] noText = render(Integer.MAX_VALUE, false);
    if (noText.length <= maxBytes) {
      return noText;
    }
    int room = Math.max(0, (maxBytes - (noText.length - base64Length(lengthOf(source.value())))) * 3 / 4 - 256);
    return render(room, false);
  }

  private static int base64Length(int n) {
    return (n + 2) / 3 * 4;
  }

  private byte[] render(int maxValueBytes, boolean withText) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + lengthOf(source.value()) * 2);
    try (JsonGenerator g = JSON.createGenerator(bytes)) {
      g.writeStartObject();
      g.writeStringField("schema", SCHEMA);
      g.writeStringField("outcome", "error");
      g.writeStringField("step", step);
      g.writeStringField("reason", reason);
      g.writeStringField("topic", source.topic());
      g.writeNumberField("partition", source.partition());
      g.writeNumberField("offset", source.offset());
      g.writeNumberField("timestamp", source.timestampMillis());
      if (source.key() != null) {
        g.writeStringField("key_base64", Base64.getEncoder().encodeToString(source.key()));
      }
      byte[] value = source.value();
      if (value != null && value.length <= maxValueBytes) {
        g.writeStringField("value_base64", Base64.getEncoder().encodeToString(value));
        String text = withText ? strictUtf8(value) : null;
        if (text != null) {
          g.writeStringField("value_text", text);
        }
      } else if (value != null) {
        g.writeStringField(
            "value_base64",
            Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(value, maxValueBytes)));
        g.writeBooleanField("value_truncated", true);
        g.writeNumberField("value_length", value.length);
        g.writeStringField("value_sha256", sha256(value));
      }
      if (exceptionClass != null) {
        g.writeStringField("exception", exceptionClass);
        g.writeStringField("stack", stackTrace);
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static String sha256(byte[] value) {
    try {
      return java.util.HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(value));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int lengthOf(byte[] b) {
    return b == null ? 0 : b.length;
  }

  private static String strictUtf8(byte[] value) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(value))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static final Coder<DeadLetter> CODER =
      Codec.coder(
          1,
          (d, out) -> {
            SourceRecord.write(d.source, out);
            Codec.writeString(out, d.step);
            Codec.writeString(out, d.reason);
            Codec.writeString(out, d.exceptionClass);
            Codec.writeString(out, d.stackTrace);
          },
          in ->
              new DeadLetter(
                  SourceRecord.read(in),
                  Codec.readString(in),
                  Codec.readString(in),
                  Codec.readString(in),
                  Codec.readString(in)));

  public static Coder<DeadLetter> coder() {
    return CODER;
  }
}
