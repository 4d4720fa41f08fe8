package dev.linkwatch.core;

/**
 * A record that cannot be read as a tweet or a stream notice. Checked on purpose: a bad record is an
 * expected outcome on a public stream and belongs in the dead-letter output, not in a failed bundle.
 * The message is a short human reason (e.g. "entities.urls is not an array") safe to put in a
 * dead-letter envelope: it never quotes the payload.
 */
public final class MalformedTweetException extends Exception {
  private static final long serialVersionUID = 1L;

  public MalformedTweetException(String reason) {
    super(reason);
  }

  public MalformedTweetException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
