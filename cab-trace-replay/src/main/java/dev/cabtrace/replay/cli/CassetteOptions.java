package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.internal.FileToWrite;
import dev.cabtrace.replay.record.CellRecorder;
import dev.cabtrace.sdk.proxy.CassetteMode;
import dev.cabtrace.sdk.proxy.CassetteTiming;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The options of {@code record} that keep the model's answers in a cassette, or serve them from one. */
final class CassetteOptions {

  @Option(names = "--cassette", paramLabel = "FILE",
      description = "Keep the model's answers in this cassette (JSON Lines) to re-run the cell against them later.")
  Path cassette;

  @Option(names = "--cassette-mode", paramLabel = "MODE",
      description = "record (default with --model-upstream: forward and store every exchange), replay (serve only from the"
          + " cassette; no upstream needed) or record-missing (serve what is stored, forward and store the rest).")
  String cassetteMode;

  @Option(names = "--cassette-timing", paramLabel = "TIMING",
      description = "original (replay the recorded time to first byte and gaps between chunks; default) or fast.")
  String cassetteTiming;

  @Option(names = "--cassette-ignore", paramLabel = "JSONPATH",
      description = "A request field left out when matching requests to the cassette, e.g. $.metadata.request_id; repeatable.")
  List<String> cassetteIgnores = new ArrayList<>();

  /**
   * Sets {@code recorder}'s cassette when {@code --cassette} was given, in mode record when there
   * is a model upstream to record from and replay when there is not, unless {@code --cassette-mode}
   * says otherwise.
   *
   * @throws IllegalArgumentException for a mode or timing it does not know, a mode, timing or
   *     ignore path without a cassette, a cassette file the mode cannot use (none to replay, a directory), or an ignore
   *     path the proxy does not support
   */
  void applyTo(CellRecorder.Builder recorder, boolean modelUpstream) {
    if (cassette != null) {
      String mode = cassetteMode != null ? cassetteMode : modelUpstream ? "record" : "replay";
      CassetteMode cassetteMode =
          CassetteMode.valueOf(enumName(mode, "--cassette-mode", "record, replay, record-missing"));
      checkFile(cassetteMode);
      recorder.setCassette(cassette, cassetteMode)
          .setCassetteTiming(CassetteTiming.valueOf(
              enumName(cassetteTiming != null ? cassetteTiming : "original", "--cassette-timing", "original, fast")));
      cassetteIgnores.forEach(recorder::addCassetteIgnore);
    } else if (cassetteMode != null) {
      throw new IllegalArgumentException("--cassette-mode needs --cassette FILE");
    } else if (cassetteTiming != null) {
      throw new IllegalArgumentException("--cassette-timing needs --cassette FILE");
    } else if (!cassetteIgnores.isEmpty()) {
      throw new IllegalArgumentException("--cassette-ignore needs --cassette FILE");
    }
  }

  /** Refuses, before anything runs, a cassette file that {@code mode} would fail to open. */
  private void checkFile(CassetteMode mode) {
    if (mode == CassetteMode.REPLAY) {
      if (Files.isDirectory(cassette)) {
        throw new IllegalArgumentException("--cassette " + cassette + " is a directory, not a cassette file");
      }
      if (!Files.exists(cassette)) {
        throw new IllegalArgumentException("--cassette " + cassette + ": no such file to replay (record one with"
            + " --model-upstream URL --cassette FILE)");
      }
      if (!Files.isReadable(cassette)) {
        throw new IllegalArgumentException("--cassette " + cassette + " cannot be read (permission denied)");
      }
    } else {
      if (mode == CassetteMode.RECORD_MISSING && Files.exists(cassette) && !Files.isReadable(cassette)) {
        throw new IllegalArgumentException("--cassette " + cassette + " cannot be read (permission denied)");
      }
      // Made with its missing directories as the proxy starts: under a file, once the run has started.
      FileToWrite.check("--cassette", cassette, "a cassette file");
    }
  }

  private static String enumName(String value, String option, String allowed) {
    String name = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (String known : allowed.split(", ")) {
      if (known.toUpperCase(Locale.ROOT).replace('-', '_').equals(name)) {
        return name;
      }
    }
    throw new IllegalArgumentException(option + " must be one of " + allowed + ", not " + value);
  }
}
