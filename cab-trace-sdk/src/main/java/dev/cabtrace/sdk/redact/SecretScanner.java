package dev.cabtrace.sdk.redact;

import static dev.cabtrace.sdk.redact.CharacterClasses.ALNUM;
import static dev.cabtrace.sdk.redact.CharacterClasses.ANYWHERE;
import static dev.cabtrace.sdk.redact.CharacterClasses.DASH;
import static dev.cabtrace.sdk.redact.CharacterClasses.DIGIT;
import static dev.cabtrace.sdk.redact.CharacterClasses.LOWER;
import static dev.cabtrace.sdk.redact.CharacterClasses.NOT_WORD;
import static dev.cabtrace.sdk.redact.CharacterClasses.TOKEN68;
import static dev.cabtrace.sdk.redact.CharacterClasses.UNDERSCORE;
import static dev.cabtrace.sdk.redact.CharacterClasses.UPPER;
import static dev.cabtrace.sdk.redact.CharacterClasses.URL_SAFE;
import static dev.cabtrace.sdk.redact.CharacterClasses.WORD_START;

import dev.cabtrace.sdk.redact.CodeValues.Assignment;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds where the secrets in a text are, in one pass over its characters and without regular
 * expressions: clean text costs a table look-up per character, a short look back at each {@code =}
 * and {@code :}, and a glance at words starting like a credential ({@code sk}, {@code gh}, {@code
 * AK}, ...), so that redaction stays far cheaper than writing the span. Nothing is allocated for
 * clean text without separators.
 *
 * <p>Secret characters are ASCII, and every check here is on ASCII characters only, so the scanner
 * works the same on text read from bytes one char per byte (ISO-8859-1), as base64 terminal output
 * is.
 */
final class SecretScanner {

  private static final char ESC = 0x1b;

  /** No ranges. */
  static final int[] NONE = new int[0];

  /** The longest name looked at before a separator; longer runs are read by their end. */
  private static final int MAX_NAME = 128;

  private static final int[] CLASSES = CharacterClasses.CLASSES;

  /** Authorization schemes kept in front of a masked credential. */
  private static final String[] SCHEMES = {
    "bearer", "basic", "token", "digest", "negotiate", "ntlm", "bot", "oauth"
  };

  /**
   * Values of secret names that are no secrets: literals, type names ({@code api_key: str}), a
   * workflow's permissions ({@code id-token: write}).
   */
  private static final String[] NOT_SECRET_VALUES = {
    "null", "none", "nil", "true", "false", "undefined", "str", "string", "read", "write"
  };

  private final String text;
  private final int length;
  private final MaskedRanges ranges = new MaskedRanges();
  /**
   * The last end {@link #wordEnd} and {@link #lineEnd} found, and from where: an end holds for
   * every start between, so that names on one long run (/password=$a/password=$a...) each cost
   * their own characters, not the rest of the line again.
   */
  private int wordFrom = -1;
  private int wordTo;
  private int lineFrom = -1;
  private int lineTo;
  private char lineStop;

  private SecretScanner(String text) {
    this.text = text;
    this.length = text.length();
  }

  /**
   * The ranges of {@code text} to mask, as sorted, disjoint {@code [start, end)} pairs flattened
   * into one array ({@code start0, end0, start1, end1, ...}); {@link #NONE} when the text is clean.
   * Matches of each of {@code extra} are masked too.
   */
  static int[] find(String text, Pattern... extra) {
    SecretScanner scanner = null;
    int length = text.length();
    int i = 0;
    int previous = NOT_WORD; // the classes of the character before i: a word starts at 0
    while (i < length) {
      // Clean text stays in this loop: a table look-up per character, nothing allocated. A shape
      // letter counts only where a word starts, read from the classes of the character before,
      // so that only = : - and the first letters of words that may be credentials stop here.
      char c = text.charAt(i);
      int classes = c < 128 ? CLASSES[c] : NOT_WORD;
      int look = (classes & ANYWHERE) | (classes & WORD_START & (previous >> 1));
      if (look == 0) {
        previous = classes;
        i++;
        continue;
      }
      if (c == ESC) {
        int after = escapeEnd(text, i);
        if (after > i) {
          i = after;
          previous = NOT_WORD; // \e[32mghp_...: a credential may start right after the color
          continue;
        }
        previous = classes;
        i++;
        continue;
      }
      boolean wordStart = (previous & NOT_WORD) != 0;
      if ((classes & ANYWHERE) != 0
          ? c != '-' || wordStart || text.startsWith("-", i + 1)
          : mayStartShape(text, c, i + 1)) {
        if (scanner == null) {
          scanner = new SecretScanner(text);
        }
        int next = scanner.check(c, i);
        if (next > i) {
          i = next;
          char before = text.charAt(i - 1);
          previous = before < 128 ? CLASSES[before] : NOT_WORD;
          continue;
        }
      }
      previous = classes;
      i++;
    }
    for (Pattern pattern : extra) {
      Matcher matcher = pattern.matcher(text);
      while (matcher.find()) {
        if (matcher.end() > matcher.start()) {
          if (scanner == null) {
            scanner = new SecretScanner(text);
          }
          scanner.ranges.add(matcher.start(), matcher.end());
        }
      }
    }
    return scanner == null ? NONE : scanner.ranges.merged();
  }

