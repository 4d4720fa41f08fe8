package dev.linkwatch.core;

/** A catalog could not be read; the message names the source and the line or element at fault. */
public final class CatalogException extends Exception {
  private static final long serialVersionUID = 1L;

  public CatalogException(String message) {
    super(message);
  }

  public CatalogException(String message, Throwable cause) {
    super(message, cause);
  }
}
