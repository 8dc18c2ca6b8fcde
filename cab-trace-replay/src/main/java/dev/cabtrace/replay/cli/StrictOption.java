package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.read.TraceReader;
import picocli.CommandLine.Option;

/** {@code --strict} of a command that reads traces one by one: a bad line fails the read. */
final class StrictOption {

  @Option(names = "--strict", description = "Fail on the first bad line instead of skipping it with a warning.")
  boolean strict;

  /** A reader builder, strict when {@code --strict} was given. */
  TraceReader.Builder readerBuilder() {
    return TraceReader.builder().setStrict(strict);
  }
}