  /**
   * Where the terminal control sequence ({@code \e[1;32m}) at {@code esc} ends, or -1 when there is
   * none: parameter and intermediate bytes, then one final byte.
   */
  private static int colorEnd(String text, int esc) {
    int i = esc + 1;
    if (i >= text.length() || text.charAt(i) != '[') {
      return -1;
    }
    i++;
    while (i < text.length() && text.charAt(i) >= 0x20 && text.charAt(i) <= 0x3f) {
      i++;
    }
    return i < text.length() && text.charAt(i) >= 0x40 && text.charAt(i) <= 0x7e ? i + 1 : -1;
  }

  /**
   * Where the escape sequence at {@code esc} ends, or -1 when there is none: a control sequence
   * ({@code \e[1m}), an OSC, DCS or APC string to its BEL or ST ({@code \e]0;title\a}), or an
   * escape with intermediate bytes and one final byte ({@code \e(B}, {@code \e7}), whose final byte
   * may be a letter or digit that would otherwise hide the start of a word.
   */
  private static int escapeEnd(String text, int esc) {
    int length = text.length();
    int i = esc + 1;
    if (i >= length) {
      return -1;
    }
    char c = text.charAt(i);
    if (c == '[') {
      return colorEnd(text, esc);
    }
    if (c == ']' || c == 'P' || c == '_' || c == '^' || c == 'X') {
      for (int j = i + 1; j < length && j - esc < 512; j++) {
        char d = text.charAt(j);
        if (d == 0x07) {
          return j + 1;
        }
        if (d == ESC) {
          return j + 1 < length && text.charAt(j + 1) == '\\' ? j + 2 : -1;
        }
      }
      return -1;
    }
    while (i < length && text.charAt(i) >= 0x20 && text.charAt(i) <= 0x2f) {
      i++;
    }
    return i < length && text.charAt(i) >= 0x30 && text.charAt(i) <= 0x7e ? i + 1 : -1;
  }

  /**
   * Whether the character at {@code next} can follow {@code c} in a credential shape: most words
   * starting with one of the letters that shapes start with are let go here.
   */
  private static boolean mayStartShape(String text, char c, int next) {
    if (next >= text.length()) {
      return false;
    }
    char n = text.charAt(next);
    switch (c) {
      case 's':
        return n == 'k' || n == 'e'; // setenv
      case 'r':
        return n == 'k';
      case 'g':
        return n == 'h' || n == 'i' || n == 'l';
      case 'A':
        return n == 'K' || n == 'S' || n == 'I';
      case 'h':
        return n == 'f';
      case 'x':
        return n == 'o';
      case 'e':
        return n == 'y';
      case 'n':
        return n == 'p';
      case 'p':
        return n == 'a';
      default:
        return n == 'e' || n == 'E'; // Bearer
    }
  }

  /** Where to go on after a secret found at {@code i}, or -1 when none starts there. */
  private int check(char c, int i) {
    switch (c) {
      case '=':
        return assignment(i);
      case ':':
        return colon(i);
      case '-':
        return dash(i);
      default:
        return credentialShape(c, i);
    }
  }

  // Names and values ---------------------------------------------------------------------------

  /** {@code NAME=value}, {@code NAME = value}, {@code "name" => "value"}. */
  private int assignment(int i) {
    if (i + 1 < length && text.charAt(i + 1) == '=') {
      return i + 2; // a comparison: ==
    }
    if (i > 0 && "=!<>:".indexOf(text.charAt(i - 1)) >= 0) {
      return -1;
    }
    int valueFrom = i + 1;
    if (valueFrom < length && text.charAt(valueFrom) == '>') {
      valueFrom++;
    }
    return nameThenValue(i, valueFrom, false);
  }

  /** {@code name: value}, a header, YAML or JSON; or a URL with a password in it. */
  private int colon(int i) {
    if (text.startsWith("//", i + 1)) {
      return urlPassword(i + 3);
    }
    if (i + 1 < length && text.charAt(i + 1) == ':') {
      return i + 2; // a path (Rust, C++) or a pytest node id: secret_santa.py::test
    }
    int valueFrom = i + 1;
    if (valueFrom < length && text.charAt(valueFrom) == '=') {
      valueFrom++; // :=
    }
    return nameThenValue(i, valueFrom, true);
  }

