package dev.linkwatch.testing;

import dev.linkwatch.local.TweetGenerator;
import dev.linkwatch.testing.KafkaClients;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Generated tweets streamed into a topic at a set rate, stamped with the time they are sent (as a live
 * stream's are), from a thread of its own, through whatever the broker goes through.
 *
 * <p>The producer is the upstream system, not the system under test, so it is set to wait out every
 * fault the tests inject instead of failing: records sent while the broker is down or frozen stay in its
 * buffer and are delivered when it is back. A record it could not deliver after all is counted as
 * failed; the tests require none.
 */
final class TweetStream implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final Integer partition;
  private final Thread thread;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private volatile int rate;
  private volatile boolean running = true;

  /**
   * @param partition the only partition written to, or null for the producer's own choice (all of them)
   */
  TweetStream(String bootstrap, String topic, Integer partition, int ratePerSecond, long seed) {
    this.producer =
        KafkaClients.producer(
            bootstrap,
            Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5,
                // Longer than any fault here (30 s pause, 10 s kill plus a slow restart on a loaded
                // machine), so nothing the stream sent is given up while the broker is away.
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 240_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 240_000));
    this.topic = topic;
    this.partition = partition;
    this.rate = ratePerSecond;
    this.thread = new Thread(() -> run(seed), "tweet-stream-" + topic);
    thread.setDaemon(true);
    thread.start();
  }

  /** From now on, this many tweets a second. */
  void rate(int perSecond) {
    this.rate = perSecond;
  }

  long sent() {
    return sent.get();
  }

  long acked() {
    return acked.get();
  }

  /** Records the producer gave up on (or could not even hand over); the first 20 in {@link #failures}. */
  long failed() {
    return failed.get();
  }

  List<String> failures() {
    return List.copyOf(failures);
  }

  private void run(long seed) {
    TweetGenerator generator = new TweetGenerator(seed, 0.02, Instant.now());
    long slotStart = System.nanoTime();
    long slotSent = 0;
    int slotRate = rate;
    while (running) {
      if (rate != slotRate) {
        slotStart = System.nanoTime();
        slotSent = 0;
        slotRate = rate;
      }
      long due = slotStart + slotSent * 1_000_000_000L / slotRate;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        try {
          Thread.sleep(Math.min(wait / 1_000_000, 50), (int) (wait % 1_000_000));
        } catch (InterruptedException e) {
          return;
        }
        continue;
      }
      TweetGenerator.Generated g = generator.nextAt(Instant.now());
      slotSent++;
      try {
        producer.send(
            new ProducerRecord<>(topic, partition, null, null, g.value()),
            (meta, error) -> {
              if (error == null) {
                acked.incrementAndGet();
              } else if (failed.incrementAndGet() <= 20) {
                failures.add(error.toString());
              }
            });
        sent.incrementAndGet();
      } catch (RuntimeException e) {
        if (failed.incrementAndGet() <= 20) {
          failures.add("send: " + e);
        }
      }
    }
  }

  /** Stops sending and waits until everything sent is acknowledged (or {@code max} has passed). */
  void stop(Duration max) throws InterruptedException {
    running = false;
    thread.join(10_000);
    long deadline = System.nanoTime() + max.toNanos();
    while (acked.get() + failed.get() < sent.get() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(10_000);
    producer.close(Duration.ofSeconds(10));
  }
}
