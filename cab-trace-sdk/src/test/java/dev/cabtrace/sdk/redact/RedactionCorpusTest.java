package dev.cabtrace.sdk.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The redaction corpus: {@code redact/secrets.txt} (shapes and named values that must vanish) and
 * {@code redact/keep.txt} (ordinary text that must stay byte for byte). In both, ↵ is a line break,
 * ␛ the escape that starts a terminal control sequence and ␇ BEL.
 */
class RedactionCorpusTest {

  private static final Redaction REDACTION = Redaction.defaults();

  @ParameterizedTest(name = "{0}")
  @MethodSource("secrets")
  void masksEachMarkedSecretAndKeepsTheRest(String marked) {
    String input = marked.replace("«", "").replace("»", "");
    String expected = marked.replaceAll("«[^»]*»", Redaction.MASK);

    String redacted = REDACTION.redact(input);

    assertThat(redacted).isEqualTo(expected);
    for (String secret : markedParts(marked)) {
      assertThat(redacted).doesNotContain(secret);
    }
    assertThat(REDACTION.redact(redacted)).as("redacting twice").isEqualTo(redacted);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kept")
  void keepsOrdinaryText(String text) {
    assertThat(REDACTION.redact(text)).isSameAs(text);
  }

  @Test
  void corpusIsLargeEnough() throws IOException {
    assertThat(lines("secrets.txt")).hasSizeGreaterThanOrEqualTo(30);
    assertThat(lines("keep.txt")).hasSizeGreaterThanOrEqualTo(30);
  }

  static Stream<Named<String>> secrets() throws IOException {
    return lines("secrets.txt").stream().map(line -> Named.of(line, unescape(line)));
  }

  static Stream<Named<String>> kept() throws IOException {
    return lines("keep.txt").stream().map(line -> Named.of(line, unescape(line)));
  }

  private static List<String> markedParts(String marked) {
    List<String> parts = new ArrayList<>();
    for (int start = marked.indexOf('«'); start >= 0; start = marked.indexOf('«', start + 1)) {
      parts.add(marked.substring(start + 1, marked.indexOf('»', start)));
    }
    assertThat(parts).as("secrets marked in %s", marked).isNotEmpty();
    return parts;
  }

  private static String unescape(String line) {
    return line.replace("↵", "\n").replace("␛", "\u001b").replace("␇", "\u0007");
  }

  private static List<String> lines(String name) throws IOException {
    try (InputStream in = RedactionCorpusTest.class.getResourceAsStream("/redact/" + name)) {
      assertThat(in).as(name).isNotNull();
      List<String> cases = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          cases.add(line);
        }
      }
      return cases;
    }
  }
}
