package dev.cabtrace.replay.read;

import java.io.IOException;

/** A trace could not be loaded; the message says where (file and line) and why, in one line. */
public final class TraceReadException extends IOException {

  private static final long serialVersionUID = 1L;

  public TraceReadException(String message) {
    super(message);
  }

  public TraceReadException(String message, Throwable cause) {
    super(message, cause);
  }
}
