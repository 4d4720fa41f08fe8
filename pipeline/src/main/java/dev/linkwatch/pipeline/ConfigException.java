package dev.linkwatch.pipeline;

/** A setting is wrong; the message names the key and says how to fix it. Shown as one line. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
