package dev.cabtrace.replay.timeline;

/**
 * Something imperfect found while loading a trace, that the load got past: a torn last line, a
 * skipped line, a duplicate span, a missing parent, clock skew.
 *
 * @param source the file or stream it was found in
 * @param line the line number, or 0 where no line applies
 * @param message what was found and what was done about it
 */
public record LoadWarning(String source, long line, String message) {

  @Override
  public String toString() {
    return line > 0 ? source + ":" + line + ": " + message : source + ": " + message;
  }
}
