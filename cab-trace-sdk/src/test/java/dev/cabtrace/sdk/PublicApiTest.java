package dev.cabtrace.sdk;

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
 * The public types of cab-trace-sdk, package by package: the module's API, decided here. A type
 * that turns public (or stops being public) fails this test until the list below says so; a helper
 * that other packages need and users should not goes in an {@code internal} package instead.
 * Nested types count when they and every type around them are public.
 */
class PublicApiTest {

  private static final Map<String, Set<String>> API = Map.ofEntries(
      Map.entry("dev.cabtrace.sdk", Set.of("CabTraceSdk", "CabTraceSdkBuilder")),
      Map.entry("dev.cabtrace.sdk.capture", Set.of("BlockingBatchSpanProcessor", "BlockingBatchSpanProcessor.Builder")),
      Map.entry("dev.cabtrace.sdk.internal", Set.of("DelegatingSpanExporter")),
      Map.entry("dev.cabtrace.sdk.export", Set.of("OtlpExport", "OtlpExport.Protocol")),
      Map.entry("dev.cabtrace.sdk.persist", Set.of("CrashJournal", "OtlpJsonLinesFileExporter")),
      Map.entry("dev.cabtrace.sdk.proxy", Set.of("CassetteMode", "CassetteTiming", "ModelCallRecordingProxy", "ModelCallRecordingProxy.Builder")),
      Map.entry("dev.cabtrace.sdk.redact", Set.of("Redaction", "Redaction.Builder")));

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
    assertThat(problems).as("the public API of cab-trace-sdk").isEmpty();
  }

  /** Public types of the module's compiled classes (the directory or jar CabTraceSdk came from). */
  private static Map<String, Set<String>> publicTypes() throws IOException, URISyntaxException, ClassNotFoundException {
    Path location = Path.of(CabTraceSdk.class.getProtectionDomain().getCodeSource().getLocation().toURI());
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
