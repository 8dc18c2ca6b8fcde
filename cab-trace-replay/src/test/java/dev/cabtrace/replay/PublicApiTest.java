package dev.cabtrace.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public types of cab-trace-replay, package by package: the module's API, decided here. A type
 * that turns public (or stops being public) fails this test until the list below says so; a helper
 * that other packages need and users should not goes in an {@code internal} package instead.
 * Nested types count when they and every type around them are public.
 */
class PublicApiTest {

  private static final Map<String, Set<String>> API = Map.ofEntries(
      Map.entry("dev.cabtrace.replay.assertions", Set.of("CabTraceAssertions", "FrameAssert", "ScoreAssert", "SpanAssert", "TimelineAssert", "TimelineDiffAssert")),
      // The command line: its entry point only.
      Map.entry("dev.cabtrace.replay.cli", Set.of("CabTraceCli")),
      // Shared by cab-trace's own packages; public only because Java needs it to be.
      Map.entry("dev.cabtrace.replay.internal", Set.of("CharEscaper", "CompactJson", "Durations", "ImmutableSpanData")),
      Map.entry("dev.cabtrace.replay.junit", Set.of("CabTraceExtension", "CellCapture")),
      Map.entry("dev.cabtrace.replay.ledger", Set.of("Budget", "Budget.Builder", "BudgetCheck", "CellScore", "SweepGroup", "SweepLedger", "SweepLedger.Builder", "TimelineDiff", "TimelineDiff.Axis", "TimelineDiff.SpanChange", "TraceFacts")),
      Map.entry("dev.cabtrace.replay.page", Set.of("CellPage", "CellPage.Builder", "CellServer", "CellServer.Builder")),
      Map.entry("dev.cabtrace.replay.player", Set.of("FrameRenderer", "TerminalPlayer")),
      Map.entry("dev.cabtrace.replay.push", Set.of("CapturePusher", "CapturePusher.Result")),
      Map.entry("dev.cabtrace.replay.read", Set.of("TraceReadException", "TraceReader", "TraceReader.Builder", "TraceReader.ProgressListener")),
      Map.entry("dev.cabtrace.replay.record", Set.of("CellRecorder", "CellRecorder.Builder", "OtlpReceiver", "RecordResult")),
      Map.entry("dev.cabtrace.replay.screen", Set.of("CellStyle", "Screen", "ScreenCell", "ScreenPlayback", "ScreenRecording", "ScreenRecording.Builder", "TerminalEmulator")),
      Map.entry("dev.cabtrace.replay.terminal", Set.of("TerminalText")),
      // TimelineBuilder and TimelineSpan.Builder make a timeline by hand (tests, the in-memory capture);
      // Ids and the crash-journal recovery are not API.
      Map.entry("dev.cabtrace.replay.timeline", Set.of("Frame", "LoadWarning", "ModelCall", "OutputChunk", "ReplayClock", "ReplayCursor", "ReplayCursor.Builder", "SpanEvent", "SpanStatus", "TerminalOutput", "Timeline", "TimelineBuilder", "TimelineSpan", "TimelineSpan.Builder", "TokenTotals")));

  @Test
  void thePublicTypesAreTheOnesDecidedOn() throws Exception {
    Map<String, Set<String>> found = publicTypes();
    List<String> problems = new ArrayList<>();
    found.forEach((pkg, types) -> {
      for (String type : types) {
        if (!API.getOrDefault(pkg, Set.of()).contains(type)) {
          problems.add("new public type " + pkg + "." + type
              + ": make it package-private, move it to an internal package, or add it to PublicApiTest");
        }
      }
    });
    API.forEach((pkg, types) -> {
      for (String type : types) {
        if (!found.getOrDefault(pkg, Set.of()).contains(type)) {
          problems.add("no longer public (or gone): " + pkg + "." + type + "; update PublicApiTest");
        }
      }
    });
    assertThat(problems).as("the public API of cab-trace-replay").isEmpty();
  }

  /** Public types of the module's compiled classes (the directory or jar dev.cabtrace.replay.read.TraceReader came from). */
  private static Map<String, Set<String>> publicTypes() throws IOException, URISyntaxException, ClassNotFoundException {
    Path location = Path.of(dev.cabtrace.replay.read.TraceReader.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Map<String, Set<String>> types = new TreeMap<>();
    try (FileSystem jar = Files.isDirectory(location) ? null : FileSystems.newFileSystem(location)) {
      Path root = jar == null ? location : jar.getPath("/");
      List<String> names;
      try (Stream<Path> files = Files.walk(root)) {
        names = files.map(file -> root.relativize(file).toString().replace('\\', '/'))
            .filter(name -> name.endsWith(".class") && !name.endsWith("package-info.class") && !name.endsWith("module-info.class"))
            .map(name -> name.substring(0, name.length() - ".class".length()).replace('/', '.'))
            .toList();
      }
      for (String name : names) {
        Class<?> type = Class.forName(name, false, PublicApiTest.class.getClassLoader());
        if (isPublic(type)) {
          String pkg = type.getPackageName();
          types.computeIfAbsent(pkg, k -> new TreeSet<>()).add(name.substring(pkg.length() + 1).replace('$', '.'));
        }
      }
    }
    return types;
  }

  private static boolean isPublic(Class<?> type) {
    for (Class<?> t = type; t != null; t = t.getEnclosingClass()) {
      if (!Modifier.isPublic(t.getModifiers()) || t.isAnonymousClass() || t.isLocalClass() || t.isSynthetic()) {
        return false;
      }
    }
    return true;
  }
}
