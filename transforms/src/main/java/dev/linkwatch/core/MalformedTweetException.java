package dev.linkwatch.core;

/** A record that is not a usable tweet or notice; the message is the reason shown on the error topic. */
public final class MalformedTweetException extends Exception {
  public MalformedTweetException(String reason) {
    super(reason);
  }
}
