package dev.cabtrace.replay.read;

/**
 * A trace file changed after {@link TraceReader} read it: a span's attributes, left in the file and
 * read back when asked for, are no longer there as they were read. Not a bug: read the file again.
 *
 * <p>An {@link IllegalStateException}, as this failure was before it had a type of its own.
 */
public final class TraceChangedException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  TraceChangedException(String message) {
    super(message);
  }
}
