package dev.linkwatch.sources;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleConsumer;
import java.util.function.LongSupplier;

/**
 * How both bridges wait on an open connection: until it closes, goes quiet for too long, or the bridge
 * stops, saving the cursor and printing the status line at their intervals meanwhile.
 */
final class ConnectionWatch {
  private ConnectionWatch() {}

  /** Saves what Kafka has acknowledged so far. */
  interface Checkpoint {
    void save() throws IOException;
  }

  /**
   * Returns why the connection ended ("stopping" when the bridge stops). A consumer that threw (Kafka
   * refused a record) is fatal: an {@link IllegalStateException}, after nothing more is sent.
   *
   * @param received events received so far, for the status line's rate
   * @param status prints the status line for a rate in events per second
   */
  static String until(
      StreamConnection connection,
      BooleanSupplier stopping,
      Duration idleTimeout,
      Duration checkpointEvery,
      Checkpoint checkpoint,
      Duration statusEvery,
      LongSupplier received,
      DoubleConsumer status)
      throws IOException, InterruptedException {
    long lastCheckpoint = System.nanoTime();
    long lastStatus = System.nanoTime();
    long receivedAtStatus = received.getAsLong();
    while (!stopping.getAsBoolean()) {
      try {
        return connection.closed().get(200, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        // still open
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
      }
      long now = System.nanoTime();
      if (connection.quietNanos() > idleTimeout.toNanos()) {
        return "nothing for " + idleTimeout.toSeconds() + " s";
      }
      if (now - lastCheckpoint >= checkpointEvery.toNanos()) {
        checkpoint.save();
        lastCheckpoint = now;
      }
      if (!statusEvery.isZero() && now - lastStatus >= statusEvery.toNanos()) {
        long r = received.getAsLong();
        status.accept((r - receivedAtStatus) / ((now - lastStatus) / 1e9));
        receivedAtStatus = r;
        lastStatus = now;
      }
    }
    return "stopping";
  }
}
