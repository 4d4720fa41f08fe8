package dev.linkwatch.sources;

import java.util.HashMap;
import java.util.Map;

/**
 * What a Jetstream bridge has written, for its at-uri dedupe: the highest event time, and the identity
 * of every event written at or after that time minus the overlap. A reconnect asks the server for
 * everything from {@link #resumeFromUs()}, so every replayed event that was written before is in
 * {@code recent}; an event at or below the highest time that is not there is new (the stream's times
 * jitter) and is written.
 *
 * <p>An identity is {@code did}, collection, {@code rkey}, {@code rev} and operation for a commit (the
 * same post seen again, also from another Jetstream instance, whose {@code time_us} differs), and
 * {@code did}, kind and {@code time_us} for identity and account events. Not thread-safe: the bridge
 * guards it.
 */
final class WrittenEvents {
  private final long overlapUs;
  private long highestUs;
  private final Map<String, Long> recent = new HashMap<>();

  WrittenEvents(long overlapUs, CursorStore.Cursor from) {
    this.overlapUs = overlapUs;
    this.highestUs = from == null ? -1 : from.timeUs();
    if (from != null) {
      recent.putAll(from.recent());
    }
  }

  /** True when this exact event was written before and a replay brings it again: skip it. */
  boolean alreadyWritten(String identity, long timeUs) {
    return timeUs <= highestUs && recent.containsKey(identity);
  }

  void written(String identity, long timeUs) {
    recent.put(identity, timeUs);
    highestUs = Math.max(highestUs, timeUs);
  }

  /** The {@code cursor} to ask for on (re)connect; negative when nothing was written yet (start live). */
  long resumeFromUs() {
    return highestUs < 0 ? -1 : highestUs - overlapUs;
  }

  long highestUs() {
    return highestUs;
  }

  /** The cursor to save, dropping identities that a resume can no longer bring back. */
  CursorStore.Cursor snapshot() {
    long oldest = highestUs - overlapUs;
    recent.values().removeIf(t -> t < oldest);
    return new CursorStore.Cursor(highestUs, recent);
  }
}
