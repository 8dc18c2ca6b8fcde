package dev.cabtrace.replay.page;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cabtrace.replay.cli.CabTraceCli;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    List<Socket> stalled = new ArrayList<>();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
      Matcher url = URL.matcher(String.valueOf(out.readLine()));
      assertThat(url.find()).isTrue();
      URI index = URI.create(url.group(1));
      // More than the server has threads, each stopping in the middle of its request's head.
      for (int i = 0; i < 6; i++) {
        Socket socket = new Socket(index.getHost(), index.getPort());
        socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        stalled.add(socket);
      }

      HttpResponse<String> page = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(index).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("sweep-1/cell.jsonl");
    } finally {
      for (Socket socket : stalled) {
        socket.close();
      }
      serve.destroyForcibly().waitFor();
    }
  }
}
