package dev.cabtrace.replay.cli;

import java.nio.ByteBuffer;
import java.util.Base64;

/** How attribute values of the OTLP bytes type are written in the CLI's outputs. */
final class AttributeValues {

  private AttributeValues() {}

  /** The bytes as standard base64, as OTLP JSON writes {@code bytesValue}. */
  static String base64(ByteBuffer value) {
    ByteBuffer bytes = value.duplicate();
    byte[] raw = new byte[bytes.remaining()];
    bytes.get(raw);
    return Base64.getEncoder().encodeToString(raw);
  }
}
