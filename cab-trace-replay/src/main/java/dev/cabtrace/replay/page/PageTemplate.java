package dev.cabtrace.replay.page;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;

/**
 * The page's template, style sheet and script (resources beside this class), and the
 * Content-Security-Policy that allows exactly that script and style sheet, by their sha-256, and
 * nothing from the network.
 */
final class PageTemplate {

  static final String HTML = resource("cell-page.html");
  /** The style sheet, as embedded. */
  static final String STYLE = resource("cell-page.css");
  /** The script, as embedded: the text its hash is computed over. */
  static final String SCRIPT = resource("cell-page.js");

  /**
   * The page's policy: no network access of any kind, only the embedded script and style sheet
   * (inline event handlers and injected scripts do not run), images only from data: URLs.
   */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src '" + hash(SCRIPT) + "'; style-src '" + hash(STYLE)
          + "'; img-src data:; connect-src 'none'; font-src 'none'; base-uri 'none'; form-action 'none'";

  private PageTemplate() {}

  /** A value written straight to the page's output rather than held as text. */
  interface Part {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Writes {@code template} to {@code out} as UTF-8, each {@code {{name}}} replaced in one pass by
   * {@code text.get(name)}, or for {@code partName} by what {@code part} writes.
   */
  static void write(String template, Map<String, ? extends CharSequence> text, String partName, Part part,
      OutputStream out) throws IOException {
    int from = 0;
    while (true) {
      int open = template.indexOf("{{", from);
      if (open < 0) {
        break;
      }
      int close = template.indexOf("}}", open + 2);
      String name = template.substring(open + 2, close);
      out.write(template.substring(from, open).getBytes(StandardCharsets.UTF_8));
      if (name.equals(partName)) {
        part.writeTo(out);
      } else {
        CharSequence value = text.get(name);
        if (value == null) {
          throw new IllegalStateException("no value for {{" + name + "}} in the page template");
        }
        out.write(value.toString().getBytes(StandardCharsets.UTF_8));
      }
      from = close + 2;
    }
    out.write(template.substring(from).getBytes(StandardCharsets.UTF_8));
  }

  /** The CSP source for {@code text}: {@code sha256-} and the base64 of its UTF-8 bytes' digest. */
  static String hash(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return "sha256-" + Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static String resource(String name) {
    try (InputStream in = PageTemplate.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name + " beside " + PageTemplate.class.getName());
      }
      // A browser hashes the element's text after the HTML parser has made every line end LF.
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n").replace('\r', '\n');
      if (text.contains("</") || text.contains("<!--")) {
        if (!name.endsWith(".html")) {
          throw new IllegalStateException(name + " must not contain </ or <!--: it is embedded in an element");
        }
      }
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