  /** Masks the value after the separator at {@code separator} if the name before it is secret. */
  private int nameThenValue(int separator, int valueFrom, boolean colon) {
    int nameEnd = beforeBlanksAndColors(separator);
    char keyQuote = 0;
    boolean escapedKey = false;
    if (nameEnd > 0 && isQuote(text.charAt(nameEnd - 1))) {
      keyQuote = text.charAt(nameEnd - 1); // "api_key": ...
      nameEnd--;
      if (nameEnd > 0 && text.charAt(nameEnd - 1) == '\\') {
        escapedKey = true; // JSON in a JSON string: {\"password\": \"...\"}
        nameEnd--;
      }
    }
    int nameStart = afterColor(nameStart(nameEnd), nameEnd);
    if (nameStart == nameEnd) {
      return -1;
    }
    char before = nameStart > 0 ? text.charAt(nameStart - 1) : 0;
    char enclosingQuote = 0;
    if (keyQuote != 0) {
      if (before != keyQuote || (escapedKey && !isEscape(nameStart - 2))) {
        return -1;
      }
    } else if (isQuote(before)) {
      enclosingQuote = before; // "OPENAI_API_KEY=a b", -H "Authorization: Bearer abc"
    }
    if (!SecretNames.isSecret(text, nameStart, nameEnd)
        && !(!colon && (before == '?' || before == '&') && SecretNames.isQueryCredential(text, nameStart, nameEnd))) {
      return -1;
    }
    if (nameEnd - nameStart == 3 && isPath(skipColors(valueFrom))) {
      return -1; // pwd=/home/user: a working directory, as the shell's PWD
    }
    boolean tight =
        !colon && !isBlank(text.charAt(separator - 1)) && valueFrom < length && !isBlank(text.charAt(valueFrom));
    Assignment assignment =
        new Assignment(nameStart, nameEnd, nameStart - (keyQuote == 0 ? 0 : escapedKey ? 2 : 1), tight);
    if (colon) {
      int next = skipColors(valueFrom);
      if (next < length && (text.charAt(next) == '|' || text.charAt(next) == '>')) {
        int block = yamlBlock(nameStart, next + 1);
        if (block > 0) {
          return block;
        }
      } else if (keyQuote != 0 && next < length && isLineBreak(text.charAt(next))) {
        // Pretty-printed JSON with the value on the next line: "password":\n    "..."
        int quote = next;
        while (quote < length && Character.isWhitespace(text.charAt(quote))) {
          quote++;
        }
        if (quote < length && text.charAt(quote) == keyQuote) {
          return value(quote, (char) 0, false, false, assignment);
        }
      }
    }
    boolean wholeLine = colon && keyQuote == 0 && isHeaderName(nameStart, nameEnd);
    if (wholeLine
        && endsWithIgnoreCase(nameStart, nameEnd, "cookie")
        && !startsHeaderLine(nameStart)
        && !isCookieList(valueFrom)) {
      return -1; // prose: the Netscape Cookie: syntax, a 'Set-Cookie: foo' header
    }
    return value(valueFrom, enclosingQuote, wholeLine, false, assignment);
  }

  /**
   * A YAML block scalar's lines ({@code secret: |} then the value indented on the lines below), each
   * line's text masked, its indent kept; where to go on, or -1 when {@code from}, after the {@code |}
   * or {@code >}, is not the end of such a header. A line indented no further than the name ends it.
   */
  private int yamlBlock(int nameStart, int from) {
    int i = from;
    while (i < length && (text.charAt(i) == '-' || text.charAt(i) == '+' || isDigit(text.charAt(i)))) {
      i++;
    }
    while (i < length && isBlank(text.charAt(i))) {
      i++;
    }
    if (i < length && text.charAt(i) == '\r') {
      i++;
    }
    if (i >= length || text.charAt(i) != '\n') {
      return -1;
    }
    int lineStart = nameStart;
    while (lineStart > 0 && !isLineBreak(text.charAt(lineStart - 1))) {
      lineStart--;
    }
    int nameColumn = nameStart - lineStart;
    int end = -1;
    while (i < length && text.charAt(i) == '\n') {
      int line = i + 1;
      int content = line;
      while (content < length && isBlank(text.charAt(content))) {
        content++;
      }
      int lineEnd = content;
      while (lineEnd < length && !isLineBreak(text.charAt(lineEnd))) {
        lineEnd++;
      }
      if (content == lineEnd) {
        i = lineEnd; // a blank line inside the block
        continue;
      }
      if (content - line <= nameColumn) {
        break;
      }
      int textEnd = lineEnd;
      while (textEnd > content && isBlank(text.charAt(textEnd - 1))) {
        textEnd--;
      }
      if (!text.startsWith(Redaction.MASK, content) || textEnd - content != Redaction.MASK.length()) {
        ranges.add(content, textEnd);
      }
      end = lineEnd;
      i = lineEnd < length && text.charAt(lineEnd) == '\r' ? lineEnd + 1 : lineEnd;
    }
    return end;
  }

  /**
   * {@code end} moved back over blanks and terminal color sequences: where the name before a
   * separator ends in {@code \e[1mOPENAI_API_KEY\e[0m=} or in pygmentize's {@code
   * PASSWORD\e[39m\e[38;5;241m=}.
   */
  private int beforeBlanksAndColors(int end) {
    while (end > 0) {
      if (isBlank(text.charAt(end - 1))) {
        end--;
        continue;
      }
      int color = colorStartBefore(end - 1);
      if (color < 0 || colorEnd(text, color) != end) {
        return end;
      }
      end = color;
    }
    return end;
  }

  /**
   * {@code start} moved past the end of a color sequence it is inside: the name characters read
   * back from a separator take the parameters and final letter of a color right before the name
   * ({@code \e[32mDB_PASSWORD=}, {@code \e[38;5;33mDB_PASSWORD=}), which the terminal does not show.
   */
  private int afterColor(int start, int end) {
    int color = colorStartBefore(start);
    if (color < 0) {
      return start;
    }
    int after = colorEnd(text, color);
    return after > start && after <= end ? after : start;
  }

  /**
   * The {@code \e} of the control sequence whose parameters or final byte may include the
   * character at {@code i}: the nearest {@code \e[} before it with only parameter and intermediate
   * bytes between; -1 when there is none.
   */
  private int colorStartBefore(int i) {
    int j = i;
    while (j > 0 && i - j < MAX_NAME && text.charAt(j - 1) >= 0x20 && text.charAt(j - 1) <= 0x3f) {
      j--;
    }
    return j >= 2 && text.charAt(j - 1) == '[' && text.charAt(j - 2) == ESC ? j - 2 : -1;
  }

