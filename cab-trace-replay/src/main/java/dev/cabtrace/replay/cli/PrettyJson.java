package dev.cabtrace.replay.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import java.io.IOException;

/**
 * Jackson's default pretty printing, byte for byte, with its line breaks, indents and separators
 * written as bytes encoded once. The default printer hands them to the generator as text, which
 * the UTF-8 generator copies and encodes again for every field: in {@code show --json} of a big
 * trace, more time than the fields themselves.
 */
final class PrettyJson extends DefaultPrettyPrinter {

  private static final long serialVersionUID = 1L;
  /** Indents made once; deeper ones are made as asked for. */
  private static final SerializedString[] INDENTS = indents(32);
  private static final SerializedString FIELD_VALUE_SEPARATOR = new SerializedString(" : ");
  private static final SerializedString ENTRY_SEPARATOR = new SerializedString(",");

  PrettyJson() {
    indentObjectsWith(new ObjectIndenter());
  }

  /** Pretty printing for {@code json}, as {@link JsonGenerator#useDefaultPrettyPrinter} sets it. */
  static JsonGenerator on(JsonGenerator json) {
    return json.setPrettyPrinter(new PrettyJson());
  }

  @Override
  public PrettyJson createInstance() {
    return new PrettyJson();
  }

  @Override
  public void writeObjectFieldValueSeparator(JsonGenerator json) throws IOException {
    json.writeRaw(FIELD_VALUE_SEPARATOR);
  }

  @Override
  public void writeObjectEntrySeparator(JsonGenerator json) throws IOException {
    json.writeRaw(ENTRY_SEPARATOR);
    _objectIndenter.writeIndentation(json, _nesting);
  }

  private static SerializedString[] indents(int levels) {
    SerializedString[] indents = new SerializedString[levels];
    for (int level = 0; level < levels; level++) {
      indents[level] = indent(level);
    }
    return indents;
  }

  /** What {@link DefaultIndenter#SYSTEM_LINEFEED_INSTANCE} writes at {@code level}. */
  private static SerializedString indent(int level) {
    return new SerializedString(DefaultIndenter.SYS_LF + "  ".repeat(level));
  }

  private static final class ObjectIndenter implements Indenter, java.io.Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public void writeIndentation(JsonGenerator json, int level) throws IOException {
      json.writeRaw(level < INDENTS.length ? INDENTS[level] : indent(level));
    }

    @Override
    public boolean isInline() {
      return false;
    }
  }
}
