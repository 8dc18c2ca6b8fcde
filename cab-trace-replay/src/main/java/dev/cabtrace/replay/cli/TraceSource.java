package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.ledger.TraceFacts;
import dev.cabtrace.replay.read.TraceReadException;
import dev.cabtrace.replay.read.TraceReader;
import dev.cabtrace.replay.timeline.LoadWarning;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The trace a command reads: a file in any supported format, or {@code -} for stdin. */
final class TraceSource {

  @Parameters(index = "0", paramLabel = "FILE", description = "Trace file (OTLP JSON Lines, Tempo, Jaeger or Zipkin JSON), - for stdin, or with --from the trace id.")
  String file;

  @Option(names = "--from", paramLabel = "URL",
      description = "Fetch the trace FILE names (a trace id) from a backend's query API: Tempo or Jaeger (/api/traces/{id}) or Zipkin (/api/v2/trace/{id}).")
  String from;

  @Mixin StrictOption strict;

  @Mixin VerboseOption verbose;

  /** The whole timeline. */
  Timeline load() throws TraceReadException {
    if (from != null) {
      HttpUrl.check("--from", from, "http://tempo:3200");
    }
    LoadProgress progress = from == null ? LoadProgress.forFile(file) : null;
    TraceReader reader = reader(progress);
    try {
      if (from != null) {
        return BackendFetch.fetch(reader, from, file);
      }
      if ("-".equals(file)) {
        return reader.read(System.in, "<stdin>");
      }
      return reader.read(Path.of(file));
    } finally {
      if (progress != null) {
        progress.done();
      }
    }
  }

  /**
   * What a ledger needs, every span handed to {@code also} too: streamed from a file, without a
   * timeline; from stdin or a backend, out of the timeline.
   */
  TraceFacts facts(Consumer<TimelineSpan> also) throws TraceReadException {
    if (!isFile()) {
      return TraceFacts.of(load(), also);
    }
    LoadProgress progress = LoadProgress.forFile(file);
    try {
      return TraceFacts.read(Path.of(file), reader(progress), also);
    } finally {
      if (progress != null) {
        progress.done();
      }
    }
  }

  /**
   * Streams the spans of the file, which is neither stdin nor a backend's trace, to {@code each};
   * returns the load's warnings.
   */
  List<LoadWarning> streamFile(Consumer<TimelineSpan> each) throws TraceReadException {
    LoadProgress progress = LoadProgress.forFile(file);
    try {
      return reader(progress).stream(Path.of(file), each);
    } finally {
      if (progress != null) {
        progress.done();
      }
    }
  }

  /** Whether the trace is a file that can be streamed: not stdin, not a backend's. */
  boolean isFile() {
    return from == null && !"-".equals(file);
  }

  private TraceReader reader(LoadProgress progress) {
    TraceReader.Builder builder = strict.readerBuilder();
    if (progress != null) {
      builder.setProgressListener(progress);
    }
    return builder.build();
  }
}