  /** Where the name ending at {@code nameEnd} starts. */
  private int nameStart(int nameEnd) {
    int start = nameEnd;
    while (start > 0 && nameEnd - start < MAX_NAME && isNameChar(text.charAt(start - 1))) {
      start--;
    }
    // A line break or tab written as an escape (JSON in a string, a printf format) ends the line
    // before the name: "\napi_key=" names api_key, not napi_key. A backslash escaped itself does not.
    if (start < nameEnd - 1 && "nrt".indexOf(text.charAt(start)) >= 0 && escapedAt(start - 1)) {
      start++;
    }
    return start;
  }

  /** Whether the backslash at {@code i} escapes what follows: an odd run of backslashes ends there. */
  private boolean escapedAt(int i) {
    int backslashes = 0;
    while (i - backslashes >= 0 && text.charAt(i - backslashes) == '\\') {
      backslashes++;
    }
    return backslashes % 2 == 1;
  }

  /**
   * {@code from} moved past blanks and terminal escape sequences ({@code \e[1;31m}, an OSC title
   * {@code \e]0;x\a}).
   */
  private int skipColors(int from) {
    int i = from;
    while (i < length) {
      char c = text.charAt(i);
      if (isBlank(c)) {
        i++;
      } else if (c == ESC && !text.startsWith(Redaction.MASK, i + 1)) {
        int after = escapeEnd(text, i);
        if (after < 0) {
          break;
        }
        i = after;
      } else {
        break;
      }
    }
    return Math.min(i, length);
  }

  /**
   * {@code --api-key VALUE}, {@code "--api-key", "VALUE"}: a flag with a secret name and its value
   * after blanks. {@code --api-key=VALUE} is an assignment. Also a PEM private key block.
   */
  private int dash(int i) {
    if (text.startsWith("-----BEGIN ", i)) {
      return privateKeyBlock(i);
    }
    char before = i > 0 ? text.charAt(i - 1) : ' ';
    if (!(before <= ' ' || isQuote(before) || before == '=')) {
      return -1; // a flag starts a word, a quoted string or an assignment's value (ARGS=--api-key k)
    }
    if (i >= 4 && text.startsWith("set ", i - 4) && (i == 4 || text.charAt(i - 5) <= ' ')) {
      int j = i;
      while (j < length && text.charAt(j) == '-') { // fish: set -gx NAME VALUE
        while (j < length && text.charAt(j) > ' ') {
          j++;
        }
        while (j < length && isBlank(text.charAt(j))) {
          j++;
        }
      }
      return nameAndValue(j);
    }
    int nameEnd = i;
    while (nameEnd < length && nameEnd - i < MAX_NAME && isNameChar(text.charAt(nameEnd))) {
      nameEnd++;
    }
    if ((nameEnd - i == 2 && text.charAt(i + 1) == 'u') || isFlag(i, nameEnd, "--user")) {
      return userAndPassword(nameEnd);
    }
    if (nameEnd - i > 2 && text.charAt(i + 1) == 'p' && mysqlOnLine(i)) {
      return value(i + 2, (char) 0, false, false, null); // mysql -pSECRET
    }
    if (nameEnd - i < 3 || !SecretNames.isSecret(text, i, nameEnd)) {
      return -1;
    }
    int j = nameEnd;
    if (isQuote(before) && j < length && text.charAt(j) == before) {
      j++;
      if (j < length && text.charAt(j) == ',') {
        j++;
      }
    }
    if (j >= length || !isBlank(text.charAt(j))) {
      return -1;
    }
    while (j < length && isBlank(text.charAt(j))) {
      j++;
    }
    if (j >= length || text.charAt(j) == '-') {
      return -1; // no value, or the next flag
    }
    return value(j, (char) 0, false, true, null);
  }

  /**
   * {@code NAME VALUE} from {@code from}, as fish's {@code set -x} and csh's {@code setenv} take
   * them: the value when the name is secret.
   */
  private int nameAndValue(int from) {
    int nameEnd = from;
    while (nameEnd < length && nameEnd - from < MAX_NAME && isNameChar(text.charAt(nameEnd))) {
      nameEnd++;
    }
    if (nameEnd == from
        || nameEnd >= length
        || !isBlank(text.charAt(nameEnd))
        || !SecretNames.isSecret(text, from, nameEnd)) {
      return -1;
    }
    return value(nameEnd, (char) 0, false, false, null);
  }

  private boolean isFlag(int start, int end, String flag) {
    return end - start == flag.length() && text.startsWith(flag, start);
  }

  /**
   * {@code curl -u user:password}, {@code --user user:password}, {@code --user=user:password}: the
   * password. Kept: {@code docker run -u 1000:1000}, {@code -u app:app} (a user and its group), a
   * {@code $} reference.
   */
  private int userAndPassword(int flagEnd) {
    int j = flagEnd;
    if (j < length && text.charAt(j) == '=') {
      j++;
    } else {
      if (j >= length || !isBlank(text.charAt(j))) {
        return -1;
      }
      while (j < length && isBlank(text.charAt(j))) {
        j++;
      }
    }
    if (j < length && isQuote(text.charAt(j))) {
      j++;
    }
    int end = wordEnd(j);
    int colon = text.indexOf(':', j);
    if (colon <= j
        || colon + 1 >= end
        || text.charAt(colon + 1) == '$'
        || text.startsWith(Redaction.MASK, colon + 1)) {
      return -1;
    }
    boolean digits = true;
    for (int k = colon + 1; k < end && digits; k++) {
      digits = text.charAt(k) >= '0' && text.charAt(k) <= '9';
    }
    if (digits || (end - colon - 1 == colon - j && text.regionMatches(j, text, colon + 1, colon - j))) {
      return -1;
    }
    return mask(colon + 1, end);
  }

