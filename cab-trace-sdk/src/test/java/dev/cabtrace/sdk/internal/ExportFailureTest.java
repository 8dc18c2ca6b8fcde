package dev.cabtrace.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.rpc.Status;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExportFailureTest {

  @Test
  void readsTheMessageOfAStatusAsProtobufWritesIt() {
    Status status = Status.newBuilder().setCode(8).setMessage("quota exceeded: 3 of 2 — retry later")
        .addDetails(Any.newBuilder().setTypeUrl("type.googleapis.com/google.rpc.RetryInfo")
            .setValue(ByteString.copyFrom(new byte[] {10, 2, 8, 30})))
        .build();

    assertThat(ExportFailure.statusMessage(status.toByteArray())).isEqualTo("quota exceeded: 3 of 2 — retry later");
    assertThat(ExportFailure.statusMessage(Status.newBuilder().setCode(3).build().toByteArray())).isEmpty();
  }

  @Test
  void aReasonWithControlCharactersIsGivenWithThemShownAsReplacementCharacters() {
    assertThat(ExportFailure.describe(answer(400, "Bad Request", "{\"message\":\"nope \u001b[31mRED\u001b[0m\"}")))
        .isEqualTo("HTTP 400 Bad Request: {\"message\":\"nope \ufffd[31mRED\ufffd[0m\"}");
    assertThat(ExportFailure.describe(answer(502, "Bad Gateway\u0007", "<html>\r\n<h1>502\u009b</h1>\n</html>")))
        .isEqualTo("HTTP 502 Bad Gateway\ufffd: <html> <h1>502\ufffd</h1> </html>");
    byte[] status = Status.newBuilder().setCode(8).setMessage("quota \u001b[2J exceeded").build().toByteArray();
    assertThat(ExportFailure.describe(answer(429, "Too Many Requests", status)))
        .isEqualTo("HTTP 429 Too Many Requests: quota \ufffd[2J exceeded");
  }

  private static Throwable answer(int code, String phrase, String body) {
    return answer(code, phrase, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static Throwable answer(int code, String phrase, byte[] body) {
    return io.opentelemetry.exporter.internal.FailedExportException.httpFailedWithResponse(
        new io.opentelemetry.sdk.common.export.HttpResponse() {
          @Override
          public int getStatusCode() {
            return code;
          }

          @Override
          public String getStatusMessage() {
            return phrase;
          }

          @Override
          public byte[] getResponseBody() {
            return body;
          }
        });
  }

  @Test
  void bytesThatAreNoStatusHaveNoMessage() {
    byte[] status = Status.newBuilder().setCode(3).setMessage("span too old").build().toByteArray();

    assertThat(ExportFailure.statusMessage(Arrays.copyOf(status, status.length - 3))).as("cut off").isNull();
    assertThat(ExportFailure.statusMessage(new byte[] {(byte) 0x80})).as("a varint cut off").isNull();
    assertThat(ExportFailure.statusMessage(new byte[] {0x0B, 0x0C})).as("a group").isNull();
    assertThat(ExportFailure.statusMessage(new byte[] {0x12, 0x02, (byte) 0xC3, 0x28})).as("not UTF-8").isNull();
    Random random = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      byte[] noise = new byte[random.nextInt(40)];
      random.nextBytes(noise);
      ExportFailure.statusMessage(noise); // never throws, whatever the bytes
    }
  }
}
