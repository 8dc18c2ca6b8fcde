package dev.cabtrace.replay.page;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.replay.cli.CabTraceCli;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cab-trace serve} as its own JVM, as a user runs it: the JDK server's settings are the
 * process's, made when its first server starts, so this is where they can be seen to hold.
 */
@Timeout(120)
class ServeIT {

  private static final Pattern URL = Pattern.compile("at (http://\\S+/)");

  @TempDir Path dir;

  @Test
  void connectionsThatSendHalfARequestDoNotHoldTheServer() throws Exception {
    PageFixtures.copySeed(dir, "sweep-1/cell.jsonl");
    Process serve = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), CabTraceCli.class.getName(), "serve", dir.toString(), "--port", "0")
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
      Matcher url = URL.matcher(String.valueOf(out.readLine()));
      assertThat(url.find()).isTrue();
      URI index = URI.create(url.group(1));
      HttpClient client = HttpClient.newHttpClient();
      // Many more than the pages the server makes at once, each stopping in the middle of its
      // request's head, and opened again when the server drops it.
      try (HalfOpenClients stalled = HalfOpenClients.hold(index.getHost(), index.getPort(), 16)) {
        for (int i = 0; i < 3; i++) {
          assertServed(client, index);
        }
        // Dropped past their deadline and back: requests waiting meanwhile were not dropped with them.
        stalled.awaitDrops(16);
        for (int i = 0; i < 3; i++) {
          assertServed(client, index);
        }
      }
    } finally {
      // Stopped as Ctrl-C stops it, so that it removes its directory of pages.
      serve.destroy();
      if (!serve.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        serve.destroyForcibly().waitFor();
      }
    }
  }

  @Test
  void outsideAUtf8LocaleACaptureWhoseNameIsNotAsciiIsARowSayingSoAndTheRestAreListed() throws Exception {
    PageFixtures.copySeed(dir, "ok.jsonl");
    // café.jsonl, named in UTF-8 by the shell: this JVM may not be in a UTF-8 locale either.
    assertThat(new ProcessBuilder("sh", "-c", "cp ok.jsonl \"$(printf 'caf\\303\\251.jsonl')\"").directory(dir.toFile())
        .start().waitFor()).isZero();
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), CabTraceCli.class.getName(), "serve", dir.toString(), "--port", "0")
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    // As in a container with no locale: Java then names files in ASCII.
    builder.environment().keySet().removeIf(name -> name.equals("LANG") || name.startsWith("LC_"));
    builder.environment().put("LC_ALL", "C");
    Process serve = builder.start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
      Matcher url = URL.matcher(String.valueOf(out.readLine()));
      assertThat(url.find()).isTrue();
      HttpResponse<String> index = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(url.group(1))).timeout(Duration.ofSeconds(60)).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(index.statusCode()).isEqualTo(200);
      assertThat(index.body()).contains("ok.jsonl").contains("its name cannot be read in this system&#39;s file name encoding");
    } finally {
      serve.destroy();
      if (!serve.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        serve.destroyForcibly().waitFor();
      }
    }
  }

  private static void assertServed(HttpClient client, URI index) throws Exception {
    HttpResponse<String> page = client.send(HttpRequest.newBuilder(index).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("sweep-1/cell.jsonl");
  }
}
