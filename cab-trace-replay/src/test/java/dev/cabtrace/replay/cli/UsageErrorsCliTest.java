package dev.cabtrace.replay.cli;

import static dev.cabtrace.replay.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.replay.cli.CliRun.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a command line picocli cannot parse, or none at all, prints: a usage error, exit 2. */
class UsageErrorsCliTest {

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "show --bogus x                               | show   | Unknown option: '--bogus'",
      "check FILE --max-total-tokens abc            | check  | Invalid value for option '--max-total-tokens': 'abc' is not a long",
      "serve DIR --port abc                         | serve  | Invalid value for option '--port': 'abc' is not an int",
      "record --out x.jsonl --timeout abc -- true   | record | Invalid value for option '--timeout': 'abc' is not a long"})
  void anOptionThatDoesNotParseIsOneLineAndAPointerToTheHelp(String commandLine, String command, String message)
      throws IOException {
    String[] args = commandLine.replace("FILE", CliRun.fixtureIn(dir, "seed-cell.otlp.jsonl").toString())
        .replace("DIR", dir.toString()).replace("x.jsonl", dir.resolve("x.jsonl").toString()).split(" ");

    Result result = run(args);

    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err().lines())
        .containsExactly("cab-trace: " + message, "try 'cab-trace " + command + " --help'");
  }

  @Test
  void aMistypedCommandOrOptionGetsPicocliSuggestionInsteadOfThePointer() {
    assertThat(run("shwo", "x").err().lines()).hasSize(2).first()
        .isEqualTo("cab-trace: Unmatched arguments from index 0: 'shwo', 'x'");
    assertThat(run("shwo", "x").err().lines().skip(1)).singleElement().asString().startsWith("Did you mean: cab-trace ");
    assertThat(run("show", "x", "--stirct").err().lines())
        .containsExactly("cab-trace: Unknown option: '--stirct'", "Possible solutions: --strict");
  }

  @Test
  void noCommandIsAUsageErrorWithTheUsageOnStderr() {
    Result result = run();

    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).startsWith("Usage: cab-trace").contains("record").contains("show");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "record --out OUT --cols 100 -- touch RAN                       | --cols needs --pty",
      "record --out OUT --rows 30 -- touch RAN                        | --rows needs --pty",
      "record --out OUT --no-otlp --otlp-protocol grpc -- touch RAN   | --otlp-protocol needs the OTLP receiver, which --no-otlp leaves out",
      "record --out OUT --otlp-grace 5s --no-otlp -- touch RAN        | --otlp-grace needs the OTLP receiver, which --no-otlp leaves out",
      "record --out OUT --cassette-ignore $.metadata.id -- touch RAN  | --cassette-ignore needs --cassette FILE",
      "record --out OUT --cassette-timing fast -- touch RAN           | --cassette-timing needs --cassette FILE",
      "push FILE --endpoint http://127.0.0.1:9 --query http://127.0.0.1:9 | --query needs --verify",
      "push FILE --endpoint http://127.0.0.1:9 --verify-timeout 5s    | --verify-timeout needs --verify",
      "sweep FILE --limit 5                                           | --limit needs --from URL",
      "sweep FILE --service agent                                     | --service needs --from URL",
      "sweep FILE --since 2h                                          | --since needs --from URL"})
  void anOptionThatWouldBeIgnoredWithoutTheOneItBelongsToIsAUsageError(String commandLine, String message)
      throws IOException {
    Path ran = dir.resolve("ran");
    Path out = dir.resolve("out.jsonl");
    String[] args = commandLine.replace("FILE", CliRun.fixtureIn(dir, "seed-cell.otlp.jsonl").toString())
        .replace("OUT", out.toString()).replace("RAN", ran.toString()).split(" +");

    Result result = run(args);

    assertThat(result.exit()).as(result.err()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).isEqualTo("cab-trace: " + message + "\n");
    assertThat(ran).as("nothing ran").doesNotExist();
    assertThat(out).as("nothing was captured").doesNotExist();
  }

  @Test
  void aUsageErrorComesAloneNotAfterTheWarningsOfARunThatDoesNotHappen() throws IOException {
    Path capture = Files.writeString(dir.resolve("r7.jsonl"),
        new String(CliRun.fixture("seed-cell.otlp.jsonl"), StandardCharsets.UTF_8) + "not json\n");

    Result record = run("record", "--out", capture.toString(), "--pty", "--cols", "100000", "--", "true");
    assertThat(record.exit()).isEqualTo(2);
    assertThat(record.err()).isEqualTo("cab-trace: terminal size must be 1..1000 columns and rows\n");

    Result push = run("push", capture.toString(), "--endpoint", "localhost:4318");
    assertThat(push.exit()).isEqualTo(2);
    assertThat(push.err()).isEqualTo("cab-trace: OTLP endpoint localhost:4318 is not an http:// or https:// URL with"
        + " a host (e.g. http://localhost:4318)\n");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "show --from notaurl 0af7651916cd43dd8448eb211c80319c               | --from notaurl",
      "tokens --from ftp://tempo 0af7651916cd43dd8448eb211c80319c         | --from ftp://tempo",
      "show --from user:secret@tempo 0af7651916cd43dd8448eb211c80319c     | --from ***@tempo",
      "sweep --from notaurl --sweep s1                                    | --from notaurl",
      "push FILE --endpoint http://127.0.0.1:9 --verify --query tempo:3200 | --query tempo:3200"})
  void aBackendUrlThatIsNotOneIsAUsageErrorNamingTheOption(String commandLine, String named) throws IOException {
    String[] args = commandLine.replace("FILE", CliRun.fixtureIn(dir, "seed-cell.otlp.jsonl").toString()).split(" +");

    Result result = run(args);

    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .isEqualTo("cab-trace: " + named + ": not an http(s) URL with a host (e.g. http://tempo:3200)\n");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "show --from http://user:s3cret@127.0.0.1:9/tempo 0af7651916cd43dd8448eb211c80319c | --from http://***@127.0.0.1:9/tempo: credentials in the URL are not sent; leave them out",
      "sweep --from http://u:s3cret@127.0.0.1:9?api_key=k3y --sweep s1 | --from http://***@127.0.0.1:9?api_key=***: credentials in the URL are not sent; leave them out",
      "push FILE --endpoint http://127.0.0.1:9 --verify --query http://u:s3cret@127.0.0.1:9 | --query http://***@127.0.0.1:9: credentials in the URL are not sent; leave them out",
      "tokens --from http://127.0.0.1:9/tempo?token=k3y#x 0af7651916cd43dd8448eb211c80319c | --from http://127.0.0.1:9/tempo?token=***#x: a fragment (#...) is not sent; leave it out"})
  void aBackendUrlWithCredentialsOrAFragmentIsAUsageErrorThatRepeatsNoSecret(String commandLine, String message)
      throws IOException {
    String[] args = commandLine.replace("FILE", CliRun.fixtureIn(dir, "seed-cell.otlp.jsonl").toString()).split(" +");

    Result result = run(args);

    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).isEqualTo("cab-trace: " + message + "\n").doesNotContain("s3cret").doesNotContain("k3y");
  }
}
