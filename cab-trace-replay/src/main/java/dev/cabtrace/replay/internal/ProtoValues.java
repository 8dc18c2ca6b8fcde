package dev.cabtrace.replay.internal;

import static dev.cabtrace.replay.internal.ProtoSpans.FIXED64;
import static dev.cabtrace.replay.internal.ProtoSpans.LENGTH;
import static dev.cabtrace.replay.internal.ProtoSpans.NO_BYTES;
import static dev.cabtrace.replay.internal.ProtoSpans.VARINT;
import static dev.cabtrace.replay.internal.ProtoSpans.at;
import static dev.cabtrace.replay.internal.ProtoSpans.length;
import static dev.cabtrace.replay.internal.ProtoSpans.slice;
import static dev.cabtrace.replay.internal.ProtoSpans.tag;

import com.google.protobuf.CodedInputStream;
import dev.cabtrace.replay.internal.ProtoSpans.Malformed;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.common.KeyValue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The attribute values of one export request, read from its protobuf bytes as the SDK's attribute
 * types hold them: {@code KeyValue} and {@code AnyValue} messages, strings checked to be UTF-8 and
 * short ones shared. {@link ProtoSpans} reads the messages around them.
 */
final class ProtoValues {

  /** The official parser's limit too: deeper nesting is refused rather than overflowing the stack. */
  private static final int MAX_DEPTH = 100;
  private static final int CACHED_TEXT_BYTES = 64;

  private final byte[] request;
  private final boolean wtf8;
  private final TextCache texts;

  /** {@code wtf8}: strings may hold lone surrogates, as {@link Wtf8} writes them. */
  ProtoValues(byte[] request, boolean wtf8) {
    this.request = request;
    this.wtf8 = wtf8;
    this.texts = new TextCache(wtf8);
  }

