package dev.cabtrace.replay.screen;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;

/** Seeded generators of terminal byte streams: real sequences, broken ones and noise. */
final class RandomStreams {

  private static final String ESC = "\u001b";
  private static final String CSI = ESC + "[";

  private static final String[] TEXT = {
    "hello", "a", " ", "\r\n", "\n", "\r", "\t", "\b", "\u0007", "\u00e9", "e\u0301", "\u4e16\u754c",
    "\ud83d\udc4d", "\ud83d\udc69\u200d\ud83d\udcbb", "\u2764\ufe0f", "\u0e01\u0e34", "\uff21",
    "\u202e", "\u0000", "\u007f", "x".repeat(40),
  };

  private static final String[] FIXED = {
    CSI + "?1049h", CSI + "?1049l", CSI + "?47h", CSI + "?47l", CSI + "?1047h", CSI + "?1047l",
    CSI + "?25l", CSI + "?25h", CSI + "?7l", CSI + "?7h", CSI + "?6h", CSI + "?6l", CSI + "4h",
    CSI + "4l", CSI + "20h", CSI + "20l", CSI + "?2004h", CSI + "200~", CSI + "201~", CSI + "c",
    CSI + "6n", CSI + ">c", CSI + "!p", CSI + "2 q", CSI + ">1u", CSI + "s", CSI + "u", ESC + "7",
    ESC + "8", ESC + "D", ESC + "E", ESC + "M", ESC + "H", ESC + "c", ESC + "(0", ESC + "(B",
    ESC + ")0", "\u000e", "\u000f", ESC + "#8", ESC + "=", ESC + "\\", ESC + "]0;title\u0007",
    ESC + "]2;t" + ESC + "\\", ESC + "]52;c;eA==\u0007", ESC + "]8;;http://x\u0007", ESC + "P1$r" + ESC + "\\",
    ESC + "_apc" + ESC + "\\", ESC + "^pm" + ESC + "\\", ESC + "Xsos" + ESC + "\\", ESC + "]", ESC + "P",
    ESC + "_", CSI, ESC, "\u0018", "\u001a", CSI + "38:2::1:2:3m", CSI + "4:3m",
  };

  private static final byte[][] TEXT_BYTES = encode(TEXT);
  private static final byte[][] FIXED_BYTES = encode(FIXED);

  private static final String CSI_FINALS = "@ABCDEFGHIJKLMPSTXZ`abdefghlmrsu";

  private RandomStreams() {}

  /** A stream of up to {@code maxBytes} bytes, a mix of text, sequences and noise. */
  static byte[] stream(Random random, int maxBytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int target = random.nextInt(maxBytes + 1);
    while (out.size() < target) {
      int kind = random.nextInt(10);
      if (kind < 3) {
        out.writeBytes(TEXT_BYTES[random.nextInt(TEXT.length)]);
      } else if (kind < 6) {
        out.writeBytes(randomCsi(random).getBytes(UTF_8));
      } else if (kind < 8) {
        out.writeBytes(FIXED_BYTES[random.nextInt(FIXED.length)]);
      } else {
        int length = 1 + random.nextInt(8);
        for (int i = 0; i < length; i++) {
          out.write(random.nextInt(256));
        }
      }
    }
    byte[] bytes = out.toByteArray();
    byte[] result = bytes.length > target ? Arrays.copyOf(bytes, target) : bytes;
    if (random.nextInt(4) == 0) {
      mutate(random, result);
    }
    return result;
  }

  /** A stream like {@link #stream} without raw noise, so that most sequences are well formed. */
  static byte[] realistic(Random random, int bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (out.size() < bytes) {
      int kind = random.nextInt(10);
      if (kind < 5) {
        out.writeBytes(TEXT_BYTES[random.nextInt(TEXT.length)]);
      } else if (kind < 8) {
        out.writeBytes(randomCsi(random).getBytes(UTF_8));
      } else {
        out.writeBytes(FIXED_BYTES[random.nextInt(FIXED.length)]);
      }
    }
    return out.toByteArray();
  }

  private static byte[][] encode(String[] strings) {
    byte[][] bytes = new byte[strings.length][];
    for (int i = 0; i < strings.length; i++) {
      bytes[i] = strings[i].getBytes(UTF_8);
    }
    return bytes;
  }

  private static String randomCsi(Random random) {
    StringBuilder sequence = new StringBuilder(CSI);
    int marker = random.nextInt(8);
    if (marker == 0) {
      sequence.append('?');
    } else if (marker == 1) {
      sequence.append('>');
    }
    int count = random.nextInt(6);
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        sequence.append(random.nextInt(10) == 0 ? ':' : ';');
      }
      int size = random.nextInt(10);
      int value = size < 6 ? random.nextInt(10) : size < 9 ? random.nextInt(300) : random.nextInt(100_000);
      sequence.append(value);
    }
    if (random.nextInt(15) == 0) {
      sequence.append((char) (0x20 + random.nextInt(16)));
    }
    sequence.append(CSI_FINALS.charAt(random.nextInt(CSI_FINALS.length())));
    return sequence.toString();
  }

  private static void mutate(Random random, byte[] bytes) {
    if (bytes.length == 0) {
      return;
    }
    int changes = 1 + random.nextInt(5);
    for (int i = 0; i < changes; i++) {
      int at = random.nextInt(bytes.length);
      switch (random.nextInt(3)) {
        case 0:
          bytes[at] = (byte) random.nextInt(256);
          break;
        case 1:
          bytes[at] = 0x1b;
          break;
        default:
          bytes[at] = (byte) (bytes[at] ^ (1 << random.nextInt(8)));
          break;
      }
    }
  }
}
