package dev.linkwatch.core;

/**
 * Normalised text plus, for every normalised char, the original UTF-16 range it came from, so hits
 * found in normalised space can be reported against the text the user sees.
 *
 * <p>For a separating space, the range is the gap between the neighbouring tokens. Arrays are not
 * copied (hot path); treat them as read-only. Record equality on arrays is by identity.
 */
public record NormalizedText(String text, int[] startOffsets, int[] endOffsets) {
  /** Original start of normalised char {@code i}. */
  public int originalStart(int i) {
    return startOffsets[i];
  }

  /** Original end (exclusive) of normalised char {@code i}. */
  public int originalEnd(int i) {
    return endOffsets[i];
  }
}
