package dev.linkwatch.pipeline;

import dev.linkwatch.transforms.OutputRecord;
import dev.linkwatch.transforms.SourceRecord;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import dev.linkwatch.core.EventTimes;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Instant;

/**
 * File mode: JSON Lines in (one tweet per line, read as raw bytes), {@code matched.jsonl}, {@code
 * unmatched.jsonl} and {@code errors.jsonl} out. A line's coordinates are the file name as topic,
 * partition 0 and the 1-based line number as offset, so error records point at the line to fix.
 */
public final class FileIo {
  private FileIo() {}

  public static PTransform<PBegin, PCollection<SourceRecord>> readLines(String filepattern) {
    return readLines(filepattern, Windowing.TimeDomain.EVENT);
  }

  /**
   * Lines stamped in {@code domain}: event time from the tweet (a line without one takes the time of
   * the line before it, see {@link SplitLinesFn}), the file's modification time (a file's stand-in for
   * the Kafka record time), or the time of reading.
   */
  public static PTransform<PBegin, PCollection<SourceRecord>> readLines(
      String filepattern, Windowing.TimeDomain domain) {
    return new PTransform<>("ReadJsonLines") {
      @Override
      public PCollection<SourceRecord> expand(PBegin input) {
        return input
            .apply("MatchFiles", FileIO.match().filepattern(filepattern))
            .apply("OpenFiles", FileIO.readMatches())
            .apply("SplitLines", ParDo.of(new SplitLinesFn(domain)))
            .setCoder(SourceRecord.coder());
      }
    };
  }

  /** Splits on '\n' in bytes (so invalid UTF-8 reaches the parser, and its error, unchanged). */
  static final class SplitLinesFn extends DoFn<FileIO.ReadableFile, SourceRecord> {
    private final Counter blankLines = Metrics.counter(FileIo.class, "blankLines");
    private final Windowing.TimeDomain domain;

    SplitLinesFn(Windowing.TimeDomain domain) {
      this.domain = domain;
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, OutputReceiver<SourceRecord> out)
        throws IOException {
      String name = file.getMetadata().resourceId().getFilename();
      // A file's stand-in for the Kafka record time: its modification time, or the time of reading
      // where the filesystem does not say.
      long fileTime = modifiedMillis(file);
      // One timeline per file: a line without an event time of its own (a broken record) takes the
      // time of the last line before it that had one; lines before the first such line take the
      // first one's time; only a file without any event time falls back to the file's time.
      long[] previous = {domain == Windowing.TimeDomain.EVENT ? firstEventTime(file, fileTime) : fileTime};
      forEachLine(
          file,
          true,
          (lineNumber, bytes) -> {
            long time =
                switch (domain) {
                  case PROCESSING -> System.currentTimeMillis();
                  case KAFKA -> fileTime;
                  case EVENT -> EventTimes.of(bytes).orElse(previous[0]);
                };
            previous[0] = time;
            out.outputWithTimestamp(
                new SourceRecord(name, 0, lineNumber, time, null, bytes), new Instant(time));
            return true;
          });
    }

    /** The event time of the file's first line that has one, else {@code fallback}. */
    private long firstEventTime(FileIO.ReadableFile file, long fallback) throws IOException {
      long[] first = {fallback};
      forEachLine(
          file,
          false,
          (lineNumber, bytes) -> {
            java.util.OptionalLong t = EventTimes.of(bytes);
            if (t.isPresent()) {
              first[0] = t.getAsLong();
              return false;
            }
            return true;
          });
      return first[0];
    }

    private interface LineConsumer {
      /** Takes one non-blank line (its 1-based number and bytes); false stops the reading. */
      boolean accept(long lineNumber, byte[] bytes);
    }

    private void forEachLine(FileIO.ReadableFile file, boolean countBlanks, LineConsumer consumer)
        throws IOException {
      try (InputStream in = new BufferedInputStream(Channels.newInputStream(file.open()), 1 << 16)) {
        ByteArrayOutputStream line = new ByteArrayOutputStream(8192);
        long lineNumber = 0;
        int b;
        while (true) {
          b = in.read();
          if (b == '\n' || b == -1) {
            if (b == -1 && line.size() == 0) {
              break;
            }
            lineNumber++;
            byte[] bytes = line.toByteArray();
            int len = bytes.length;
            if (len > 0 && bytes[len - 1] == '\r') {
              bytes = java.util.Arrays.copyOf(bytes, len - 1);
            }
            if (isBlank(bytes)) {
              // A blank line holds no record; counted so the line numbers still add up.
              if (countBlanks) {
                blankLines.inc();
              }
            } else if (!consumer.accept(lineNumber, bytes)) {
              break;
            }
            line.reset();
            if (b == -1) {
              break;
            }
          } else {
            line.write(b);
          }
        }
      }
    }

    private static long modifiedMillis(FileIO.ReadableFile file) {
      long modified = file.getMetadata().lastModifiedMillis();
      if (modified > 0) {
        return modified;
      }
      var id = file.getMetadata().resourceId();
      if ("file".equals(id.getScheme())) {
        try {
          // Beam's local filesystem leaves the metadata's time empty; ask the file itself.
          return java.nio.file.Files.getLastModifiedTime(java.nio.file.Path.of(id.toString())).toMillis();
        } catch (IOException | RuntimeException e) {
          // fall through to the time of reading
        }
      }
      return System.currentTimeMillis();
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

  public static Sinks sinks(String outputDir) {
    return channel -> writeLines(outputDir, channel.fileName());
  }

  static PTransform<PCollection<OutputRecord>, PDone> writeLines(String dir, String name) {
    String prefix = dir.endsWith("/") ? dir + name : dir + "/" + name;
    return new PTransform<>("WriteJsonLines") {
      @Override
      public PDone expand(PCollection<OutputRecord> input) {
        return input
            .apply(
                "ToLine",
                MapElements.into(TypeDescriptors.strings())
                    .via(r -> new String(r.value(), StandardCharsets.UTF_8)))
            .apply(
                "WriteFile",
                TextIO.write()
                    .to(prefix)
                    .withSuffix(".jsonl")
                    .withoutSharding()
                    .withShardNameTemplate(""));
      }
    };
  }
}
