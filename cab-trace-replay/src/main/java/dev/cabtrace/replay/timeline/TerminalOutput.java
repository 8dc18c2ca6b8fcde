package dev.cabtrace.replay.timeline;

import java.util.List;

/**
 * The terminal output recorded up to a moment: the chunks, in arrival order, of every span.
 *
 * @param chunks the chunks, oldest first
 */
public record TerminalOutput(List<OutputChunk> chunks) {

  /** All output so far as one text, optionally of one stream only (null for all). */
  public String text(String stream) {
    StringBuilder out = new StringBuilder();
    for (OutputChunk chunk : chunks) {
      if (stream == null || stream.equals(chunk.stream())) {
        out.append(chunk.text());
      }
    }
    return out.toString();
  }

  /**
   * The end of the output: enough of the latest chunks to hold at least {@code lines} line breaks,
   * without reading further back than needed.
   */
  public String tail(int lines) {
    int breaks = 0;
    int from = chunks.size();
    while (from > 0 && breaks <= lines) {
      String text = chunks.get(--from).text();
      for (int i = 0; i < text.length(); i++) {
        if (text.charAt(i) == '\n') {
          breaks++;
        }
      }
    }
    StringBuilder out = new StringBuilder();
    for (int i = from; i < chunks.size(); i++) {
      out.append(chunks.get(i).text());
    }
    return out.toString();
  }
}
