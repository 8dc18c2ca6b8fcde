package dev.cabtrace.sdk.persist;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Which capture file a crash journal was written beside, as its heartbeat line says: the file's
 * identity on its file system (device and inode) and its length then. A run that finds a journal
 * a killed run left takes it up only when the capture file is still that file, appended to since
 * (a harness that removed or moved the capture before a retry leaves a journal that is not this
 * cell's).
 *
 * @param fileKey the capture file's {@link BasicFileAttributes#fileKey()}, as text
 * @param bytes its length
 */
record CaptureIdentity(String fileKey, long bytes) {

  private static final JsonFactory JSON = new JsonFactory();

  /** The capture file as it is now; null when it does not exist or its file system has no file keys. */
  static CaptureIdentity of(Path captureFile) throws IOException {
    try {
      BasicFileAttributes attributes = Files.readAttributes(captureFile, BasicFileAttributes.class);
      Object key = attributes.fileKey();
      return key == null || !attributes.isRegularFile() ? null : new CaptureIdentity(key.toString(), attributes.size());
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** The member of the heartbeat line that says this: {@code ,"capture":{...}}. */
  String headerMember() {
    StringBuilder out = new StringBuilder(",\"capture\":{\"fileKey\":\"");
    for (int i = 0; i < fileKey.length(); i++) {
      char c = fileKey.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\');
      }
      out.append(c < 0x20 ? '?' : c);
    }
    return out.append("\",\"bytes\":").append(bytes).append('}').toString();
  }

  /** What the heartbeat line {@code header} says, or null when it says nothing of it (or is not one). */
  static CaptureIdentity fromHeader(byte[] bytes, int end) {
    try (JsonParser parser = JSON.createParser(bytes, 0, end)) {
      if (parser.nextToken() != JsonToken.START_OBJECT || parser.nextToken() != JsonToken.FIELD_NAME
          || !"cabJournal".equals(parser.currentName()) || parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        parser.nextToken();
        if ("capture".equals(field) && parser.currentToken() == JsonToken.START_OBJECT) {
          String key = null;
          long length = -1;
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String inner = parser.currentName();
            parser.nextToken();
            if ("fileKey".equals(inner) && parser.currentToken() == JsonToken.VALUE_STRING) {
              key = parser.getText();
            } else if ("bytes".equals(inner) && parser.currentToken() == JsonToken.VALUE_NUMBER_INT) {
              length = parser.getLongValue();
            } else {
              parser.skipChildren();
            }
          }
          return key == null || length < 0 ? null : new CaptureIdentity(key, length);
        }
        parser.skipChildren();
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Whether {@code now} is the same file, as long as this or longer (appended to since). */
  boolean stillIn(CaptureIdentity now) {
    return now != null && fileKey.equals(now.fileKey) && now.bytes >= bytes;
  }
}
