package dev.linkwatch.core;

import java.util.Locale;

/** Kind of catalog entry; the match threshold is about naming entries, whatever their kind. */
public enum Tag {
  ARTIST,
  ALBUM,
  TRACK;

  /** Lower-case name, as used in the original filters JSON and in enriched output. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Case-insensitive, surrounding blanks ignored, so hand-written catalogs need not be exact.
   *
   * @throws IllegalArgumentException naming the bad value
   */
  public static Tag parse(String s) {
    if (s != null) {
      String t = s.trim();
      for (Tag tag : values()) {
        if (tag.name().equalsIgnoreCase(t)) {
          return tag;
        }
      }
    }
    throw new IllegalArgumentException(
        "tag '" + s + "' is not one of artist, album, track");
  }
}
