package dev.cabtrace.api;

final class CabTraceVersion {
  static final String VERSION = "0.1.0";

  private CabTraceVersion() {}
}
