package dev.cabtrace.replay.internal;

import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import java.util.ArrayList;
import java.util.List;

/** An AnyValue as read: a String, Boolean, Long, Double, byte[], or a list of AnyValue or KeyValue. */
final class AnyValue {
  static final AnyValue NOT_SET = new AnyValue(AnyValueKind.NOT_SET, null);

  final AnyValueKind kind;
  final Object value;

  AnyValue(AnyValueKind kind, Object value) {
    this.kind = kind;
    this.value = value;
  }

  @SuppressWarnings("unchecked")
  Value<?> toValue() {
    switch (kind) {
      case STRING:
        return Value.of((String) value);
      case BOOL:
        return Value.of((Boolean) value);
      case INT:
        return Value.of((Long) value);
      case DOUBLE:
        return Value.of((Double) value);
      case BYTES:
        return Value.of((byte[]) value);
      case ARRAY:
        List<Value<?>> elements = new ArrayList<>();
        for (AnyValue element : (List<AnyValue>) value) {
          elements.add(element.toValue());
        }
        return Value.of(elements);
      case KVLIST:
        return Value.of(((List<KeyValue>) value).toArray(new KeyValue[0]));
      default:
        return Value.empty();
    }
  }
}
