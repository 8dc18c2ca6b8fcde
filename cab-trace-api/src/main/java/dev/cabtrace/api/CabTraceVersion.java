package dev.cabtrace.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** cab-trace's version, as the build wrote it into {@code version.properties} beside this class. */
final class CabTraceVersion {

  /** The version ({@code 0.1.0-SNAPSHOT}), or {@code unknown} when the build did not say. */
  static final String VERSION = read();

  private CabTraceVersion() {}

  private static String read() {
    try (InputStream in = CabTraceVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      String version = properties.getProperty("version", "").trim();
      // Unfiltered (an IDE that copied the file as it is) counts as not said.
      return version.isEmpty() || version.startsWith("${") ? "unknown" : version;
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