  /** Whether {@code mysql} or {@code mariadb} comes before {@code i} on its line: -p takes a password there. */
  private boolean mysqlOnLine(int i) {
    int start = i;
    while (start > 0 && i - start < 256 && text.charAt(start - 1) != '\n' && text.charAt(start - 1) != '\r') {
      start--;
    }
    String line = text.substring(start, i);
    return line.contains("mysql") || line.contains("mariadb");
  }

  /**
   * A {@code .netrc} password: {@code machine h login u password SECRET}, on one line or several;
   * the word {@code password} counts only right after {@code login} and its value, in an entry.
   */
  private int netrcPassword(int i) {
    if (!text.startsWith("password", i) || i + 9 >= length || !isBlank(text.charAt(i + 8))) {
      return -1;
    }
    int j = i;
    while (j > 0 && Character.isWhitespace(text.charAt(j - 1))) {
      j--;
    }
    int loginValue = j;
    while (j > 0 && text.charAt(j - 1) > ' ') {
      j--;
    }
    if (j == loginValue || j == i) {
      return -1;
    }
    int loginEnd = j;
    while (j > 0 && isBlank(text.charAt(j - 1))) {
      j--;
    }
    if (j == loginEnd || j < 5 || !text.startsWith("login", j - 5) || (j > 5 && text.charAt(j - 6) > ' ')) {
      return -1;
    }
    int machine = Math.max(text.lastIndexOf("machine ", j - 5), text.lastIndexOf("default", j - 5));
    if (machine < 0 || j - machine > 256) {
      return -1; // every .netrc entry starts with machine or default
    }
    int from = i + 9;
    while (from < length && isBlank(text.charAt(from))) {
      from++;
    }
    return value(from, (char) 0, false, false, null);
  }

  /**
   * Masks the value starting at or after {@code from} (blanks skipped): inside its quotes when
   * quoted, else up to {@code enclosingQuote} (when not 0), the end of the line ({@code wholeLine})
   * or the end of the word. A leading authorization scheme ({@code Bearer }) is kept. A value after
   * a secret name ({@code assignment}, else null) is kept when it is code or a format.
   */
  private int value(
      int from, char enclosingQuote, boolean wholeLine, boolean flag, Assignment assignment) {
    int i = skipColors(from);
    if (i >= length || text.charAt(i) < ' ') {
      return -1; // nothing on this line: a YAML block, a bare flag
    }
    boolean escaped = text.charAt(i) == '\\' && i + 1 < length && isQuote(text.charAt(i + 1));
    if (escaped) {
      i++; // \"value\": a string inside a JSON string
    }
    char first = text.charAt(i);
    boolean quoted = isQuote(first) || first == '`'; // a template literal: `Bearer ${auth.token}`
    if (quoted && !escaped && assignment != null
        && CodeValues.closesStringAroundName(text, i, assignment)) {
      return -1; // the name is in a string and the value is empty: prompt='Password: '
    }
    int start = quoted ? i + 1 : i;
    if (text.startsWith("-----BEGIN ", start)) {
      // A private key spans lines: masking its first word would leave the key itself.
      int block = privateKeyBlock(start);
      if (block > 0) {
        return quoted ? toClosingQuote(block, first) : block;
      }
    }
    int end = !quoted ? -1 : escaped ? escapedQuote(start, first) : closingQuote(start, first);
    int word = start;
    while (word < length && (CLASSES[ascii(text.charAt(word))] & (UPPER | LOWER)) != 0) {
      word++;
    }
    if (word > start && word + 1 < length && (text.charAt(word) == ' ' || text.charAt(word) == ESC)) {
      // Basic \e[1mSECRET, \e[33mBearer\e[0m TOKEN: the scheme ends at a blank among colors.
      int credential = skipColors(word);
      if (credential < length
          && text.charAt(credential) > ' '
          && blanks(word, credential) == 1
          && (!quoted || credential < end)
          && isScheme(start, word)) {
        start = credential;
      }
    }
    if (!quoted) {
      if (enclosingQuote != 0) {
        end = lineEnd(start, enclosingQuote);
      } else if (wholeLine) {
        end = Math.max(start, beforeBlanksAndColors(lineEnd(start, (char) 0)));
      } else {
        end = wordEnd(start);
      }
    }
    if (text.startsWith(Redaction.MASK, start)) {
      return start + Redaction.MASK.length(); // masked already: redacting twice changes nothing
    }
    if (end <= start
        || isNotASecret(start, end, flag)
        || CodeValues.isFormatOrTiny(text, start, end)
        || (quoted && isSchemeOnly(start, end))
        || (!quoted && isStructureOrCode(start, end))
        || (!quoted
            && assignment != null
            && !wholeLine
            && enclosingQuote == 0
            && CodeValues.isCode(text, start, end, assignment))) {
      return -1;
    }
    ranges.add(start, end);
    // An unquoted word is read again: a separator in it may start a value past its end, as in a
    // printf format's DB_PASSWORD=a\033[1mGITHUB_TOKEN: b.
    return quoted || wholeLine || enclosingQuote != 0 ? end : start;
  }

