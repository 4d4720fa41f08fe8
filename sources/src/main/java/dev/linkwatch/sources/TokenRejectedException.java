package dev.linkwatch.sources;

import java.io.IOException;
import java.net.URI;

/**
 * A server turned the access token away (HTTP 401, or 403 for a stream it does not open to this
 * token). Retrying cannot help, so the bridge stops. The message is one line and never holds the token.
 */
public final class TokenRejectedException extends IOException {
  private final int status;

  public TokenRejectedException(URI server, int status) {
    super(
        status == 401
            ? "the server " + server.getHost() + " rejected the access token (HTTP 401); check --token-file"
            : "the server " + server.getHost() + " refused this stream to the access token (HTTP " + status + ")");
    this.status = status;
  }

  /** The HTTP status the server answered. */
  public int status() {
    return status;
  }
}
