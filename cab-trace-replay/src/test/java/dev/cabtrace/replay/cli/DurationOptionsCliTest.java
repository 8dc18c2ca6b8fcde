package dev.cabtrace.replay.cli;

import static dev.cabtrace.replay.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.replay.cli.CliRun.Result;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every DURATION option reads the README's DURATION through one parser: ISO-8601 as well as
 * {@code 1.5s}, none of Java's number syntax, and the same one-line error. Given a duration they
 * accept, push and sweep go on to fail on what comes after it (a missing file, a closed port), and
 * record on a cassette mode without a cassette (exit 2): never on the duration.
 */
class DurationOptionsCliTest {

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "frame {seed} --at {d}",
      "screen {seed} --at {d}",
      "check {seed} --max-wall {d}",
      "check {seed} --max-model-call-time {d}",
      "sweep --from http://127.0.0.1:1 --sweep s1 --since {d}",
      "push {missing} --endpoint http://127.0.0.1:1 --timeout {d}",
      "push {missing} --endpoint http://127.0.0.1:1 --verify --query http://127.0.0.1:1 --verify-timeout {d}",
      "push {missing} --endpoint http://127.0.0.1:1 --max-age {d}",
      "record --out {dir}/cell.jsonl --cassette-mode replay --otlp-grace {d} -- true"})
  void acceptsIso8601(String command) throws IOException {
    Result result = run(args(command, "PT1.5S"));

    assertThat(result.err()).doesNotContain("not a duration").doesNotContain("\tat ");
  }

  @ParameterizedTest(name = "{0} ({1})")
  @CsvSource({
      "frame {seed} --at {d}, 1f",
      "frame {seed} --at {d}, 0x1p1",
      "screen {seed} --at {d}, NaN",
      "check {seed} --max-wall {d}, Infinity",
      "check {seed} --max-model-call-time {d}, 1e999",
      "sweep --from http://127.0.0.1:1 --sweep s1 --since {d}, -1h",
      "push {missing} --endpoint http://127.0.0.1:1 --timeout {d}, 1f",
      "push {missing} --endpoint http://127.0.0.1:1 --verify --query http://127.0.0.1:1 --verify-timeout {d}, 0x1p1",
      "push {missing} --endpoint http://127.0.0.1:1 --max-age {d}, PT-72H",
      "record --out {dir}/cell.jsonl --cassette-mode replay --otlp-grace {d} -- true, 1e3"})
  void refusesJavaNumberSyntaxWithTheSameError(String command, String duration) throws IOException {
    Result result = run(args(command, duration));

    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).isEqualTo("cab-trace: not a duration: \"" + duration + "\" (try 90s, 1500ms, 2m, 1h or PT1M)\n");
  }

  @ParameterizedTest(name = "{0} ({1})")
  @CsvSource({
      "frame {seed} --at {d}, 0.5ns",
      "screen {seed} --at {d}, 1.0000000001s",
      "check {seed} --max-wall {d}, 85.4562750005s",
      "check {seed} --max-model-call-time {d}, 0.9999999999s",
      "sweep --from http://127.0.0.1:1 --sweep s1 --since {d}, 0.5ns",
      "push {missing} --endpoint http://127.0.0.1:1 --timeout {d}, 0.0001us",
      "push {missing} --endpoint http://127.0.0.1:1 --verify --query http://127.0.0.1:1 --verify-timeout {d}, 0.5ns",
      "push {missing} --endpoint http://127.0.0.1:1 --max-age {d}, 0.5ns",
      "record --out {dir}/cell.jsonl --cassette-mode replay --otlp-grace {d} -- true, 0.5ns"})
  void refusesADurationFinerThanANanosecondRatherThanRoundIt(String command, String duration) throws IOException {
    Result result = run(args(command, duration));

    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).isEqualTo("cab-trace: not a duration: \"" + duration + "\" (finer than a nanosecond)\n");
  }

  private String[] args(String command, String duration) throws IOException {
    String seed = CliRun.fixtureIn(dir, "seed-cell.otlp.jsonl").toString();
    return Arrays.stream(command.split(" ")).map(word -> word.replace("{seed}", seed)
        .replace("{missing}", dir.resolve("missing.jsonl").toString()).replace("{dir}", dir.toString())
        .replace("{d}", duration)).toArray(String[]::new);
  }
}
