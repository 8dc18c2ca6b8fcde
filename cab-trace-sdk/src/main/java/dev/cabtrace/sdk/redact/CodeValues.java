package dev.cabtrace.sdk.redact;

import static dev.cabtrace.sdk.redact.CharacterClasses.ALNUM;
import static dev.cabtrace.sdk.redact.CharacterClasses.CLASSES;
import static dev.cabtrace.sdk.redact.CharacterClasses.DIGIT;
import static dev.cabtrace.sdk.redact.CharacterClasses.LOWER;
import static dev.cabtrace.sdk.redact.CharacterClasses.UNDERSCORE;
import static dev.cabtrace.sdk.redact.CharacterClasses.UPPER;

/**
 * Values after a secret name that are no secrets but code or a format: what a coding agent's
 * terminal shows whenever it prints source ({@code self.token = token}, {@code const auth = new
 * URL(u)}, {@code 'token=%r'}). Each check looks at a bounded number of characters, so that the
 * scanner stays linear on long runs of names.
 */
final class CodeValues {

  /** The longest value read as an identifier or an expression; longer ones are literals. */
  private static final int MAX_EXPRESSION = 256;

  /** How far back a line is read for the quotes around a name. */
  private static final int MAX_LOOK_BACK = 512;

  /** Words that start an expression, not a literal: {@code password = await read()}. */
  private static final String[] KEYWORDS = {
    "function", "new", "await", "async", "lambda", "yield", "typeof", "not", "void", "delete"
  };

  /**
   * Operators that continue an expression after its first operand: {@code token = a || b}. Not
   * Python's words ({@code or}, {@code in}, {@code if}): prose has them ({@code password: hunter2
   * in it}).
   */
  private static final String[] OPERATORS = {
    "+", "-", "*", "/", "%", "||", "&&", "??", "?", "|", "&", "=", "==", "===", "!=", "!==", "<",
    ">", "<=", ">="
  };

  /** Objects whose members a program assigns: {@code self.token = nextchar}. */
  private static final String[] RECEIVERS = {"self.", "this.", "cls."};

  private CodeValues() {}

  /**
   * A secret name followed by its separator: where the name is, where a string holding it would
   * start (its key's opening quote, if quoted), and whether the separator is an {@code =} with no
   * blank on either side, as a shell, an env file or a command line writes it.
   */
  record Assignment(int nameStart, int nameEnd, int stringStart, boolean tight) {}

