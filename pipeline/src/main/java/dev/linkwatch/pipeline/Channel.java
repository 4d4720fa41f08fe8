package dev.linkwatch.pipeline;

/** The output channels; each is a Kafka topic or, in file mode, a JSON Lines file. */
public enum Channel {
  MATCHED("matched"),
  UNMATCHED("unmatched"),
  ERRORS("errors"),
  COUNTS("counts");

  private final String fileName;

  Channel(String fileName) {
    this.fileName = fileName;
  }

  public String fileName() {
    return fileName;
  }
}
