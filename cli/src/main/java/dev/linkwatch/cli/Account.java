package dev.linkwatch.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What went where: records in, matched, unmatched by reason, errors by step, and the outputs. The demo
 * and {@code run} print the same account. Thread-safe: the demo's watcher adds while its status loop
 * reads.
 *
 * <p>Everything is counted as a consumer sees it: the output files' lines (or the output topics'
 * records, in the demo), parsed strictly; a line that is not a linkwatch record is counted as
 * unreadable and makes the account fail to add up.
 */
public final class Account {
  private final AtomicLong in = new AtomicLong();
  private final AtomicLong matched = new AtomicLong();
  private final Map<String, AtomicLong> unmatched = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
  private final AtomicLong unreadable = new AtomicLong();
  private final List<String> outputs = java.util.Collections.synchronizedList(new ArrayList<>());

  private static final ObjectMapper STRICT =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  public void setIn(long n) {
    in.set(n);
  }

  public void clearOutputs() {
    outputs.clear();
  }

  public void addIn(long n) {
    in.addAndGet(n);
  }

  public void addMatched() {
    matched.incrementAndGet();
  }

  public void addMatched(long n) {
    matched.addAndGet(n);
  }

  public void addUnmatched(String reason) {
    unmatched.computeIfAbsent(reason, k -> new AtomicLong()).incrementAndGet();
  }

  public void addUnmatched(String reason, long n) {
    if (n > 0) {
      unmatched.computeIfAbsent(reason, k -> new AtomicLong()).addAndGet(n);
    }
  }

  public void addError(String step) {
    errors.computeIfAbsent(step, k -> new AtomicLong()).incrementAndGet();
  }

  public void addErrors(String step, long n) {
    if (n > 0) {
      errors.computeIfAbsent(step, k -> new AtomicLong()).addAndGet(n);
    }
  }

  public void addOutput(String where) {
    outputs.add(where);
  }

  /** Counts one unmatched record (from a file line or a topic) under its code and reason. */
  public void addUnmatchedRecord(byte[] value) {
    try {
      JsonNode n = STRICT.readTree(value);
      addUnmatched(
          n.path("outcome").asText().equals("notice")
              ? "stream notice"
              : n.path("code").asText("?") + " " + n.path("reason").asText("?"));
    } catch (IOException e) {
      unreadable.incrementAndGet();
    }
  }

  /** Counts one error record under the step that refused it. */
  public void addErrorRecord(byte[] value) {
    try {
      addError(STRICT.readTree(value).path("step").asText("?"));
    } catch (IOException e) {
      unreadable.incrementAndGet();
    }
  }

  /** Counts one matched record; it must at least be JSON. */
  public void addMatchedRecord(byte[] value) {
    try {
      STRICT.readTree(value);
      addMatched();
    } catch (IOException e) {
      unreadable.incrementAndGet();
    }
  }

  public long in() {
    return in.get();
  }

  public long matched() {
    return matched.get();
  }

  public long unmatched() {
    return unmatched.values().stream().mapToLong(AtomicLong::get).sum();
  }

  public long errors() {
    return errors.values().stream().mapToLong(AtomicLong::get).sum();
  }

  public long unreadable() {
    return unreadable.get();
  }

  /** True when every record that came in went out once, to one channel, readable. */
  public boolean addsUp() {
    return unreadable.get() == 0 && matched() + unmatched() + errors() == in();
  }

  /** The account as the console shows it: a heading and one line per figure, ending in a newline. */
  public String render() {
    long out = matched() + unmatched() + errors();
    StringBuilder sb = new StringBuilder();
    sb.append("Summary\n");
    sb.append(String.format("  records in      %d%n", in()));
    sb.append(String.format("  matched         %d%n", matched()));
    sb.append(String.format("  unmatched       %d%n", unmatched()));
    sorted(unmatched).forEach((k, v) -> sb.append(String.format("      %-44s %d%n", k, v)));
    sb.append(String.format("  errors          %d%n", errors()));
    sorted(errors).forEach((k, v) -> sb.append(String.format("      %-44s %d%n", k, v)));
    if (unreadable.get() > 0) {
      sb.append(String.format("  unreadable      %d (output lines that are not linkwatch records)%n", unreadable.get()));
    }
    sb.append(
        String.format(
            "  accounted for   %d of %d %s%n",
            out, in(), addsUp() ? "(nothing lost)" : "(MISSING " + (in() - out) + ")"));
    synchronized (outputs) {
      if (!outputs.isEmpty()) {
        sb.append("  outputs         ").append(String.join(", ", outputs)).append('\n');
      }
    }
    return sb.toString();
  }

  private static Map<String, Long> sorted(Map<String, AtomicLong> m) {
    Map<String, Long> copy = new TreeMap<>();
    m.forEach((k, v) -> copy.put(k, v.get()));
    return copy;
  }

  /** Counts a JSON Lines file's records (non-blank lines, split on '\n' in bytes as file mode reads them). */
  static void eachRecord(Path file, java.util.function.Consumer<byte[]> each) throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      ByteArrayOutputStream line = new ByteArrayOutputStream(8192);
      int b;
      while (true) {
        b = in.read();
        if (b == '\n' || b == -1) {
          byte[] bytes = line.toByteArray();
          int len = bytes.length;
          if (len > 0 && bytes[len - 1] == '\r') {
            bytes = java.util.Arrays.copyOf(bytes, len - 1);
          }
          if (!isBlank(bytes)) {
            each.accept(bytes);
          }
          line.reset();
          if (b == -1) {
            return;
          }
        } else {
          line.write(b);
        }
      }
    }
  }

  private static boolean isBlank(byte[] bytes) {
    for (byte x : bytes) {
      if (x != ' ' && x != '\t') {
        return false;
      }
    }
    return true;
  }
}
