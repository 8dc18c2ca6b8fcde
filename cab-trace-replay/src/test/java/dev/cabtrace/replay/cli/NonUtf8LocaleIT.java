package dev.cabtrace.replay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as its own JVM outside a UTF-8 locale (LANG unset, LC_ALL=C, as in many containers). */
@Timeout(120)
class NonUtf8LocaleIT {

  @TempDir Path dir;

  @Test
  void aFileNameJavaCannotNameHereIsSaidSoInOneLine() throws Exception {
    // café.jsonl, named in UTF-8 by the shell: this JVM may not be in a UTF-8 locale either.
    assertThat(new ProcessBuilder("sh", "-c", "printf '{}' > \"$(printf 'caf\\303\\251.jsonl')\"").directory(dir.toFile())
        .start().waitFor()).isZero();
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), CabTraceCli.class.getName(), "html", "caf\u00e9.jsonl", "-o", "x.html")
        .directory(dir.toFile());
    builder.environment().keySet().removeIf(name -> name.equals("LANG") || name.startsWith("LC_"));
    builder.environment().put("LC_ALL", "C");
    Process html = builder.start();
    String err = new String(html.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(html.waitFor()).isEqualTo(2);
    assertThat(err).matches("cab-trace: cannot name caf.+\\.jsonl in this system's file name encoding \\(.+\\);"
        + " run cab-trace in a UTF-8 locale \\(LANG=C.UTF-8\\)\\n");
  }
}
