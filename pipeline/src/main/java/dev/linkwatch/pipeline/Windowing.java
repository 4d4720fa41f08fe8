package dev.linkwatch.pipeline;

import java.util.Locale;
import org.joda.time.Duration;

/** The counting settings, checked once at start. */
public record Windowing(
    Duration batch,
    Duration window,
    Duration slide,
    Duration allowedLateness,
    int topN,
    TimeDomain timeDomain,
    boolean printCounts)
    implements java.io.Serializable {

  /** Which clock stamps records, and so decides their windows. */
  public enum TimeDomain {
    EVENT,
    KAFKA,
    PROCESSING
  }

  static Windowing from(WindowingOptions o) {
    if (o.getBatchSeconds() <= 0) {
      throw new ConfigException("batchSeconds must be positive, was " + o.getBatchSeconds());
    }
    if (o.getSlideSeconds() <= 0 || o.getSlideSeconds() % o.getBatchSeconds() != 0) {
      throw new ConfigException(
          "slideSeconds must be a positive multiple of batchSeconds (" + o.getBatchSeconds() + "), was " + o.getSlideSeconds());
    }
    if (o.getWindowSeconds() <= 0 || o.getWindowSeconds() % o.getSlideSeconds() != 0) {
      throw new ConfigException(
          "windowSeconds must be a positive multiple of slideSeconds (" + o.getSlideSeconds() + "), was " + o.getWindowSeconds());
    }
    if (o.getAllowedLatenessSeconds() < 0) {
      throw new ConfigException("allowedLatenessSeconds must be 0 or more, was " + o.getAllowedLatenessSeconds());
    }
    if (o.getTopN() < 1) {
      throw new ConfigException("topN must be at least 1, was " + o.getTopN());
    }
    TimeDomain domain;
    try {
      domain = TimeDomain.valueOf(o.getTimeDomain().trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new ConfigException(
          "timeDomain must be event, kafka or processing, was '" + o.getTimeDomain() + "'");
    }
    if (o.getCountsTopic() == null || !o.getCountsTopic().matches("[A-Za-z0-9._-]{1,249}")) {
      throw new ConfigException("countsTopic '" + o.getCountsTopic() + "' is not a valid Kafka topic name");
    }
    return new Windowing(
        Duration.standardSeconds(o.getBatchSeconds()),
        Duration.standardSeconds(o.getWindowSeconds()),
        Duration.standardSeconds(o.getSlideSeconds()),
        Duration.standardSeconds(o.getAllowedLatenessSeconds()),
        o.getTopN(),
        domain,
        o.getPrintCounts());
  }
}
