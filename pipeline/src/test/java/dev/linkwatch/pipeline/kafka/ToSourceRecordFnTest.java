package dev.linkwatch.pipeline.kafka;

import dev.linkwatch.pipeline.Windowing;

import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.KafkaRecordCoder;
import org.apache.beam.sdk.io.kafka.KafkaTimestampType;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;

/** The Kafka source marks a record too late exactly when its stamp is after its own time. */
public class ToSourceRecordFnTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  private static KafkaRecord<byte[], byte[]> tweetAt(long offset, long eventMillis) {
    byte[] value = ("{\"timestamp_ms\":\"" + eventMillis + "\",\"text\":\"x\"}").getBytes(StandardCharsets.UTF_8);
    return new KafkaRecord<>("tweets", 0, offset, 0L, KafkaTimestampType.CREATE_TIME, new RecordHeaders(), null, value);
  }

  @Test
  public void marksClampedRecordsOnly() {
    long t0 = 1_484_181_390_000L;
    Windowing event =
        new Windowing(
            Duration.standardSeconds(30), Duration.standardHours(6), Duration.standardSeconds(30),
            Duration.standardMinutes(5), 10, Windowing.TimeDomain.EVENT, false);
    org.apache.beam.sdk.values.PCollection<KafkaRecord<byte[], byte[]>> records =
        p.apply(
            Create.timestamped(
                    TimestampedValue.of(tweetAt(1, t0), new Instant(t0)),
                    TimestampedValue.of(tweetAt(2, t0), new Instant(t0 + 3_570_000)))
                .withCoder(KafkaRecordCoder.of(NullableCoder.of(ByteArrayCoder.of()), ByteArrayCoder.of())));
    org.apache.beam.sdk.values.PCollection<dev.linkwatch.transforms.SourceRecord> marked =
        records.apply(ParDo.of(new KafkaIo.ToSourceRecordFn(event))).setCoder(dev.linkwatch.transforms.SourceRecord.coder());
    PAssert.that(
            marked.apply(
                MapElements.into(TypeDescriptors.strings())
                    .via((dev.linkwatch.transforms.SourceRecord r) -> r.offset() + ":" + r.tooLate())))
        .containsInAnyOrder("1:false", "2:true");
    p.run();
  }
}
