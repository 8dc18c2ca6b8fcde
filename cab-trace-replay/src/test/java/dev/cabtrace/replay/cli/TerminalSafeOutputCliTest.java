package dev.cabtrace.replay.cli;

import static dev.cabtrace.replay.cli.CliRun.fieldValues;
import static dev.cabtrace.replay.cli.CliRun.fixtureIn;
import static dev.cabtrace.replay.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.replay.cli.CliRun.Result;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the CLI prints reaches a terminal or a parser as it should: errors are one line with their
 * exit code, and nothing a trace holds (escape sequences, C1 controls, lone surrogates,
 * backslashes) drives the terminal or breaks the JSON.
 */
class TerminalSafeOutputCliTest {

  @TempDir Path dir;

  @Test
  void exitCodesAndOneLineErrors() throws IOException {
    Result missing = run("show", dir.resolve("nope.jsonl").toString());
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err().strip()).isEqualTo("cab-trace: cannot read " + dir.resolve("nope.jsonl") + ": no such file");

    Path bad = Files.writeString(dir.resolve("bad.jsonl"), "{\"resourceSpans\":[]}\nnot json\n");
    Result strict = run("show", bad.toString(), "--strict");
    assertThat(strict.exit()).isEqualTo(1);
    assertThat(strict.err().strip()).isEqualTo("cab-trace: " + bad + ":2: not JSON (Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false'))");

