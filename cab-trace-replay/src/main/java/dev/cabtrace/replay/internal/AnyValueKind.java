package dev.cabtrace.replay.internal;

/** What an OTLP AnyValue (or an attribute's array of them) holds. */
enum AnyValueKind {
  STRING, BOOL, INT, DOUBLE, ARRAY, KVLIST, BYTES, NOT_SET, STRING_ARRAY, BOOL_ARRAY, INT_ARRAY, DOUBLE_ARRAY
}
