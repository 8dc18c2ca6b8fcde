package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.read.TraceReadException;
import dev.cabtrace.replay.read.TraceReader;
import dev.cabtrace.replay.timeline.Timeline;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The trace a command reads: a file in any supported format, or {@code -} for stdin. */
final class TraceSource {

  @Parameters(index = "0", paramLabel = "FILE", description = "Trace file (OTLP JSON Lines, Tempo, Jaeger or Zipkin JSON), - for stdin, or with --from the trace id.")
  String file;

  @Option(names = "--from", paramLabel = "URL",
      description = "Fetch the trace FILE names (a trace id) from a backend's query API: Tempo or Jaeger (/api/traces/{id}) or Zipkin (/api/v2/trace/{id}).")
  String from;

  @Option(names = "--strict", description = "Fail on the first bad line instead of skipping it with a warning.")
  boolean strict;

  @Option(names = "--verbose", description = "Print stack traces of errors.")
  boolean verbose;

  Timeline load() throws TraceReadException {
    TraceReader reader =
        TraceReader.builder()
            .setStrict(strict)
            .setProgressListener(bytes -> System.err.printf("reading %s: %d MiB%n", file, bytes >> 20))
            .build();
    if (from != null) {
      return BackendFetch.fetch(reader, from, file);
    }
    if ("-".equals(file)) {
      return reader.read(System.in, "<stdin>");
    }
    return reader.read(Path.of(file));
  }
}
