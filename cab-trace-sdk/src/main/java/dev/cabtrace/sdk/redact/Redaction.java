package dev.cabtrace.sdk.redact;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributeType;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What is masked in spans before they reach any exporter, the capture file included. On by
 * default ({@link #defaults()}):
 *
 * <ul>
 *   <li>string attributes whose name looks like a secret environment variable (its last segment is
 *       written like one, e.g. {@code OPENAI_API_KEY}, and contains KEY, TOKEN, SECRET, PASSWORD or
 *       CREDENTIAL): the whole value;
 *   <li>{@code NAME=value} pairs with such a name inside any string (a command line's {@code -e
 *       OPENAI_API_KEY=...}): the value, keeping the name;
 *   <li>credentials by their shape anywhere in a string: {@code Bearer ...}, {@code sk-...}, {@code
 *       sk-ant-...}, {@code ghp_...} and other GitHub tokens, AWS access key ids ({@code AKIA...}),
 *       and any pattern added with {@link Builder#addPattern}.
 * </ul>
 *
 * Masked text reads {@value #MASK}. Names are kept so that a trace still says which variables were
 * set, as the cell page's {@code env_keys} does.
 */
public final class Redaction {

  /** What a masked secret is replaced with. */
  public static final String MASK = "[REDACTED]";

  private static final String[] SECRET_WORDS = {"KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL"};
  /** Credentials recognised by their shape. */
  private static final Pattern TOKEN_SHAPES =
      Pattern.compile(
          "(?<=\\b[Bb][Ee][Aa][Rr][Ee][Rr] )[A-Za-z0-9._~+/=-]+"
              + "|\\bsk-ant-[A-Za-z0-9_-]{8,}"
              + "|\\bsk-[A-Za-z0-9_-]{16,}"
              + "|\\bgh[pousr]_[A-Za-z0-9]{20,}"
              + "|\\bgithub_pat_[A-Za-z0-9_]{20,}"
              + "|\\b(?:AKIA|ASIA)[A-Z0-9]{16}\\b");
  /** Cheap substrings without which {@link #TOKEN_SHAPES} cannot match. */
  private static final String[] TOKEN_HINTS = {"sk-", "gh", "github_pat_", "AKIA", "ASIA"};

  private static final Redaction NONE = new Redaction(false, null);
  private static final Redaction DEFAULTS = new Redaction(true, null);

  private final boolean enabled;
  private final Pattern userPattern;

  private Redaction(boolean enabled, Pattern userPattern) {
    this.enabled = enabled;
    this.userPattern = userPattern;
  }

  /** The default redaction: secret-looking names and credential shapes. */
  public static Redaction defaults() {
    return DEFAULTS;
  }

  /** No redaction at all. */
  public static Redaction none() {
    return NONE;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether anything is masked. */
  public boolean isEnabled() {
    return enabled;
  }

  /** {@code value} with every credential it contains masked. */
  public String redact(String value) {
    if (!enabled || value == null || value.isEmpty()) {
      return value;
    }
    String out = value.indexOf('=') >= 0 ? maskSecretAssignments(value) : value;
    if (mayHoldToken(out)) {
      Matcher matcher = TOKEN_SHAPES.matcher(out);
      if (matcher.find()) {
        out = matcher.replaceAll(MASK);
      }
    }
    if (userPattern != null) {
      Matcher matcher = userPattern.matcher(out);
      if (matcher.find()) {
        out = matcher.replaceAll(MASK);
      }
    }
    return out;
  }

  /** Masks the value of every {@code NAME=value} whose name looks secret, keeping the name. */
  private static String maskSecretAssignments(String text) {
    StringBuilder out = null;
    int copied = 0;
    for (int eq = text.indexOf('='); eq >= 0; eq = text.indexOf('=', eq + 1)) {
      int nameStart = eq;
      while (nameStart > 0 && isNameChar(text.charAt(nameStart - 1))) {
        nameStart--;
      }
      if (nameStart == eq || !containsSecretWord(text, nameStart, eq)) {
        continue;
      }
      int valueEnd = eq + 1;
      while (valueEnd < text.length() && !isValueEnd(text.charAt(valueEnd))) {
        valueEnd++;
      }
      if (valueEnd == eq + 1) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(text.length());
      }
      out.append(text, copied, eq + 1).append(MASK);
      copied = valueEnd;
      eq = valueEnd - 1;
    }
    if (out == null) {
      return text;
    }
    return out.append(text, copied, text.length()).toString();
  }

  private static boolean containsSecretWord(String text, int from, int to) {
    for (String word : SECRET_WORDS) {
      for (int i = from; i + word.length() <= to; i++) {
        if (text.regionMatches(true, i, word, 0, word.length())) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean mayHoldToken(String text) {
    for (String hint : TOKEN_HINTS) {
      if (text.contains(hint)) {
        return true;
      }
    }
    for (int i = text.indexOf(' '); i >= 6; i = text.indexOf(' ', i + 1)) {
      if (text.regionMatches(true, i - 6, "bearer", 0, 6)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isNameChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  }

  private static boolean isValueEnd(char c) {
    return Character.isWhitespace(c) || c == '"' || c == '\'' || c == '&' || c == ';' || c == ',';
  }

  /** Whether an attribute with this name holds a secret as a whole. */
  public boolean isSecretName(String attributeName) {
    if (!enabled) {
      return false;
    }
    int start = attributeName.lastIndexOf('.') + 1;
    // Only names written like environment variables: gen_ai.usage.input_tokens is no secret.
    for (int i = start; i < attributeName.length(); i++) {
      char c = attributeName.charAt(i);
      if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
        return false;
      }
    }
    return start < attributeName.length()
        && containsSecretWord(attributeName, start, attributeName.length());
  }

  /** {@code attributes} with secrets masked; the same instance when nothing had to change. */
  @SuppressWarnings("unchecked")
  public Attributes redact(Attributes attributes) {
    if (!enabled || attributes.isEmpty()) {
      return attributes;
    }
    AttributesBuilder[] changed = new AttributesBuilder[1];
    attributes.forEach(
        (key, value) -> {
          Object redacted = redactValue(key, value);
          if (redacted != value) {
            if (changed[0] == null) {
              changed[0] = attributes.toBuilder();
            }
            changed[0].put((AttributeKey<Object>) key, redacted);
          }
        });
    return changed[0] == null ? attributes : changed[0].build();
  }

  @SuppressWarnings("unchecked")
  private Object redactValue(AttributeKey<?> key, Object value) {
    if (key.getType() == AttributeType.STRING) {
      String text = (String) value;
      if (isSecretName(key.getKey())) {
        return MASK.equals(text) ? value : MASK;
      }
      String redacted = redact(text);
      return redacted.equals(text) ? value : redacted;
    }
    if (key.getType() == AttributeType.STRING_ARRAY) {
      return redactAll((List<String>) value, isSecretName(key.getKey()));
    }
    return value;
  }

  private List<String> redactAll(List<String> values, boolean wholeValues) {
    List<String> out = null;
    for (int i = 0; i < values.size(); i++) {
      String value = values.get(i);
      String redacted = wholeValues ? MASK : redact(value);
      if (!Objects.equals(redacted, value) && out == null) {
        out = new ArrayList<>(values);
      }
      if (out != null) {
        out.set(i, redacted);
      }
    }
    return out == null ? values : List.copyOf(out);
  }

  /** {@code exporter} behind this redaction: it only ever sees masked spans. */
  public SpanExporter wrap(SpanExporter exporter) {
    Objects.requireNonNull(exporter, "exporter");
    return enabled ? new RedactingSpanExporter(exporter, this) : exporter;
  }

  /** Builds a {@link Redaction} from the defaults plus patterns of one's own. */
  public static final class Builder {
    private final List<String> patterns = new ArrayList<>();

    private Builder() {}

    /** Masks every match of {@code regex} too. */
    public Builder addPattern(String regex) {
      patterns.add(Pattern.compile(Objects.requireNonNull(regex, "regex")).pattern());
      return this;
    }

    /** The redaction. */
    public Redaction build() {
      if (patterns.isEmpty()) {
        return DEFAULTS;
      }
      return new Redaction(true, Pattern.compile("(?:" + String.join(")|(?:", patterns) + ")"));
    }
  }
}
