package dev.cabtrace.sdk.redact;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributeType;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.common.ValueType;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What is masked in spans before they reach any exporter, the capture file included. On by
 * default ({@link #defaults()}). Masked text reads {@value #MASK}; names are kept, so that a trace
 * still says which variables, headers and flags were set.
 *
 * <p><b>Secret names.</b> A name is split into segments on {@code _ - .} (any character that is
 * not an ASCII letter or digit) and on camelCase boundaries, and compared without case; only its
 * last segments decide. It is secret when its last segment (after dropping one trailing {@code
 * value}, {@code base}, {@code b64} or {@code base64}):
 *
 * <ul>
 *   <li>is {@code secret}, {@code password}, {@code passwd}, {@code passphrase}, {@code
 *       credential(s)}, {@code auth}, {@code authorization}, {@code cookie}, or one of the run-on
 *       words {@code apikey}, {@code secretkey}, {@code privatekey}, {@code accesskey}, {@code
 *       authtoken}, {@code accesstoken}, {@code clientsecret}: {@code client_secret}, {@code
 *       DB_PASSWORD}, {@code Proxy-Authorization}, {@code Set-Cookie}; or ends in {@code password}
 *       ({@code PGPASSWORD});
 *   <li>is {@code pass} or {@code pwd} after another segment ({@code DB_PASS}, {@code MYSQL_PWD};
 *       not after a count or stage: {@code first_pass}), or is {@code pwd} alone and not upper-case
 *       (an ODBC string's {@code Pwd=}; the shell's {@code PWD}, and a path after {@code pwd=}, stay);
 *   <li>is {@code token}, unless the segment before it makes it a count, a limit or a tokenizer
 *       setting ({@code max}, {@code num}, {@code input}, {@code output}, {@code eos}, {@code pad},
 *       ...): {@code GITHUB_TOKEN}, {@code HF_TOKEN}, {@code auth_token}, {@code --token} are
 *       secret; {@code max_token}, {@code eos_token}, and any {@code tokens} (plural: {@code
 *       max_tokens}, {@code gen_ai.usage.input_tokens}) are not;
 *   <li>is {@code key} right after {@code api}, {@code access}, {@code secret}, {@code private},
 *       {@code auth}, {@code client}, {@code session}, {@code service}, {@code signing}, {@code
 *       encryption}, {@code master}, a provider ({@code openai}, {@code anthropic}, {@code azure},
 *       {@code ai}: {@code OpenAIKey}), ... ({@code x-api-key}, {@code OPENAI_API_KEY}, {@code
 *       aws_secret_access_key}, {@code apiKey}), or ends an upper-case environment variable
 *       ({@code OPENAI_KEY}).
 * </ul>
 *
 * So {@code KEYBOARD}, {@code num_keys}, {@code key_count}, {@code AWS_ACCESS_KEY_ID}, {@code
 * TOKENIZERS_PARALLELISM}, {@code token_counter}, {@code secret_santa}, {@code PWD} and a bare
 * {@code key} are not secret names.
 *
 * <p><b>What is masked:</b>
 *
 * <ul>
 *   <li>the whole value of a string attribute with a secret name ({@code env.OPENAI_API_KEY}), and
 *       every element of such a string array; never {@code gen_ai.usage.*};
 *   <li>in any string, the value after a secret name: {@code NAME=value}, {@code NAME = value},
 *       {@code NAME: value} (headers, YAML), {@code "name": "value"} (JSON, inside the quotes;
 *       also JSON in a JSON string, {@code {\"name\": \"value\"}}, and a string on the line after
 *       the key), a YAML block scalar ({@code secret: |}, the lines below), {@code export
 *       NAME="value"}, {@code set -x NAME VALUE} (fish), {@code setenv NAME VALUE} (csh), {@code --api-key VALUE}, {@code --api-key=VALUE}. An {@code
 *       Authorization} or {@code Cookie} header's value runs to the end of the line; a scheme in
 *       front ({@code Bearer}, {@code Basic}, {@code Token}) is kept. Not masked: references
 *       ({@code $OPENAI_API_KEY}), {@code null}, {@code true}, {@code false}, {@code str}, and
 *       upper-case placeholders after a flag ({@code --api-key KEY}), an unquoted value that opens
 *       an object, array or parenthesis or is a call or an index ({@code password =
 *       hash_password(raw)}), and code or a format: an empty value after a name inside a string
 *       ({@code prompt='Password: '}), an expression after a spaced {@code =} or a {@code :} (a
 *       keyword first, a member access, an operator after the operand, a variable named like the
 *       secret, an assignment to {@code self.} or {@code this.}), a placeholder ({@code %s}, {@code
 *       {0}}, {@code <user>}), an interpolating template literal, one or two characters; a tight
 *       {@code NAME=word} keeps only a lower-case name's own name ({@code pwd=pwd}). A {@code
 *       Cookie:} mid-line with no {@code name=value} after it is prose. A credential shape is
 *       masked in code too;
 *   <li>in a string array ({@code container.command_args}), the element after a secret flag:
 *       {@code ["aider", "--openai-api-key", "sk-..."]};
 *   <li>the password in {@code curl -u user:password} and {@code --user user:password} (not all
 *       digits nor the user again: {@code docker run -u 1000:1000}), {@code mysql -pPASSWORD} (on a
 *       line naming {@code mysql} or {@code mariadb}), and a {@code .netrc} entry's {@code password}
 *       after {@code login};
 *   <li>in a structured attribute value (an OTLP kvlist or array, nested or not, as {@code record}
 *       takes them): every string in it, by the rules here; the value of a kvlist entry with a
 *       secret name is masked whole, as is every string in a value with a secret name, and so is
 *       the string after a secret flag in an array. Bytes are not read as text and stay as they
 *       are, unless their name (attribute or kvlist entry) is secret: then they become the bytes of
 *       {@value #MASK};
 *   <li>credentials by their shape where a word starts, right after a terminal escape sequence
 *       too, and with color changes inside them ({@code sk-\e[1mproj-...}): OpenAI {@code sk-...} and {@code sk-proj-...}, Anthropic {@code sk-ant-...}, GitHub
 *       {@code ghp_ gho_ ghu_ ghs_ ghr_} and {@code github_pat_...}, GitLab {@code glpat-...}, AWS access key ids {@code AKIA...}/{@code
 *       ASIA...}, Hugging Face {@code hf_...}, Google {@code AIza...}, Slack {@code xox?-...},
 *       Stripe {@code sk_live_ sk_test_ rk_live_ rk_test_}, JWTs ({@code eyJ...eyJ...}), the
 *       token after {@code Bearer} (8 characters or more, not only letters), npm {@code npm_...}, the password in
 *       {@code scheme://user:password@host}, a user that looks like a token (16 characters or more,
 *       letters and digits) in {@code scheme://TOKEN@host}, and PEM private key blocks, whole (to the end of the
 *       text when the END line is missing);
 *   <li>every match of a pattern added with {@link Builder#addPattern}.
 * </ul>
 *
 * <p>{@link #wrap} applies these rules to everything in a span that holds text: its name and
 * status description, its attributes, its events' names and attributes, its links' attributes, and
 * the attributes of its resource and instrumentation scope (a span taken in by {@code record}
 * carries the other process's resource, whose {@code process.command_line} may hold a key).
 * Terminal output recorded as {@code cab.output} events is redacted as one text per stream, so
 * that a secret split across two writes is found. A span that cannot be redacted (an error while
 * reading it) is left out of the export and counted as lost, never exported unmasked.
 */
public final class Redaction {

  /** What a masked secret is replaced with. */
  public static final String MASK = "[REDACTED]";

  private static final String GEN_AI_USAGE = "gen_ai.usage.";
  /** What masked bytes read: {@link #MASK} in ASCII. */
  private static final byte[] MASK_BYTES = MASK.getBytes(StandardCharsets.US_ASCII);

  private static final Pattern[] NO_PATTERNS = new Pattern[0];
  private static final Redaction NONE = new Redaction(false, NO_PATTERNS);
  private static final Redaction DEFAULTS = new Redaction(true, NO_PATTERNS);

  private final boolean enabled;
  /** Each added pattern on its own: joined into one, a back-reference would name another's group. */
  private final Pattern[] userPatterns;
  /** Attribute keys already judged by {@link #isSecretName}, by identity; a power of two. */
  private final KnownKey[] knownKeys = new KnownKey[1024];
  /**
   * Strings already scanned and found to hold no secret, by identity; a power of two. Spans repeat
   * the very same strings (a model's name, a container's image, a tool's name), and a string never
   * changes. A slot holds the last one that fell into it; racing threads at worst scan one twice.
   */
  private final String[] cleanStrings = new String[1024];
  /** Longer strings are scanned each time: a slot must not keep a tool's whole output alive. */
  private static final int MAX_CLEAN_KEPT = 512;

  private Redaction(boolean enabled, Pattern[] userPatterns) {
    this.enabled = enabled;
    this.userPatterns = userPatterns;
  }

  /** The default redaction: secret names and credential shapes. */
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

  /**
   * {@code value} with every credential it contains masked; {@code value} itself when there is
   * none.
   *
   * <pre>{@code
   * redact("-e OPENAI_API_KEY=sk-proj-abc... --max_tokens=4096")
   *     // "-e OPENAI_API_KEY=[REDACTED] --max_tokens=4096"
   * }</pre>
   */
  public String redact(String value) {
    if (!enabled || value == null || value.isEmpty()) {
      return value;
    }
    if (value.length() > MAX_CLEAN_KEPT) {
      return mask(value, secretRanges(value));
    }
    int slot = System.identityHashCode(value) & (cleanStrings.length - 1);
    if (cleanStrings[slot] == value) {
      return value;
    }
    int[] ranges = secretRanges(value);
    if (ranges.length == 0) {
      cleanStrings[slot] = value;
      return value;
    }
    return mask(value, ranges);
  }

  /**
   * Where the secrets in {@code text} are: sorted, disjoint {@code [start, end)} pairs flattened
   * into one array, empty when there is none.
   */
  int[] secretRanges(String text) {
    return enabled ? SecretScanner.find(text, userPatterns) : SecretScanner.NONE;
  }

  /** {@code text} with each of {@code ranges} (as {@link #secretRanges} gives them) masked. */
  static String mask(String text, int[] ranges) {
    if (ranges.length == 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    int copied = 0;
    for (int i = 0; i < ranges.length; i += 2) {
      out.append(text, copied, ranges[i]).append(MASK);
      copied = ranges[i + 1];
    }
    return out.append(text, copied, text.length()).toString();
  }

  /**
   * {@code pieces}, the parts of one text in the order a stream sent them (a model's deltas), with
   * their secrets masked: a secret is looked for in the pieces joined, so that a key sent in three
   * parts is found, and in each piece alone, so that joining never hides what a piece holds on its
   * own ({@code "x"} then {@code "password: hunter2"}). The piece where a secret starts shows
   * {@value #MASK} in its place; its parts in later pieces are removed. {@code pieces} itself when
   * there is none.
   */
  public List<String> redactPieces(List<String> pieces) {
    if (!enabled || pieces.isEmpty()) {
      return pieces;
    }
    String[] texts = pieces.toArray(new String[0]);
    int[] starts = new int[texts.length + 1];
    MaskedRanges ranges = new MaskedRanges();
    StringBuilder all = new StringBuilder();
    for (int k = 0; k < texts.length; k++) {
      starts[k] = all.length();
      int[] own = secretRanges(texts[k]);
      for (int i = 0; i < own.length; i += 2) {
        ranges.add(starts[k] + own[i], starts[k] + own[i + 1]);
      }
      all.append(texts[k]);
    }
    starts[texts.length] = all.length();
    int[] joined = secretRanges(all.toString());
    for (int i = 0; i < joined.length; i += 2) {
      ranges.add(joined[i], joined[i + 1]);
    }
    String[] masked = mask(texts, starts, ranges.merged());
    if (masked == null) {
      return pieces;
    }
    List<String> out = new ArrayList<>(pieces);
    for (int k = 0; k < masked.length; k++) {
      if (masked[k] != null) {
        out.set(k, masked[k]);
      }
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * {@code pieces} of one text, piece {@code k} at {@code [starts[k], starts[k + 1])} of the text,
   * with {@code ranges} of the text (as {@link #secretRanges} gives them) masked: the piece where a
   * range starts shows {@link #MASK}, its parts in later pieces are removed. Indexed like {@code
   * pieces}, null where a piece did not change; null as a whole when none did.
   */
  static String[] mask(String[] pieces, int[] starts, int[] ranges) {
    String[] masked = null;
    int r = 0;
    for (int k = 0; k < pieces.length && r < ranges.length; k++) {
      int from = starts[k];
      int to = starts[k + 1];
      if (from == to) {
        continue;
      }
      StringBuilder out = null;
      int copied = from;
      while (r < ranges.length && ranges[r] < to) {
        int start = ranges[r];
        int end = ranges[r + 1];
        if (out == null) {
          out = new StringBuilder(to - from);
        }
        out.append(pieces[k], copied - from, Math.max(start, from) - from);
        if (start >= from) {
          out.append(MASK);
        }
        copied = Math.min(end, to);
        if (end > to) {
          break; // it goes on in the next piece
        }
        r += 2;
      }
      if (out != null) {
        if (masked == null) {
          masked = new String[pieces.length];
        }
        masked[k] = out.append(pieces[k], copied - from, to - from).toString();
      }
    }
    return masked;
  }

  /**
   * Whether a URL query parameter with this (decoded) name holds a secret: a secret name, or one
   * that is a credential in a URL only ({@code key}, {@code sig}, {@code X-Amz-Signature}).
   */
  public boolean isSecretQueryParameter(String name) {
    return isSecretName(name) || (enabled && SecretNames.isQueryCredential(name, 0, name.length()));
  }

  /**
   * Whether an attribute with this name holds a secret as a whole, by the rule in the class
   * description. {@code gen_ai.usage.*} never does.
   */
  public boolean isSecretName(String attributeName) {
    return enabled
        && !attributeName.startsWith(GEN_AI_USAGE)
        && SecretNames.isSecret(attributeName, 0, attributeName.length());
  }

  /**
   * {@link #isSecretName} of the key's name, read once per key instance: spans reuse the same few
   * keys. A slot holds the last key that fell into it; racing threads at worst judge a key twice.
   */
  private boolean isSecretKey(AttributeKey<?> key) {
    return known(key).secret();
  }

  /** What is known of a key, read once per key instance: whether it is secret, and its name redacted. */
  private KnownKey known(AttributeKey<?> key) {
    int slot = System.identityHashCode(key) & (knownKeys.length - 1);
    KnownKey known = knownKeys[slot];
    if (known != null && known.key() == key) {
      return known;
    }
    String name = redact(key.getKey());
    known = new KnownKey(key, isSecretName(key.getKey()), name.equals(key.getKey()) ? key : named(key, name));
    knownKeys[slot] = known;
    return known;
  }

  /** A key of {@code key}'s type named {@code name}. */
  private static AttributeKey<?> named(AttributeKey<?> key, String name) {
    switch (key.getType()) {
      case STRING:
        return AttributeKey.stringKey(name);
      case BOOLEAN:
        return AttributeKey.booleanKey(name);
      case LONG:
        return AttributeKey.longKey(name);
      case DOUBLE:
        return AttributeKey.doubleKey(name);
      case STRING_ARRAY:
        return AttributeKey.stringArrayKey(name);
      case BOOLEAN_ARRAY:
        return AttributeKey.booleanArrayKey(name);
      case LONG_ARRAY:
        return AttributeKey.longArrayKey(name);
      case DOUBLE_ARRAY:
        return AttributeKey.doubleArrayKey(name);
      default:
        return AttributeKey.valueKey(name);
    }
  }

  /** A key, whether it is secret, and the key under its redacted name (itself when that is clean). */
  private record KnownKey(AttributeKey<?> key, boolean secret, AttributeKey<?> redacted) {}

  /** {@code attributes} with secrets masked; the same instance when nothing had to change. */
  public Attributes redact(Attributes attributes) {
    return redact(attributes, null);
  }

  /** As {@link #redact(Attributes)}, leaving the value of {@code skipped} (may be null) alone. */
  @SuppressWarnings("unchecked")
  Attributes redact(Attributes attributes, AttributeKey<?> skipped) {
    if (!enabled || attributes.isEmpty()) {
      return attributes;
    }
    AttributesBuilder[] changed = new AttributesBuilder[1];
    attributes.forEach(
        (key, value) -> {
          if (key.equals(skipped)) {
            return;
          }
          Object redacted = redactValue(key, value);
          AttributeKey<?> named = known(key).redacted();
          if (redacted != value || named != key) {
            if (changed[0] == null) {
              changed[0] = attributes.toBuilder();
            }
            if (named != key) {
              // A key with a secret in its name (an agent's own attributes): under the name masked.
              changed[0].removeIf(key::equals);
            }
            changed[0].put((AttributeKey<Object>) named, redacted);
          }
        });
    return changed[0] == null ? attributes : changed[0].build();
  }

  @SuppressWarnings("unchecked")
  private Object redactValue(AttributeKey<?> key, Object value) {
    if (key.getType() == AttributeType.STRING) {
      String text = (String) value;
      if (isSecretKey(key)) {
        return MASK.equals(text) ? value : MASK;
      }
      String redacted = redact(text);
      return redacted.equals(text) ? value : redacted;
    }
    if (key.getType() == AttributeType.STRING_ARRAY) {
      return redactAll((List<String>) value, isSecretKey(key));
    }
    if (key.getType() == AttributeType.VALUE) {
      return redactValue((Value<?>) value, isSecretKey(key));
    }
    return value;
  }

  /**
   * A structured value ({@code record} takes an OTLP kvlist, bytes or a mixed array as one) with
   * every string in it redacted, or masked whole ({@code wholeValues}); a kvlist entry with a
   * secret name is masked whole, as an attribute of that name would be. The same instance when
   * nothing changed.
   */
  @SuppressWarnings("unchecked")
  private Value<?> redactValue(Value<?> value, boolean wholeValues) {
    switch (value.getType()) {
      case STRING:
        String text = (String) value.getValue();
        String redacted = wholeValues ? MASK : redact(text);
        return redacted.equals(text) ? value : Value.of(redacted);
      case ARRAY:
        return redactElements((List<Value<?>>) value.getValue(), wholeValues, value);
      case KEY_VALUE_LIST:
        return redactEntries((List<KeyValue>) value.getValue(), wholeValues, value);
      case BYTES:
        // Under a secret name the bytes could be the secret itself: replaced, as bytes still.
        // Else read as text a char a byte (they may be anything; a secret is ASCII), each secret
        // found masked in place and the other bytes kept exactly.
        return wholeValues ? maskedBytes(value) : redactBytes(value);
      default:
        return value;
    }
  }

  /**
   * An array value's elements redacted as {@link #redactAll} redacts a string array: a string
   * right after a secret flag is masked whole.
   */
  private Value<?> redactElements(List<Value<?>> elements, boolean wholeValues, Value<?> value) {
    List<Value<?>> out = null;
    boolean afterSecretFlag = false;
    for (int i = 0; i < elements.size(); i++) {
      Value<?> element = elements.get(i);
      boolean isString = element.getType() == ValueType.STRING;
      boolean flagValue =
          afterSecretFlag && isString && !isFlagOrEmpty((String) element.getValue());
      Value<?> redacted = redactValue(element, wholeValues || flagValue);
      afterSecretFlag = isString && isSecretFlag((String) element.getValue());
      if (redacted != element && out == null) {
        out = new ArrayList<>(elements);
      }
      if (out != null) {
        out.set(i, redacted);
      }
    }
    return out == null ? value : Value.of(out);
  }

  /** A kvlist value's entries redacted; the value of an entry with a secret name masked whole. */
  private Value<?> redactEntries(List<KeyValue> entries, boolean wholeValues, Value<?> value) {
    KeyValue[] out = null;
    for (int i = 0; i < entries.size(); i++) {
      KeyValue entry = entries.get(i);
      Value<?> redacted =
          redactValue(entry.getValue(), wholeValues || isSecretName(entry.getKey()));
      if (redacted != entry.getValue() && out == null) {
        out = entries.toArray(new KeyValue[0]);
      }
      if (out != null) {
        out[i] = redacted == entry.getValue() ? entry : KeyValue.of(entry.getKey(), redacted);
      }
    }
    return out == null ? value : Value.of(out);
  }

  private Value<?> redactBytes(Value<?> value) {
    ByteBuffer bytes = ((ByteBuffer) value.getValue()).duplicate();
    byte[] array = new byte[bytes.remaining()];
    bytes.get(array);
    String text = new String(array, StandardCharsets.ISO_8859_1);
    int[] ranges = secretRanges(text);
    return ranges.length == 0 ? value : Value.of(mask(text, ranges).getBytes(StandardCharsets.ISO_8859_1));
  }

  private static Value<?> maskedBytes(Value<?> value) {
    ByteBuffer bytes = (ByteBuffer) value.getValue();
    return bytes.equals(ByteBuffer.wrap(MASK_BYTES)) ? value : Value.of(MASK_BYTES);
  }

  private static boolean isFlagOrEmpty(String value) {
    return value.isEmpty() || value.charAt(0) == '-';
  }

  /**
   * Each element redacted, or all masked ({@code wholeValues}); an element right after a secret
   * flag ({@code --openai-api-key}) is masked whole, unless it is a flag itself.
   */
  private List<String> redactAll(List<String> values, boolean wholeValues) {
    List<String> out = null;
    boolean afterSecretFlag = false;
    for (int i = 0; i < values.size(); i++) {
      String value = values.get(i);
      String redacted;
      if (value == null) {
        redacted = null; // an OTLP array may hold an unset value: nothing to mask
      } else if (wholeValues || (afterSecretFlag && !isFlagOrEmpty(value))) {
        redacted = MASK;
      } else {
        redacted = redact(value);
      }
      afterSecretFlag = isSecretFlag(value);
      if (!Objects.equals(redacted, value) && out == null) {
        out = new ArrayList<>(values);
      }
      if (out != null) {
        out.set(i, redacted);
      }
    }
    // Not List.copyOf: it throws on the null elements an array may hold.
    return out == null ? values : Collections.unmodifiableList(out);
  }

  /** {@code --api-key}, {@code --token}, {@code -password}: a flag whose value follows it. */
  private static boolean isSecretFlag(String value) {
    if (value == null || value.length() < 3 || value.charAt(0) != '-') {
      return false;
    }
    for (int i = 1; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!(SecretNames.isAlphanumeric(c) || c == '-' || c == '_' || c == '.')) {
        return false;
      }
    }
    return SecretNames.isSecret(value, 0, value.length());
  }

  /**
   * {@code exporter} behind this redaction: it only ever sees masked spans (name, status,
   * attributes, events, links, resource and scope, as the class description says). The consecutive
   * {@code cab.output} events of one stream on a span are redacted as one text (base64 chunks
   * decoded first, one char per byte); where a secret spans several chunks, the chunk where it
   * starts shows {@value #MASK} and its part in later chunks is removed. Event times and count
   * stay.
   */
  public SpanExporter wrap(SpanExporter exporter) {
    Objects.requireNonNull(exporter, "exporter");
    return enabled ? new RedactingSpanExporter(exporter, this) : exporter;
  }

  /** Builds a {@link Redaction} from the defaults plus patterns of one's own. */
  public static final class Builder {
    private final List<Pattern> patterns = new ArrayList<>();

    private Builder() {}

    /**
     * Masks every match of {@code regex} too. A pattern that overflows the stack on a long text
     * ({@code (?:x|y)*z}: java.util.regex recurses per repetition) costs the span holding that
     * text: it is left out of the export, never written unmasked, and counted as lost.
     */
    public Builder addPattern(String regex) {
      patterns.add(Pattern.compile(Objects.requireNonNull(regex, "regex")));
      return this;
    }

    /** The redaction. */
    public Redaction build() {
      if (patterns.isEmpty()) {
        return DEFAULTS;
      }
      return new Redaction(true, patterns.toArray(new Pattern[0]));
    }
  }
}
