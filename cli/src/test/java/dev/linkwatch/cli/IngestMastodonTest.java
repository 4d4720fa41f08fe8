package dev.linkwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linkwatch.local.replay.MastodonReplayServer;
import dev.linkwatch.local.replay.MastodonReplayServer.Faults;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code linkwatch ingest mastodon} against the Mastodon replay server: a token the server rejects
 * ends the command with exit code 2 and one line that names the problem and never the token; bad
 * options are usage errors. No Kafka is reached: the bridge stops before its first write.
 */
class IngestMastodonTest {
  private static final String TOKEN = "cli-token-" + UUID.randomUUID();

  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    try {
      // The ingest commands print their status to System.err, as a user sees it: capture both.
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.execute(System.out, System.err, args);
      return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  private Path tokenFile(String token) throws Exception {
    Path f = dir.resolve("token-" + UUID.randomUUID());
    Files.writeString(f, token + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    return f;
  }

  @ParameterizedTest
  @ValueSource(strings = {"websocket", "sse"})
  void aRejectedTokenIsOneLineAndExitCodeTwo(String transport) throws Exception {
    try (MastodonReplayServer server = MastodonReplayServer.start(MastodonReplayServer.bundledStatuses(), TOKEN, Faults.none())) {
      String wrong = "wrong-" + TOKEN;
      Result r =
          run(
              "ingest", "mastodon",
              "--server=" + server.apiBase(),
              "--token-file=" + tokenFile(wrong),
              "--transport=" + transport,
              "--streaming-url=" + (transport.equals("sse") ? server.apiBase() : server.websocketBase()),
              "--bootstrapServers=127.0.0.1:9",
              "--cursor-file=" + dir.resolve("cursor.json"),
              "--status-seconds=0");
      assertThat(r.code()).as(r.err()).isEqualTo(2);
      List<String> refusal = r.err().lines().filter(l -> l.contains("access token") || l.contains("HTTP 401")).toList();
      assertThat(refusal)
          .containsExactly("linkwatch ingest mastodon: the server 127.0.0.1 rejected the access token (HTTP 401); check --token-file");
      assertThat(r.err()).doesNotContain(wrong).doesNotContain("\tat ").doesNotContain("reconnecting");
      assertThat(r.out()).isEmpty();
      assertThat(server.unauthorized()).isEqualTo(1);
    }
  }

  @Test
  void optionsAreCheckedBeforeAnythingConnects() throws Exception {
    Path token = tokenFile(TOKEN);
    assertThat(run("ingest", "mastodon", "--server=example.social").code()).as("--token-file is required").isEqualTo(2);
    Result missing = run("ingest", "mastodon", "--server=example.social", "--token-file=" + dir.resolve("absent"));
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("--token-file").contains("cannot be read");
    Result stream = run("ingest", "mastodon", "--server=example.social", "--token-file=" + token, "--stream=home");
    assertThat(stream.code()).isEqualTo(2);
    assertThat(stream.err()).contains("stream must be one of").doesNotContain(TOKEN);
    Result transport = run("ingest", "mastodon", "--server=example.social", "--token-file=" + token, "--transport=grpc");
    assertThat(transport.code()).isEqualTo(2);
    assertThat(transport.err()).contains("transport must be websocket or sse");
  }
}
