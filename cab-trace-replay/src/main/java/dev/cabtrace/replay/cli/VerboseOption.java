package dev.cabtrace.replay.cli;

import picocli.CommandLine.Option;

/**
 * {@code --verbose}, mixed into the commands that take it. {@link CabTraceCli}'s error handler
 * reads it from the parse result, not from here.
 */
final class VerboseOption {

  @Option(names = "--verbose", description = "Print stack traces of errors.")
  boolean verbose;
}