  /**
   * Masks the rest of a quoted value after a key block ({@code \n} escapes) when its quote closes
   * on the same line; where to go on.
   */
  private int toClosingQuote(int from, char quote) {
    int close = closingQuote(from, quote);
    if (close > from && close < length && text.charAt(close) == quote) {
      ranges.add(from, close);
      return close;
    }
    return from;
  }

  private boolean isNotASecret(int start, int end, boolean flag) {
    char first = text.charAt(start);
    if (first == '$') {
      return true; // a reference: $OPENAI_API_KEY, ${{ secrets.TOKEN }}
    }
    for (String literal : NOT_SECRET_VALUES) {
      if (end - start == literal.length()
          && text.regionMatches(true, start, literal, 0, end - start)) {
        return true;
      }
    }
    if (flag) {
      // A help text's placeholder: --api-key KEY, --token <TOKEN>.
      if (first == '<') {
        return true;
      }
      for (int i = start; i < end; i++) {
        char c = text.charAt(i);
        if (!((c >= 'A' && c <= 'Z') || c == '_')) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  /**
   * Whether an unquoted value opens an object or an array ({@code "auth": {"type": "oauth2"}}) or
   * is a call or an index ({@code password = hash_password(raw)}, {@code os.environ["KEY"]}): the
   * secret, if any, is inside, where the names in it are read on their own.
   */
  private boolean isStructureOrCode(int start, int end) {
    char first = text.charAt(start);
    if (first == '{' || first == '[' || first == '(') {
      return true; // (regKey, opts) => {...}, (self.username + ":" + self.password)
    }
    if ((CLASSES[ascii(first)] & (UPPER | LOWER | UNDERSCORE)) == 0) {
      return false;
    }
    int i = start + 1;
    while (i < end && (isWordChar(i) || text.charAt(i) == '.')) {
      i++;
    }
    if (i == end || (text.charAt(i) != '(' && text.charAt(i) != '[')) {
      return false;
    }
    // tokens[ 0 ], support.ignore_deprecations_from(\n, converter([, unquote(passwd or ''): the
    // bracket ends the word or opens another, or the arguments go on past a blank.
    return i + 1 == end
        || "([{".indexOf(text.charAt(i + 1)) >= 0
        || (end < length && " \t)]\"',".indexOf(text.charAt(end)) >= 0);
  }

  /**
   * A name whose value runs to the end of the line: an authorization or cookie header, written as
   * headers are, not as a camelCase identifier ({@code getSetCookie}).
   */
  private boolean isHeaderName(int start, int end) {
    for (int i = start + 1; i < end; i++) {
      if ((CLASSES[ascii(text.charAt(i - 1))] & LOWER) != 0
          && (CLASSES[ascii(text.charAt(i))] & UPPER) != 0) {
        return false;
      }
    }
    return endsWithIgnoreCase(start, end, "authorization")
        || endsWithIgnoreCase(start, end, "cookie");
  }

  /**
   * Whether a header starts at {@code nameStart}: at a line's start after blanks, after curl -v's
   * {@code > } or {@code < }, or after a line break written as {@code \n}.
   */
  private boolean startsHeaderLine(int nameStart) {
    int i = nameStart;
    while (i > 0 && isBlank(text.charAt(i - 1))) {
      i--;
    }
    if (i > 0 && (text.charAt(i - 1) == '>' || text.charAt(i - 1) == '<')) {
      i--;
      while (i > 0 && isBlank(text.charAt(i - 1))) {
        i--;
      }
    }
    return i == 0
        || isLineBreak(text.charAt(i - 1))
        || (i >= 2 && text.charAt(i - 1) == 'n' && escapedAt(i - 2));
  }

  /**
   * Whether the first word from {@code from} may be a cookie: a {@code name=value}, or a word with
   * a digit in it ({@code abc123def}); prose has neither ({@code Cookie: syntax}).
   */
  private boolean isCookieList(int from) {
    int start = skipColors(from);
    if (start < length && isQuote(text.charAt(start))) {
      start++;
    }
    int end = wordEnd(start);
    for (int i = start; i < end; i++) {
      if ((i > start && text.charAt(i) == '=') || isDigit(text.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /** Whether the quoted {@code [start, end)} is only a scheme: {@code auth = "Basic " + b64}. */
  private boolean isSchemeOnly(int start, int end) {
    int word = start;
    while (word < end && (CLASSES[ascii(text.charAt(word))] & (UPPER | LOWER)) != 0) {
      word++;
    }
    return word > start && word < end && isScheme(start, word) && blanks(word, end) == end - word;
  }

  private boolean isScheme(int start, int end) {
    for (String scheme : SCHEMES) {
      if (end - start == scheme.length()
          && text.regionMatches(true, start, scheme, 0, end - start)) {
        return true;
      }
    }
    return false;
  }

  /** {@code scheme://user:password@host}: the password. {@code from} is after {@code ://}. */
  private int urlPassword(int from) {
    int colon = from;
    while (colon < length && colon - from < MAX_NAME) {
      char c = text.charAt(colon);
      if (c == ':' || c == '@' || c == '/' || c <= ' ' || isQuote(c)) {
        break;
      }
      colon++;
    }
    if (colon < length && text.charAt(colon) == '@') {
      return tokenAsUser(from, colon);
    }
    if (colon >= length || text.charAt(colon) != ':') {
      return -1;
    }
    int at = colon + 1;
    while (at < length && at - colon < 256) {
      char c = text.charAt(at);
      if (c == '@' || c == '/' || c <= ' ' || isQuote(c)) {
        break;
      }
      at++;
    }
    if (at >= length
        || text.charAt(at) != '@'
        || at == colon + 1
        || text.charAt(colon + 1) == '$'
        || CodeValues.isFormatOrTiny(text, colon + 1, at)) {
      return -1; // https://a:b@host, [:<password>]@
    }
    ranges.add(colon + 1, at);
    return at;
  }

  /**
   * {@code https://TOKEN@github.com}, a Sentry DSN's key: a user with no password that looks like a
   * token (16 characters or more, letters and digits, maybe {@code _} and {@code -}). A user name
   * ({@code git@}, {@code deploy-bot@}) has no digit or is shorter.
   */
  private int tokenAsUser(int from, int at) {
    if (at - from < 16) {
      return -1;
    }
    int seen = 0;
    for (int i = from; i < at; i++) {
      int classes = CLASSES[ascii(text.charAt(i))];
      if ((classes & URL_SAFE) == 0) {
        return -1;
      }
      seen |= classes;
    }
    return (seen & DIGIT) != 0 && (seen & (UPPER | LOWER)) != 0 ? mask(from, at) : -1;
  }

  // Credential shapes ---------------------------------------------------------------------------

  private int credentialShape(char c, int i) {
    switch (c) {
      case 's':
        if (text.startsWith("setenv ", i)) {
          return nameAndValue(i + 7); // csh: setenv NAME VALUE
        }
        if (text.startsWith("sk-", i)) {
          int run = run(i + 3, URL_SAFE);
          boolean anthropic = text.startsWith("sk-ant-", i);
          return run >= 16 || (anthropic && run >= 12) ? mask(i, i + 3 + run) : -1;
        }
        return stripeKey(i);
      case 'r':
        return stripeKey(i);
      case 'g':
        if (text.startsWith("gh", i)
            && i + 3 < length
            && "pousr".indexOf(text.charAt(i + 2)) >= 0
            && text.charAt(i + 3) == '_') {
          return atLeast(i, i + 4, ALNUM, 20);
        }
        if (text.startsWith("github_pat_", i)) {
          return atLeast(i, i + 11, ALNUM | UNDERSCORE, 20);
        }
        if (text.startsWith("glpat-", i)) {
          return atLeast(i, i + 6, URL_SAFE, 20);
        }
        return -1;
      case 'A':
        if (text.startsWith("AKIA", i) || text.startsWith("ASIA", i)) {
          int end = i + 4 + run(i + 4, UPPER | DIGIT);
          return end - i == 20 && !isWordChar(end) ? mask(i, end) : -1;
        }
        if (text.startsWith("AIza", i)) {
          return atLeast(i, i + 4, URL_SAFE, 35);
        }
        return -1;
      case 'h':
        return text.startsWith("hf_", i) ? atLeast(i, i + 3, ALNUM, 30) : -1;
      case 'x':
        if (text.startsWith("xox", i)
            && i + 4 < length
            && "abposre".indexOf(text.charAt(i + 3)) >= 0 // xoxe-: a rotating token's refresh token
            && text.charAt(i + 4) == '-') {
          return atLeast(i, i + 5, ALNUM | DASH, 10);
        }
        return -1;
      case 'e':
        return jsonWebToken(i);
      case 'n':
        return text.startsWith("npm_", i) ? atLeast(i, i + 4, ALNUM, 36) : -1;
      case 'p':
        return netrcPassword(i);
      default:
        return bearerToken(i);
    }
  }

  /** {@code sk_live_}, {@code sk_test_}, {@code rk_live_}, {@code rk_test_}. */
  private int stripeKey(int i) {
    if (i + 8 <= length
        && text.startsWith("k_", i + 1)
        && (text.startsWith("live_", i + 3) || text.startsWith("test_", i + 3))) {
      return atLeast(i, i + 8, ALNUM, 16);
    }
    return -1;
  }

  /** Header {@code eyJ...}, a dot, payload {@code eyJ...}, a dot, the signature (maybe empty). */
  private int jsonWebToken(int i) {
    if (!text.startsWith("eyJ", i)) {
      return -1;
    }
    int dot = i + 3 + run(i + 3, URL_SAFE);
    if (dot - i < 7 || !text.startsWith(".eyJ", dot)) {
      return -1;
    }
    int secondDot = dot + 4 + run(dot + 4, URL_SAFE);
    if (secondDot - dot < 8 || secondDot >= length || text.charAt(secondDot) != '.') {
      return -1;
    }
    return mask(i, secondDot + 1 + run(secondDot + 1, URL_SAFE));
  }

  /**
   * {@code Bearer xxx} anywhere: the token, when it is at least 8 characters and not just letters,
   * so that prose ("a bearer token") stays.
   */
  private int bearerToken(int i) {
    if (!text.regionMatches(true, i, "bearer", 0, 6) || i + 6 >= length) {
      return -1;
    }
    int start = skipColors(i + 6); // spaces or a tab, as a header's value may have, and colors
    if (blanks(i + 6, start) == 0) {
      return -1;
    }
    int end = start + run(start, TOKEN68);
    if (end - start < 8) {
      return -1;
    }
    for (int j = start; j < end; j++) {
      if ((CLASSES[ascii(text.charAt(j))] & (UPPER | LOWER)) == 0) {
        return mask(start, end);
      }
    }
    return -1;
  }

  /**
   * A PEM private key block, {@code -----BEGIN ... PRIVATE KEY-----} to its {@code -----END
   * ...-----} line, all of it; to the end of the text when the end is missing (a chunk cut in two).
   */
  private int privateKeyBlock(int i) {
    int labelStart = i + 11;
    int labelEnd = text.indexOf("-----", labelStart);
    if (labelEnd < 0 || labelEnd - labelStart > 64) {
      return -1;
    }
    for (int j = labelStart; j < labelEnd; j++) {
      char c = text.charAt(j);
      if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ')) {
        return -1;
      }
    }
    if (!endsWithIgnoreCase(labelStart, labelEnd, "PRIVATE KEY")
        && !endsWithIgnoreCase(labelStart, labelEnd, "PRIVATE KEY BLOCK")) {
      return -1;
    }
    int endLine = text.indexOf("-----END ", labelEnd + 5);
    int close = endLine < 0 ? -1 : text.indexOf("-----", endLine + 9);
    return mask(i, close < 0 ? length : close + 5);
  }

  // Character helpers ---------------------------------------------------------------------------

  /**
   * How many characters of {@code classes} follow from {@code from}, counting escape sequences
   * between them: a color change inside a key ({@code sk-\e[1mproj-...}) does not end it.
   */
  private int run(int from, int classes) {
    int i = from;
    while (i < length) {
      char c = text.charAt(i);
      if ((CLASSES[ascii(c)] & classes) != 0) {
        i++;
      } else if (c == ESC) {
        int after = escapeEnd(text, i);
        if (after < 0 || after >= length || (CLASSES[ascii(text.charAt(after))] & classes) == 0) {
          break;
        }
        i = after;
      } else {
        break;
      }
    }
    return i - from;
  }

  private int blanks(int from, int to) {
    int blanks = 0;
    for (int i = from; i < to; i++) {
      if (isBlank(text.charAt(i))) {
        blanks++;
      }
    }
    return blanks;
  }

  /** Masks {@code [start, bodyStart + run)} when the run of {@code classes} is long enough. */
  private int atLeast(int start, int bodyStart, int classes, int minimum) {
    int run = run(bodyStart, classes);
    return run >= minimum ? mask(start, bodyStart + run) : -1;
  }

  private int mask(int start, int end) {
    ranges.add(start, end);
    return end;
  }

  /** Whether a word starts at {@code i}: no letter, digit or underscore right before it. */
  private boolean startsWord(int i) {
    return i == 0 || !isWordChar(i - 1);
  }

  private boolean isWordChar(int i) {
    return i < length && isWordChar(text, i);
  }

  private static boolean isWordChar(String text, int i) {
    return (CLASSES[ascii(text.charAt(i))] & (ALNUM | UNDERSCORE)) != 0;
  }

  /** The closing quote's index, or the end of the line when the quote is not closed on it. */
  private int closingQuote(int from, char quote) {
    for (int i = from; i < length; i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == quote || c == '\n' || c == '\r') {
        return i;
      }
    }
    return length;
  }

  private boolean isEscape(int i) {
    return i >= 0 && text.charAt(i) == '\\';
  }

  /** Where the escaped quote ({@code \"}) closing a value is, or the end of the line. */
  private int escapedQuote(int from, char quote) {
    for (int i = from; i < length; i++) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < length && text.charAt(i + 1) == quote) {
        return i;
      } else if (c == '\n' || c == '\r') {
        return i;
      }
    }
    return length;
  }

  /**
   * The end of the line (a control character other than tab, escape sequences read through) or
   * {@code stop}, if not 0.
   */
  private int lineEnd(int from, char stop) {
    if (stop == lineStop && lineFrom >= 0 && from >= lineFrom && from <= lineTo) {
      return lineTo;
    }
    int i = from;
    while (i < length) {
      char c = text.charAt(i);
      if (c == ESC) {
        int after = escapeEnd(text, i);
        if (after > i) {
          i = after; // Basic \e[1mSECRET\e[0m: a color inside the value does not end the line
          continue;
        }
      }
      if ((c < ' ' && c != '\t') || c == stop) {
        break;
      }
      i++;
    }
    lineFrom = from;
    lineTo = i;
    lineStop = stop;
    return i;
  }

  /** The end of an unquoted word value. */
  private int wordEnd(int from) {
    if (wordFrom >= 0 && from >= wordFrom && from <= wordTo) {
      return wordTo;
    }
    int i = from;
    while (i < length) {
      char c = text.charAt(i);
      if (c <= ' '
          || c == '"'
          || c == '\''
          || c == ','
          || c == ';'
          || c == '`'
          || c == '&'
          || c == ')'
          || c == ']'
          || c == '}'
          || Character.isWhitespace(c)) {
        break;
      }
      i++;
    }
    wordFrom = from;
    wordTo = i;
    return i;
  }

  private boolean endsWithIgnoreCase(int start, int end, String suffix) {
    return end - start >= suffix.length()
        && text.regionMatches(true, end - suffix.length(), suffix, 0, suffix.length());
  }

  private boolean isPath(int i) {
    return i < length && (text.charAt(i) == '/' || text.charAt(i) == '~');
  }

  private static boolean isNameChar(char c) {
    return (CLASSES[ascii(c)] & URL_SAFE) != 0 || c == '.';
  }

  private static boolean isLineBreak(char c) {
    return c == '\n' || c == '\r';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }

  private static boolean isQuote(char c) {
    return c == '"' || c == '\'';
  }

  /** {@code c} as an index into {@link #CLASSES}: 0 (no class) for anything not ASCII. */
  private static int ascii(char c) {
    return c < 128 ? c : 0;
  }
}