  /**
   * Whether the quote at {@code quote} closes a string that the name is inside of, rather than
   * opening its value: {@code prompt='Password: '}, {@code "shlex: token=" + repr(raw)}. An odd
   * number of such quotes before the name on its line opens that string; an apostrophe between two
   * letters ({@code don't}) is none, nor is an escaped quote.
   */
  static boolean closesStringAroundName(String text, int quote, Assignment assignment) {
    char kind = text.charAt(quote);
    int from = Math.max(0, assignment.stringStart() - MAX_LOOK_BACK);
    int quotes = 0;
    for (int i = assignment.stringStart() - 1; i >= from; i--) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r') {
        break;
      }
      if (c == kind && !isEscaped(text, i) && !isApostrophe(text, i)) {
        quotes++;
      }
    }
    return quotes % 2 == 1;
  }

  /**
   * Whether {@code text[start, end)}, a value quoted or not, is too short or shaped too much like a
   * number or a format to be a secret: one or two characters ({@code accesskey="n"}, {@code
   * LOG_AUTH = 4}), a small hex number ({@code 0xff}), an OID or version ({@code
   * 1.3.6.1.5.5.7.3.1}), a placeholder ({@code %s}, {@code %(name)r}, {@code {0}}, {@code <user>}
   * or a markup tag).
   */
  static boolean isFormatOrTiny(String text, int start, int end) {
    if (end - start <= 2) {
      return true;
    }
    char first = text.charAt(start);
    char second = text.charAt(start + 1);
    if (first == '0' && (second == 'x' || second == 'X')) {
      return end - start <= 6 && isRun(text, start + 2, end, "0123456789abcdefABCDEF");
    }
    if (first == '%') {
      return isPrintfPlaceholder(text, start + 1, end);
    }
    if (first == '{') {
      return isBracePlaceholder(text, start + 1, end);
    }
    if (first == '<') {
      return isLetter(second);
    }
    return isDottedNumber(text, start, end);
  }

  /**
   * Whether the unquoted value at {@code text[start, end)} is code: an expression starting with a
   * keyword, a member of an object ({@code options.identityToken}), an operand followed by an
   * operator ({@code servername || hostname}), or a variable named like the secret it holds
   * ({@code self.token = token}, {@code password: readPassword}). Code and tight {@code =} do not
   * go together: {@code PASSWORD=nextchar} is a shell's literal, and only a variable of the name's
   * own name is kept there ({@code open(f, pwd=pwd)}), unless the name is upper-case.
   */
  static boolean isCode(String text, int start, int end, Assignment assignment) {
    if (end - start > MAX_EXPRESSION) {
      return false;
    }
    int identifierEnd = identifierEnd(text, start, end);
    if (assignment.tight()) {
      return identifierEnd == end
          && !isUpperCaseName(text, assignment)
          && isNameItself(text, start, end, assignment);
    }
    if (identifierEnd == start && text.charAt(start) == '!') {
      start++; // !req.headers.authorization
      identifierEnd = identifierEnd(text, start, end);
    }
    if (identifierEnd == start) {
      return false;
    }
    if (identifierEnd < end) {
      return isMemberAccess(text, start, end) || isFollowedByOperator(text, end);
    }
    return isKeyword(text, start, end) && isFollowedByOperand(text, end)
        || isFollowedByOperator(text, end)
        || isNameItself(text, start, end, assignment)
        || SecretNames.isSecret(text, start, end)
        || SecretNames.hasLastSegmentOf(
            text, start, end, assignment.nameStart(), assignment.nameEnd())
        || isMemberTarget(text, assignment)
        || isOneOfSeveralTargets(text, assignment);
  }

  /**
   * Whether a value shows its variable, not the secret: the name's last dotted part, leading
   * underscores aside ({@code self._pwd = pwd}, {@code exports.TOKEN = TOKEN}).
   */
  private static boolean isNameItself(String text, int start, int end, Assignment assignment) {
    int nameFrom = assignment.nameStart();
    for (int i = assignment.nameEnd() - 1; i > nameFrom; i--) {
      if (text.charAt(i) == '.') {
        nameFrom = i + 1;
        break;
      }
    }
    while (nameFrom < assignment.nameEnd() && text.charAt(nameFrom) == '_') {
      nameFrom++;
    }
    while (start < end && text.charAt(start) == '_') {
      start++;
    }
    return end - start == assignment.nameEnd() - nameFrom
        && end > start
        && text.regionMatches(start, text, nameFrom, end - start);
  }

  private static boolean isUpperCaseName(String text, Assignment assignment) {
    for (int i = assignment.nameStart(); i < assignment.nameEnd(); i++) {
      if ((CLASSES[ascii(text.charAt(i))] & LOWER) != 0) {
        return false;
      }
    }
    return true;
  }

  /** {@code self.token = nextchar}: configuration has no {@code self}. */
  private static boolean isMemberTarget(String text, Assignment assignment) {
    for (String receiver : RECEIVERS) {
      if (text.startsWith(receiver, assignment.nameStart())) {
        return true;
      }
    }
    return false;
  }

  /** {@code exposed, token = result}: several targets are unpacked only in code. */
  private static boolean isOneOfSeveralTargets(String text, Assignment assignment) {
    int i = assignment.nameStart();
    while (i > 0 && text.charAt(i - 1) == ' ') {
      i--;
    }
    return i > 0 && text.charAt(i - 1) == ',';
  }

  /** {@code a.b.c}, each part an identifier, the first not starting upper-case. */
  private static boolean isMemberAccess(String text, int start, int end) {
    if ((CLASSES[ascii(text.charAt(start))] & UPPER) != 0) {
      return false;
    }
    int i = start;
    boolean dotted = false;
    while (true) {
      int part = identifierEnd(text, i, end);
      if (part == i) {
        return false;
      }
      if (part == end) {
        return dotted;
      }
      if (text.charAt(part) != '.') {
        return false;
      }
      dotted = true;
      i = part + 1;
    }
  }

  /** Whether an operator and a blank follow {@code end} after blanks: {@code token = a + b}. */
  private static boolean isFollowedByOperator(String text, int end) {
    int i = afterBlanks(text, end);
    if (i == end) {
      return false;
    }
    int operatorEnd = i;
    while (operatorEnd < text.length()
        && operatorEnd - i < 10
        && text.charAt(operatorEnd) > ' '
        && !isQuote(text.charAt(operatorEnd))) {
      operatorEnd++;
    }
    if (operatorEnd == text.length() || text.charAt(operatorEnd) != ' ') {
      return false;
    }
    for (String operator : OPERATORS) {
      if (operatorEnd - i == operator.length() && text.startsWith(operator, i)) {
        return true;
      }
    }
    return false;
  }

  /** Whether something other than a line's end follows {@code end} after blanks. */
  private static boolean isFollowedByOperand(String text, int end) {
    int i = afterBlanks(text, end);
    return i > end && i < text.length() && text.charAt(i) >= ' ';
  }

  private static boolean isKeyword(String text, int start, int end) {
    for (String keyword : KEYWORDS) {
      if (end - start == keyword.length() && text.startsWith(keyword, start)) {
        return true;
      }
    }
    return false;
  }

  /** {@code %s}, {@code %-8.3f}, {@code %(name)s}: what follows a {@code %}. */
  private static boolean isPrintfPlaceholder(String text, int from, int end) {
    if (text.charAt(from) == '(') {
      return true;
    }
    int i = from;
    while (i < end && "-+ #0123456789.".indexOf(text.charAt(i)) >= 0) {
      i++;
    }
    return i < end
        && "sdrifxXocaveEgGpuq".indexOf(text.charAt(i)) >= 0
        && (i + 1 == end || !isWordChar(text.charAt(i + 1)));
  }

  /** {@code {}}, {@code {0}}, {@code {name}}, {@code {{ secrets.X }}}: what follows a brace. */
  private static boolean isBracePlaceholder(String text, int from, int end) {
    int i = from;
    while (i < end && (isWordChar(text.charAt(i)) || text.charAt(i) == '.' || text.charAt(i) == '{')) {
      i++;
    }
    return i < end && text.charAt(i) == '}' || i < end && text.charAt(i) == ' ' && i > from;
  }

  /** {@code 1.3.6.1.5.5.7.3.1}, {@code 2.31.0}: digits and at least two dots. */
  private static boolean isDottedNumber(String text, int start, int end) {
    int dots = 0;
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      if (c == '.') {
        dots++;
      } else if (c < '0' || c > '9') {
        return false;
      }
    }
    return dots >= 2;
  }

  /** Where the identifier ({@code [A-Za-z_$][A-Za-z0-9_$]*}) at {@code start} ends. */
  private static int identifierEnd(String text, int start, int end) {
    if (start >= end || (CLASSES[ascii(text.charAt(start))] & DIGIT) != 0) {
      return start;
    }
    int i = start;
    while (i < end && (isWordChar(text.charAt(i)) || text.charAt(i) == '$')) {
      i++;
    }
    return i;
  }

  private static int afterBlanks(String text, int from) {
    int i = from;
    while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  private static boolean isRun(String text, int start, int end, String characters) {
    for (int i = start; i < end; i++) {
      if (characters.indexOf(text.charAt(i)) < 0) {
        return false;
      }
    }
    return end > start;
  }

  private static boolean isEscaped(String text, int i) {
    return i > 0 && text.charAt(i - 1) == '\\';
  }

  private static boolean isApostrophe(String text, int i) {
    return text.charAt(i) == '\''
        && i > 0
        && i + 1 < text.length()
        && isLetter(text.charAt(i - 1))
        && isLetter(text.charAt(i + 1));
  }

  private static boolean isLetter(char c) {
    return (CLASSES[ascii(c)] & (UPPER | LOWER)) != 0;
  }

  private static boolean isWordChar(char c) {
    return (CLASSES[ascii(c)] & (ALNUM | UNDERSCORE)) != 0;
  }

  private static boolean isQuote(char c) {
    return c == '"' || c == '\'' || c == '`';
  }

  private static int ascii(char c) {
    return c < 128 ? c : 0;
  }
}
