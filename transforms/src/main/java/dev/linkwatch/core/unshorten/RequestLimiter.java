package dev.linkwatch.core.unshorten;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A non-blocking semaphore: work beyond the limit is queued and started when a permit comes
 * back, so callers (Beam processElement threads) never park on {@code acquire()}.
 */
final class RequestLimiter {

  /** Returned exactly once per task; releasing twice is harmless so error paths stay simple. */
  interface Permit {
    void release();
  }

  private final int max;
  private final ArrayDeque<Consumer<Permit>> waiting = new ArrayDeque<>();
  private int inFlight;

  RequestLimiter(int max) {
    this.max = max;
  }

  /** Runs {@code task} now (on this thread) or later (on the releasing thread) with a permit. */
  void submit(Consumer<Permit> task) {
    synchronized (this) {
      if (inFlight >= max) {
        waiting.add(task);
        return;
      }
      inFlight++;
    }
    task.accept(newPermit());
  }

  synchronized int inFlight() {
    return inFlight;
  }

  /** Forgets queued tasks; their owners are completed by whoever calls this. */
  synchronized List<Consumer<Permit>> clear() {
    List<Consumer<Permit>> out = new ArrayList<>(waiting);
    waiting.clear();
    return out;
  }

  private Permit newPermit() {
    AtomicBoolean released = new AtomicBoolean();
    return () -> {
      if (released.compareAndSet(false, true)) {
        handOff();
      }
    };
  }

  private void handOff() {
    Consumer<Permit> next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        inFlight--;
        return;
      }
    }
    next.accept(newPermit()); // the permit moves to the next task; inFlight is unchanged
  }
}
