package dev.linkwatch.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Strict UTF-8 validation (RFC 3629). Needed because Jackson 2.15 decodes overlong forms ({@code
 * C0 80} becomes NUL), UTF-8-encoded surrogates and code points above U+10FFFF without complaint,
 * and an overlong or NUL-carrying text could slip past term matching while looking normal to
 * people. One pass with an 8-byte ASCII fast path costs a few microseconds per tweet.
 */
final class Utf8 {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long HIGH_BITS = 0x8080808080808080L;

  private Utf8() {}

  /** Offset of the first byte of the first invalid sequence, or -1 when all of it is valid. */
  static int firstInvalid(byte[] b) {
    int i = 0;
    int n = b.length;
    while (i < n) {
      if (i + 8 <= n && (((long) LONGS.get(b, i)) & HIGH_BITS) == 0) {
        i += 8;
        continue;
      }
      int c = b[i] & 0xFF;
      if (c < 0x80) {
        i++;
        continue;
      }
      int len;
      int min;
      int max;
      if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        min = 0x80;
        max = 0x7FF;
      } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        min = 0x800;
        max = 0xFFFF;
      } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        min = 0x10000;
        max = 0x10FFFF;
      } else {
        return i; // continuation byte as lead, C0/C1 overlong leads, F5..FF
      }
      if (i + len > n) {
        return i;
      }
      int cp = c & (0xFF >> (len + 1));
      for (int k = 1; k < len; k++) {
        int cc = b[i + k] & 0xFF;
        if ((cc & 0xC0) != 0x80) {
          return i;
        }
        cp = (cp << 6) | (cc & 0x3F);
      }
      if (cp < min || cp > max || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return i;
      }
      i += len;
    }
    return -1;
  }
}
