package dev.linkwatch.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads fixture files as raw lines of bytes, so that bytes reach the parser exactly as stored. */
final class TweetFixtures {
  private TweetFixtures() {}

  static byte[] resource(String path) {
    try (InputStream in = TweetFixtures.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Lines split on LF; a final line without LF is kept, a trailing empty line is not. */
  static List<byte[]> lines(String path) {
    byte[] all = resource(path);
    List<byte[]> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < all.length; i++) {
      if (all[i] == '\n') {
        out.add(Arrays.copyOfRange(all, start, i));
        start = i + 1;
      }
    }
    if (start < all.length) {
      out.add(Arrays.copyOfRange(all, start, all.length));
    }
    return out;
  }

  static List<String> textLines(String path) {
    return new String(resource(path), StandardCharsets.UTF_8).lines().toList();
  }
}