  /** A KeyValue message into {@code attributes}, as the SDK's attribute types hold it. */
  AttributesBuilder keyValue(CodedInputStream in, int base, AttributesBuilder attributes)
      throws IOException, Malformed {
    int limit = in.pushLimit(in.readRawVarint32());
    long key = NO_BYTES;
    AnyValue value = null;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == tag(1, LENGTH)) {
        key = slice(in, base);
      } else if (tag == tag(2, LENGTH)) {
        value = anyValue(in, base, value, 1);
      } else {
        in.skipField(tag);
      }
    }
    in.popLimit(limit);
    AttributesBuilder into = attributes == null ? Attributes.builder() : attributes;
    put(into, at(key), length(key), value == null ? AnyValue.NOT_SET : value);
    return into;
  }

  @SuppressWarnings("unchecked")
  private void put(AttributesBuilder attributes, int keyAt, int keyLength, AnyValue value) throws Malformed {
    switch (value.kind) {
      case STRING:
      case BOOL:
      case INT:
      case DOUBLE:
        attributes.put((AttributeKey<Object>) texts.key(request, keyAt, keyLength, value.kind), value.value);
        break;
      case ARRAY:
        putArray(attributes, keyAt, keyLength, value);
        break;
      default:
        attributes.put(AttributeKey.valueKey(decode(keyAt, keyLength)), value.toValue());
    }
  }

  /** Homogeneous arrays of primitives stay primitive arrays; anything else becomes a Value. */
  @SuppressWarnings("unchecked")
  private void putArray(AttributesBuilder attributes, int keyAt, int keyLength, AnyValue array) throws Malformed {
    List<AnyValue> values = (List<AnyValue>) array.value;
    AnyValueKind only = values.isEmpty() ? AnyValueKind.STRING : values.get(0).kind;
    for (AnyValue value : values) {
      if (value.kind != only) {
        only = AnyValueKind.NOT_SET;
        break;
      }
    }
    if (only != AnyValueKind.STRING && only != AnyValueKind.BOOL && only != AnyValueKind.INT && only != AnyValueKind.DOUBLE) {
      attributes.put(AttributeKey.valueKey(decode(keyAt, keyLength)), array.toValue());
      return;
    }
    List<Object> elements = new ArrayList<>(values.size());
    for (AnyValue value : values) {
      elements.add(value.value);
    }
    attributes.put((AttributeKey<Object>) texts.key(request, keyAt, keyLength, arrayOf(only)),
        List.copyOf(elements));
  }

  private static AnyValueKind arrayOf(AnyValueKind element) {
    switch (element) {
      case BOOL:
        return AnyValueKind.BOOL_ARRAY;
      case INT:
        return AnyValueKind.INT_ARRAY;
      case DOUBLE:
        return AnyValueKind.DOUBLE_ARRAY;
      default:
        return AnyValueKind.STRING_ARRAY;
    }
  }

  /**
   * An AnyValue message. {@code merged} is the value the same field had before, which protobuf
   * merges this one into: the later case wins, and arrays and key-value lists append.
   */
  private AnyValue anyValue(CodedInputStream in, int base, AnyValue merged, int depth)
      throws IOException, Malformed {
    if (depth > MAX_DEPTH) {
      throw new Malformed("attribute values nested deeper than " + MAX_DEPTH);
    }
    int limit = in.pushLimit(in.readRawVarint32());
    AnyValue value = merged == null ? AnyValue.NOT_SET : merged;
    // The list this message's repeats of one array or kvlist field append to: copied from a merged
    // value once, not once per repeat (a body of ten thousand repeats would copy 10^8 elements).
    List<Object> appending = null;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case (1 << 3) | LENGTH:
          value = new AnyValue(AnyValueKind.STRING, text(in, base));
          break;
        case (2 << 3) | VARINT:
          value = new AnyValue(AnyValueKind.BOOL, in.readBool());
          break;
        case (3 << 3) | VARINT:
          value = new AnyValue(AnyValueKind.INT, in.readInt64());
          break;
        case (4 << 3) | FIXED64:
          value = new AnyValue(AnyValueKind.DOUBLE, in.readDouble());
          break;
        case (5 << 3) | LENGTH:
        case (6 << 3) | LENGTH: {
          AnyValueKind kind = tag == ((5 << 3) | LENGTH) ? AnyValueKind.ARRAY : AnyValueKind.KVLIST;
          List<Object> elements = value.kind != kind ? new ArrayList<>()
              : value.value == appending ? appending : copy(value.value);
          appending = elements;
          int nested = in.pushLimit(in.readRawVarint32());
          for (int field = in.readTag(); field != 0; field = in.readTag()) {
            if (field == tag(1, LENGTH)) {
              elements.add(kind == AnyValueKind.ARRAY ? anyValue(in, base, null, depth + 1) : entry(in, base, depth + 1));
            } else {
              in.skipField(field);
            }
          }
          in.popLimit(nested);
          value = new AnyValue(kind, elements);
          break;
        }
        case (7 << 3) | LENGTH:
          value = new AnyValue(AnyValueKind.BYTES, in.readByteArray());
          break;
        case (8 << 3) | VARINT:
          // string_value_strindex: an index into a profile's string table, meaningless here.
          in.readInt32();
          value = AnyValue.NOT_SET;
          break;
        default:
          in.skipField(tag);
      }
    }
    in.popLimit(limit);
    return value;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> copy(Object list) {
    return new ArrayList<>((List<Object>) list);
  }

  /** A KeyValue inside a key-value list value. */
  private KeyValue entry(CodedInputStream in, int base, int depth) throws IOException, Malformed {
    int limit = in.pushLimit(in.readRawVarint32());
    String key = "";
    AnyValue value = null;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == tag(1, LENGTH)) {
        key = text(in, base);
      } else if (tag == tag(2, LENGTH)) {
        value = anyValue(in, base, value, depth + 1);
      } else {
        in.skipField(tag);
      }
    }
    in.popLimit(limit);
    return KeyValue.of(key, (value == null ? AnyValue.NOT_SET : value).toValue());
  }

  /**
   * A string field, its bytes checked to be UTF-8 as the official parser checks them (WTF-8 in a
   * request made from OTLP/JSON).
   */
  String text(CodedInputStream in, int base) throws IOException, Malformed {
    long slice = slice(in, base);
    return length(slice) <= CACHED_TEXT_BYTES
        ? texts.text(request, at(slice), length(slice))
        : decode(at(slice), length(slice));
  }

  private String decode(int at, int length) throws Malformed {
    return TextCache.decode(request, at, length, wtf8);
  }
}
