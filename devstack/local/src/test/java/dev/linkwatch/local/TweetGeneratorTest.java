package dev.linkwatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linkwatch.core.EventTimes;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TweetGeneratorTest {
  private static final Instant START = Instant.parse("2017-01-12T00:00:00Z");

  @Test
  void nextAtStampsTheGivenEventTime() {
    TweetGenerator generator = new TweetGenerator(5, 0.05, START);
    int stamped = 0;
    for (int i = 0; i < 500; i++) {
      Instant at = Instant.parse("2026-12-01T18:00:00Z").plusMillis(997L * i);
      TweetGenerator.Generated g = generator.nextAt(at);
      if (g.kind() != TweetGenerator.Kind.BROKEN) {
        assertThat(EventTimes.of(g.value())).as("record %d (%s)", i, g.kind()).hasValue(at.toEpochMilli());
        stamped++;
      }
    }
    assertThat(stamped).isGreaterThan(400);
  }

  @Test
  void nextKeepsItsOwnClockAndTheSameSeedGivesTheSameBytes() {
    TweetGenerator a = new TweetGenerator(5, 0.05, START);
    TweetGenerator b = new TweetGenerator(5, 0.05, START);
    long previous = START.toEpochMilli();
    for (int i = 0; i < 200; i++) {
      TweetGenerator.Generated g = a.next();
      assertThat(b.next().value()).isEqualTo(g.value());
      if (g.kind() != TweetGenerator.Kind.BROKEN) {
        long t = EventTimes.of(g.value()).orElseThrow();
        assertThat(t).isGreaterThan(previous).isLessThanOrEqualTo(START.toEpochMilli() + 40 * (i + 1L));
        previous = t;
      }
    }
  }
}
