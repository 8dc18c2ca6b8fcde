package dev.cabtrace.sdk.internal;

import io.opentelemetry.exporter.internal.FailedExportException;
import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Why an export failed, in one line: the backend's answer ({@code HTTP 401 Unauthorized:
 * {"message":"missing token"}}, {@code gRPC UNAUTHENTICATED: ...}) or what stood in the way ({@code ConnectException:
 * Connection refused}). The exporters' own words name only the exception's class. Shared by {@code push}
 * and the SDK's backend copies.
 */
public final class ExportFailure {

  /** The most of a backend's reason kept: enough for a sentence, not a page of HTML. */
  private static final int REASON_CHARS = 200;

  private ExportFailure() {}

  /** {@code failure}, as a failed export's result holds it (null when it holds none), in words. */
  public static String describe(Throwable failure) {
    if (failure == null) {
      return "no reason given";
    }
    if (failure instanceof FailedExportException.HttpExportException http && http.failedWithResponse()) {
      HttpResponse response = http.getResponse();
      String phrase = response.getStatusMessage() == null ? "" : oneLine(response.getStatusMessage());
      String reason = reason(response.getResponseBody());
      return "HTTP " + response.getStatusCode() + (phrase.isEmpty() ? "" : " " + phrase)
          + (reason.isEmpty() ? "" : ": " + reason);
    }
    if (failure instanceof FailedExportException.GrpcExportException grpc && grpc.failedWithResponse()) {
      GrpcResponse response = grpc.getResponse();
      String description = response.getStatusDescription() == null ? "" : oneLine(response.getStatusDescription());
      return "gRPC " + response.getStatusCode() + (description.isEmpty() ? "" : ": " + description);
    }
    // No answer: what stood in the way is the cause (refused, timed out, no such host).
    Throwable cause = failure instanceof FailedExportException && failure.getCause() != null ? failure.getCause() : failure;
    return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + oneLine(cause.getMessage()));
  }

  /**
   * The reason an answer's body gives: its text (a gateway's JSON or plain text), else the message
   * of the google.rpc.Status an OTLP/HTTP backend answers in protobuf; empty when it gives none.
   */
  private static String reason(byte[] body) {
    if (body == null || body.length == 0) {
      return "";
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
    } catch (CharacterCodingException e) {
      text = null;
    }
    // A protobuf Status is rarely valid UTF-8 text without control characters; text with them
    // (a gateway's coloured error page) is still text when it is not a Status.
    boolean plain = text != null && text.chars().allMatch(c -> c >= 0x20 || c == '\t' || c == '\n' || c == '\r');
    String message = plain ? null : statusMessage(body);
    if (message != null) {
      return oneLine(message);
    }
    return text == null ? "" : oneLine(text);
  }

  /**
   * The message (field 2, a string) of a protobuf google.rpc.Status, read from its wire format;
   * null when the bytes are not one. By hand: the SDK does not carry protobuf-java for one field.
   */
  static String statusMessage(byte[] body) {
    int[] at = {0};
    String message = "";
    while (at[0] < body.length) {
      long tag = varint(body, at);
      if (tag < 0) {
        return null;
      }
      int field = (int) (tag >>> 3);
      switch ((int) (tag & 7)) {
        case 0 -> {
          if (varint(body, at) < 0) {
            return null;
          }
        }
        case 1 -> at[0] += 8;
        case 5 -> at[0] += 4;
        case 2 -> {
          long length = varint(body, at);
          if (length < 0 || length > body.length - at[0]) {
            return null;
          }
          if (field == 2) {
            try {
              message = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                  .decode(ByteBuffer.wrap(body, at[0], (int) length)).toString();
            } catch (CharacterCodingException e) {
              return null;
            }
          }
          at[0] += (int) length;
        }
        default -> {
          return null; // groups, or no wire type at all: not a Status
        }
      }
      if (field == 0 || at[0] > body.length) {
        return null;
      }
    }
    return message;
  }

  /** A varint at {@code at[0]}, moving past it; -1 when it is cut off or longer than 64 bits. */
  private static long varint(byte[] b, int[] at) {
    long value = 0;
    for (int shift = 0; shift < 64 && at[0] < b.length; shift += 7) {
      byte next = b[at[0]++];
      value |= (long) (next & 0x7F) << shift;
      if (next >= 0) {
        return value;
      }
    }
    return -1;
  }

  /**
   * {@code text} on one line, cut to {@link #REASON_CHARS}, each control character left in it shown
   * as U+FFFD: a backend's words go to a terminal and to logs, where an escape sequence would act.
   */
  private static String oneLine(String text) {
    String line = text.strip().replaceAll("\\s*\\R\\s*", " ");
    line = line.length() <= REASON_CHARS ? line : line.substring(0, REASON_CHARS) + "...";
    StringBuilder shown = new StringBuilder(line.length());
    line.codePoints().forEach(c -> shown.appendCodePoint(Character.isISOControl(c) && c != '\t' ? 0xFFFD : c));
    return shown.toString();
  }
}
