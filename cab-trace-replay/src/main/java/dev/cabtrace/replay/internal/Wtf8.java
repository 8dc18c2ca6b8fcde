package dev.cabtrace.replay.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Lone surrogates carried from an OTLP/JSON request to {@link ProtoSpans}. JSON can hold one
 * ({@code "\ud800"}) and a Java string can, but UTF-8 cannot: protobuf writes it as {@code ?},
 * which would change the agent's data. A request that holds one is written with its strings in
 * WTF-8 instead (UTF-8, except that a lone surrogate is the three bytes UTF-8 would give it were
 * it a character), which {@link #decode} reads back. Protobuf requests off the wire stay checked
 * as UTF-8.
 */
final class Wtf8 {

  private Wtf8() {}

  /**
   * Whether an OTLP/JSON body may hold a lone surrogate: a {@code \}{@code uD800}-{@code DFFF}
   * escape that is not a high one followed by a low one. (Jackson refuses one written as bytes.)
   */
  static boolean mayHoldLoneSurrogate(byte[] json) {
    for (int i = 0; i + 5 < json.length; i++) {
      if (json[i] != '\\') {
        continue;
      }
      int escaped = json[i + 1] == 'u' ? hex4(json, i + 2) : -1;
      if (escaped < 0) {
        i++; // \\ or \" and the like: the byte after the backslash is not a new escape
      } else if (Character.isLowSurrogate((char) escaped)) {
        return true;
      } else if (Character.isHighSurrogate((char) escaped)) {
        int next = i + 11 < json.length && json[i + 6] == '\\' && json[i + 7] == 'u' ? hex4(json, i + 8) : -1;
        if (next < 0 || !Character.isLowSurrogate((char) next)) {
          return true;
        }
        i += 11;
      } else {
        i += 5;
      }
    }
    return false;
  }

  private static int hex4(byte[] b, int at) {
    int value = 0;
    for (int i = at; i < at + 4; i++) {
      int digit = Character.digit(b[i], 16);
      if (digit < 0) {
        return -1;
      }
      value = value << 4 | digit;
    }
    return value;
  }

  /** {@code message} in protobuf, its strings in WTF-8: as {@link Message#toByteArray} but for them. */
  static byte[] encode(Message message) {
    return bytes(message).toByteArray();
  }

  private static ByteString bytes(Message message) {
    // Everything but strings and messages has one encoding: protobuf writes those. Fields may come
    // in any order on the wire.
    Message.Builder rest = message.toBuilder();
    ByteString.Output written = ByteString.newOutput();
    CodedOutputStream out = CodedOutputStream.newInstance(written);
    try {
      for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
        FieldDescriptor descriptor = field.getKey();
        FieldDescriptor.JavaType type = descriptor.getJavaType();
        if (type != FieldDescriptor.JavaType.STRING && type != FieldDescriptor.JavaType.MESSAGE) {
          continue;
        }
        rest.clearField(descriptor);
        List<?> values = descriptor.isRepeated() ? (List<?>) field.getValue() : List.of(field.getValue());
        for (Object value : values) {
          out.writeBytes(descriptor.getNumber(),
              value instanceof Message nested ? bytes(nested) : ByteString.copyFrom(encode((String) value)));
        }
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // not from memory
    }
    return rest.build().toByteString().concat(written.toByteString());
  }

  /** {@code text} in WTF-8. */
  static byte[] encode(String text) {
    byte[] out = new byte[text.length() * 3];
    int p = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        out[p++] = (byte) c;
      } else if (c < 0x800) {
        out[p++] = (byte) (0xC0 | c >> 6);
        out[p++] = (byte) (0x80 | c & 0x3F);
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        int code = Character.toCodePoint(c, text.charAt(++i));
        out[p++] = (byte) (0xF0 | code >> 18);
        out[p++] = (byte) (0x80 | code >> 12 & 0x3F);
        out[p++] = (byte) (0x80 | code >> 6 & 0x3F);
        out[p++] = (byte) (0x80 | code & 0x3F);
      } else {
        out[p++] = (byte) (0xE0 | c >> 12);
        out[p++] = (byte) (0x80 | c >> 6 & 0x3F);
        out[p++] = (byte) (0x80 | c & 0x3F);
      }
    }
    return java.util.Arrays.copyOf(out, p);
  }

  /** WTF-8 bytes as a string: UTF-8 between the lone surrogates. */
  static String decode(byte[] bytes, int offset, int length) throws ProtoSpans.Malformed {
    StringBuilder text = new StringBuilder(length);
    int end = offset + length;
    int from = offset;
    for (int i = offset; i + 2 < end; i++) {
      // 0xED is a lead byte, never a continuation: a run of UTF-8 can end before it.
      if ((bytes[i] & 0xFF) == 0xED && (bytes[i + 1] & 0xE0) == 0xA0 && (bytes[i + 2] & 0xC0) == 0x80) {
        text.append(utf8(bytes, from, i));
        text.append((char) (0xD000 | (bytes[i + 1] & 0x3F) << 6 | bytes[i + 2] & 0x3F));
        from = i + 3;
        i += 2;
      }
    }
    return text.append(utf8(bytes, from, end)).toString();
  }

  private static String utf8(byte[] bytes, int from, int to) throws ProtoSpans.Malformed {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, from, to - from)).toString();
    } catch (CharacterCodingException e) {
      throw new ProtoSpans.Malformed("a string field is not UTF-8");
    }
  }
}
