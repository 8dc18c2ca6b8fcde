package dev.cabtrace.replay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The CLI's UTF-8 output against the JDK's encoder, on the same writes. */
class Utf8WriterTest {

  /** ASCII, two- and three-byte characters, a pair, and both halves of one alone. */
  private static final char[] ALPHABET = {
    'a', 'Z', ' ', '\n', '\u001b', '\u007f', '\u0080', '\u00e9', '\u07ff', '\u0800', '\u21b3', '\u00b7', '\u2026',
    '\uffff', '\ud83d', '\ude00', '\udbff', '\udfff'
  };

  @Test
  void writesTheBytesOfTheJdkEncoderWhereverTheWritesAreCut() throws IOException {
    Random random = new Random(7);
    for (int round = 0; round < 300; round++) {
      // Long runs of ASCII now and then, so that writes cross the 64 KiB buffer.
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(4) == 0 ? 70_000 + random.nextInt(70_000) : random.nextInt(300);
      for (int i = 0; i < length; i++) {
        text.append(random.nextInt(3) == 0 ? ALPHABET[random.nextInt(ALPHABET.length)] : (char) ('a' + random.nextInt(26)));
      }
      ByteArrayOutputStream ours = new ByteArrayOutputStream();
      ByteArrayOutputStream jdk = new ByteArrayOutputStream();
      try (Writer a = writer(ours); Writer b = new OutputStreamWriter(jdk, StandardCharsets.UTF_8)) {
        for (int from = 0; from < text.length(); ) {
          int to = Math.min(text.length(), from + 1 + random.nextInt(random.nextBoolean() ? 5 : 9_000));
          String piece = text.substring(from, to);
          switch (random.nextInt(12)) {
            case 0 -> {
              a.write(piece);
              b.write(piece);
            }
            case 1 -> {
              a.write(piece.toCharArray(), 0, piece.length());
              b.write(piece.toCharArray(), 0, piece.length());
            }
            case 2, 3, 4, 5 -> {
              a.write(piece);
              b.write(piece);
            }
            case 6 -> {
              for (int i = 0; i < piece.length(); i++) {
                a.write(piece.charAt(i));
                b.write(piece.charAt(i));
              }
            }
            case 7 -> {
              a.write(piece);
              a.flush();
              b.write(piece);
              b.flush();
            }
            default -> {
              a.write(piece.toCharArray(), 0, piece.length());
              b.write(piece.toCharArray(), 0, piece.length());
            }
          }
          from = to;
        }
      }
      assertThat(ours.toByteArray()).as("round %d, %d chars", round, text.length()).isEqualTo(jdk.toByteArray());
    }
  }

  @Test
  void aCharacterOfAnyLengthRightAtTheEndOfTheBufferIsWholeInTheOutput() throws IOException {
    for (String wide : new String[] {"\u00e9", "\u21b3", "\ud83d\ude00", "\ud83d"}) {
      for (int ascii = 65_536 - 6; ascii <= 65_536 + 1; ascii++) {
        String text = "a".repeat(ascii) + wide + "b";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Writer writer = writer(out)) {
          writer.write(text);
        }
        assertThat(out.toByteArray()).as("%d ASCII bytes, then %s", ascii, wide)
            .isEqualTo(text.getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  @Test
  void aPairCutBetweenTwoWritesIsOneCharacterAndAHalfAtTheEndIsAQuestionMark() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Writer writer = writer(out)) {
      writer.write("x\ud83d");
      writer.flush();
      writer.write("\ude00y\ud83d");
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("x\ud83d\ude00y?");
  }

  @Test
  void printlnReachesTheStreamAtOnce() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintWriter writer = new PrintWriter(writer(out), true);
    writer.println("↳ cleanup");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("↳ cleanup" + System.lineSeparator());
  }

  @Test
  void bytesAlreadyEncodedGoInOrderWithTheTextThroughTheCliWriterOrAnyOther() throws IOException {
    String line = "  \u21b3 caf\u00e9 \ud83d\ude00\n";
    byte[] big = ("x".repeat(70_000) + "\n").getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintWriter cli = Utf8Writer.printWriter(out);
    java.io.StringWriter text = new java.io.StringWriter();
    PrintWriter other = new PrintWriter(text);
    for (PrintWriter writer : new PrintWriter[] {cli, other}) {
      writer.print("before \ud83d"); // a high surrogate that no low one follows: '?'
      java.io.OutputStream bytes = Utf8Writer.utf8Bytes(writer);
      bytes.write(line.getBytes(StandardCharsets.UTF_8));
      bytes.write(big);
      bytes.flush();
      writer.print("after");
      writer.flush();
    }
    String expected = "before ?" + line + "x".repeat(70_000) + "\nafter";
    if (java.nio.charset.Charset.defaultCharset().equals(StandardCharsets.UTF_8)) {
      assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(expected);
    }
    assertThat(text.toString()).isEqualTo(expected.replace("before ?", "before \ud83d"));
  }

  /** The writer the CLI prints through when the default charset is UTF-8, below its PrintWriter. */
  private static Writer writer(ByteArrayOutputStream out) {
    return new Utf8Writer(out);
  }
}
