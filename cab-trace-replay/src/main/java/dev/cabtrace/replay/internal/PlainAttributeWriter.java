package dev.cabtrace.replay.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * Writes the plain attributes it is told ({@link AttributeBytes#visitPlain}) into a generator, as
 * the fields of the object the generator is in, as a decoded map's entries would be written: a
 * million spans' attributes are not made into maps. A document with another layout overrides
 * what it writes otherwise. Internal: shared by cab-trace's own packages, not part of its API; it
 * may change without notice.
 */
public class PlainAttributeWriter implements PlainAttributeVisitor {

  protected final JsonGenerator json;

  public PlainAttributeWriter(JsonGenerator json) {
    this.json = json;
  }

  @Override
  public void key(String key) throws IOException {
    json.writeFieldName(key);
  }

  @Override
  public void string(byte[] b, int start, int end) throws IOException {
    json.writeRawUTF8String(b, start, end - start); // plain text needs no standard escape
  }

  @Override
  public void number(long value) throws IOException {
    json.writeNumber(value);
  }

  @Override
  public void bool(boolean value) throws IOException {
    json.writeBoolean(value);
  }

  @Override
  public void startList() throws IOException {
    json.writeStartArray();
  }

  @Override
  public void endList() throws IOException {
    json.writeEndArray();
  }
}