    Result usage = run("show");
    assertThat(usage.exit()).isEqualTo(2);
    assertThat(usage.err()).contains("Missing required parameter: 'FILE'");
    assertThat(run("frame", bad.toString(), "--at", "soon").exit()).isEqualTo(2);
    assertThat(run("frame", bad.toString(), "--at", "soon").err()).contains("not a duration: \"soon\"");
    assertThat(run("bogus").exit()).isEqualTo(2);
    for (String command : List.of("show", "frame", "replay", "tokens", "cast")) {
      Result help = run(command, "--help");
      assertThat(help.exit()).as(command).isZero();
      assertThat(help.out()).as(command).contains("Usage: cab-trace " + command);
    }
    assertThat(missing.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  @Timeout(60) // serve runs until stopped when it does listen
  void serveSaysWhereItCannotListenInOneLine() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Result inUse = run("serve", dir.toString(), "--port", String.valueOf(taken.getLocalPort()));
      assertThat(inUse.exit()).isEqualTo(2);
      assertThat(inUse.err().strip()).isEqualTo("cab-trace: cannot listen on 127.0.0.1:" + taken.getLocalPort()
          + ": address already in use (pass another --port, or 0 for a free one)");
    }
    Result noSuchHost = run("serve", dir.toString(), "--bind", "nosuchhost.invalid", "--port", "0");
    assertThat(noSuchHost.exit()).isEqualTo(2);
    assertThat(noSuchHost.err().strip()).isEqualTo("cab-trace: cannot listen on nosuchhost.invalid:0: no such host");
  }

  @Test
  void errorLinesEscapeTheNamesAndTextTheyQuote() throws IOException {
    Path missing = dir.resolve("esc\u001b[31m\u001b[2J.jsonl");
    Result unreadable = run("show", missing.toString());
    assertThat(unreadable.exit()).isEqualTo(1);
    assertThat(unreadable.err().strip())
        .isEqualTo("cab-trace: cannot read " + dir + "/esc\\e[31m\\e[2J.jsonl: no such file");

    Result verbose = run("show", missing.toString(), "--verbose");
    assertThat(verbose.exit()).isEqualTo(1);
    assertThat(verbose.err()).contains("esc\\e[31m").contains("\n\tat ");
    assertThat(verbose.err().chars()).noneMatch(c -> c == 0x1b);

    Result usage = run("check", fixtureIn(dir, "seed-cell.otlp.jsonl").toString(), "--max-wall", "\u001b]0;pwned\u0007");
    assertThat(usage.exit()).isEqualTo(2);
    assertThat(usage.err().strip()).isEqualTo("cab-trace: not a duration: \"\\e]0;pwned\\x07\" (try 90s, 1500ms, 2m, 1h or PT1M)");

    Result unknown = run("show", "x", "--bogus\u001b[31m");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).isEqualTo("cab-trace: Unknown option: '--bogus\\e[31m'\ntry 'cab-trace show --help'\n");
    assertThat(unknown.err().chars()).noneMatch(c -> c == 0x1b);
    Result typo = run("show\u001b[31m");
    assertThat(typo.exit()).isEqualTo(2);
    assertThat(typo.err()).contains("'show\\e[31m'").contains("Did you mean");
    assertThat(typo.err().chars()).noneMatch(c -> c == 0x1b);
  }

  @Test
  void escapeSequencesInATraceNeverReachTheTerminal() throws IOException {
    String evil = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"spans\":[{"
        + "\"traceId\":\"8293433263b72503f683e7696220d242\",\"spanId\":\"0000000000000001\","
        + "\"name\":\"\\u001b]0;pwned\\u0007\\u001b[2J\\u009b31m\",\"kind\":1,\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\","
        + "\"attributes\":[{\"key\":\"k\\u001b[1m\",\"value\":{\"stringValue\":\"\\u001b[31mred\\r\\n\"}}]}]}]}]}\n";
    Path file = Files.writeString(dir.resolve("evil.jsonl"), evil);

    for (String command : List.of("show", "frame", "tokens", "replay")) {
      List<String> args = new ArrayList<>(List.of(command, file.toString()));
      if (command.equals("frame")) {
        args.addAll(List.of("--at", "0s"));
      }
      Result result = run(args.toArray(String[]::new));
      assertThat(result.exit()).as(command).isZero();
      assertThat(result.out().chars()).as(command).noneMatch(c -> c == 0x1b || c == 0x07 || (c >= 0x80 && c <= 0x9f));
    }
    assertThat(run("show", file.toString()).out()).contains("\\e]0;pwned\\x07\\e[2J\\u009b31m");
  }

  @Test
  void jsonOutputEscapesC1DelAndInvisibleCharacters() throws IOException {
    String name = "csi\u009b31m del\u007f ls\u2028 rlo\u202e bom\ufeff";
    String trace = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"spans\":[{"
        + "\"traceId\":\"8293433263b72503f683e7696220d242\",\"spanId\":\"0000000000000001\","
        + "\"name\":\"csi\\u009b31m del\\u007f ls\\u2028 rlo\\u202e bom\\ufeff\",\"kind\":1,"
        + "\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\",\"attributes\":[]}]}]}]}\n";
    Path file = Files.writeString(dir.resolve("c1.jsonl"), trace);

    for (List<String> args : List.of(List.of("show", "--json"), List.of("frame", "--at", "0s", "--json"))) {
      List<String> command = new ArrayList<>(args);
      command.add(1, file.toString());
      Result result = run(command.toArray(String[]::new));
      assertThat(result.exit()).as(args.toString()).isZero();
      assertThat(result.out().chars()).as(args.toString())
          .noneMatch(c -> c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x202e || c == 0xfeff);
      assertThat(result.out()).contains("csi\\u009b31m del\\u007f ls\\u2028 rlo\\u202e bom\\ufeff");
      // Escaped, not lost: a JSON reader gets the name back as it was.
      assertThat(fieldValues(result.out(), "name")).contains(name);
    }
  }

  @Test
  void showJsonKeepsALoneSurrogateAsItsEscapeAndAPairAsItsCharacter() throws IOException {
    // OTLP JSON may carry a lone surrogate (an agent cut a string in the middle of a pair); UTF-8
    // cannot hold one, so the document writes its escape rather than '?'.
    String trace = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"spans\":[{"
        + "\"traceId\":\"8293433263b72503f683e7696220d242\",\"spanId\":\"0000000000000001\","
        + "\"name\":\"cut \\ud83d here, whole \\ud83d\\ude00\",\"kind\":1,"
        + "\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\",\"attributes\":[]}]}]}]}\n";
    Path file = Files.writeString(dir.resolve("surrogates.jsonl"), trace);

    Result result = run("show", file.toString(), "--json");

    assertThat(result.exit()).isZero();
    assertThat(result.out()).contains("cut \\uD83D here, whole \uD83D\uDE00").doesNotContain("?");
    assertThat(fieldValues(result.out(), "name")).contains("cut \uD83D here, whole \uD83D\uDE00");
  }

  @Test
  void aBackslashInATraceIsShownDoubledAndInvisibleCharactersAsEscapes() throws IOException {
    String trace = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"spans\":[{"
        + "\"traceId\":\"8293433263b72503f683e7696220d242\",\"spanId\":\"0000000000000001\","
        + "\"name\":\"fake\\\\e[31m\\u202eevil\\u200b\",\"kind\":1,\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\","
        + "\"attributes\":[{\"key\":\"path\",\"value\":{\"stringValue\":\"C:\\\\tmp \\\"x\\\"\"}}]}]}]}]}\n";
    Path file = Files.writeString(dir.resolve("backslash.jsonl"), trace);

    String out = run("show", file.toString()).out();
    assertThat(out).contains("fake\\\\e[31m\\u202eevil\\u200b").contains("{\"path\":\"C:\\\\tmp \\\"x\\\"\"}");
  }
}
