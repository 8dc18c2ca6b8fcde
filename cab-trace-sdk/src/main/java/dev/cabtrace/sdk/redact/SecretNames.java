package dev.cabtrace.sdk.redact;

/**
 * The rule that says whether a name (an attribute, an environment variable, a JSON or YAML key, a
 * header, a command-line flag) holds a secret. See {@link Redaction} for the rule in words.
 *
 * <p>A name is read as segments split on every character that is not an ASCII letter or digit and
 * on camelCase boundaries ({@code openaiApiKey}, {@code APIKey}), compared without case. Only the
 * last segments decide, so file names and settings that merely contain a secret word ({@code
 * secret_santa.py}, {@code token_counter}, {@code TOKENIZERS_PARALLELISM}) are no secrets. Works
 * on a region of a larger text without allocating, as the scanner calls it at every {@code =} and
 * {@code :}.
 */
final class SecretNames {

  /** A last segment that is a secret on its own. */
  private static final String[] SECRET_WORDS = {
    "secret", "password", "passwd", "passphrase", "credential", "credentials", "auth",
    "authorization", "cookie", "apikey", "secretkey", "privatekey", "accesskey", "authtoken",
    "accesstoken", "clientsecret"
  };

  /** What makes a last segment {@code key} a secret when it comes right before it. */
  private static final String[] KEY_QUALIFIERS = {
    "api", "access", "secret", "private", "auth", "client", "encryption", "decryption", "signing",
    "master", "service", "session", "account", "app", "consumer", "ssh", "deploy", "webhook",
    "hmac", "jwt", "shared", "admin", "storage", "subscription", "license",
    // Providers: openai_key, ANTHROPIC_KEY; OpenAIKey splits as Open AI Key.
    "openai", "ai", "anthropic", "claude", "gemini", "google", "mistral", "cohere", "groq",
    "deepseek", "together", "fireworks", "perplexity", "openrouter", "replicate", "huggingface",
    "hf", "azure", "voyage", "pinecone", "stripe", "sendgrid", "twilio", "mailgun", "sentry"
  };

  /**
   * What makes a last segment {@code pass} a count or a stage rather than a password when it comes
   * right before it ({@code first_pass}, {@code num_pass}); {@code pass} alone is no secret either
   * ({@code pass=3} in a test summary).
   */
  private static final String[] PASS_COUNTS = {
    "n", "num", "max", "min", "total", "first", "second", "third", "last", "next", "final", "one",
    "two", "single", "multi", "test", "tests", "by", "compiler"
  };

  /**
   * What makes a last segment {@code token} a count, a limit or a tokenizer setting rather than a
   * credential when it comes right before it ({@code max_token}, {@code eos_token}).
   */
  private static final String[] TOKEN_SETTINGS = {
    "max", "min", "num", "n", "new", "input", "output", "prompt", "completion", "total",
    "reasoning", "cached", "cache", "per", "context", "bos", "eos", "pad", "unk", "sep", "cls",
    "mask", "eot", "start", "end", "stop", "special", "first", "last", "next", "image", "video",
    "audio"
  };

  /** Last segments that only say how a secret is written: {@code SECRET_KEY_BASE}. */
  private static final String[] ENCODING_SUFFIXES = {"value", "base", "b64", "base64"};

  /** The first letters of the words above that can end a name, one bit per letter a to z. */
  private static final int LAST_WORD_INITIALS =
      initials(SECRET_WORDS, ENCODING_SUFFIXES, new String[] {"token", "key", "pwd"});

  private SecretNames() {}

  /** Whether {@code name[start, end)} names a secret. */
  static boolean isSecret(String name, int start, int end) {
    int lastEnd = trimEnd(name, start, end);
    if (lastEnd == start) {
      return false;
    }
    int lastStart = segmentStart(name, start, lastEnd);
    if (endsWithPassword(name, lastStart, lastEnd)) {
      return true; // PGPASSWORD, MYSQLPASSWORD: a run-together password
    }
    if (!startsLikeALastWord(name.charAt(lastStart))) {
      return false; // most names: model, name, kind, hash
    }
    if (equalsAny(name, lastStart, lastEnd, ENCODING_SUFFIXES)) {
      lastEnd = trimEnd(name, start, lastStart);
      if (lastEnd == start) {
        return false;
      }
      lastStart = segmentStart(name, start, lastEnd);
    }
    if (equals(name, lastStart, lastEnd, "token")) {
      int previousEnd = trimEnd(name, start, lastStart);
      return previousEnd == start
          || !equalsAny(name, segmentStart(name, start, previousEnd), previousEnd, TOKEN_SETTINGS);
    }
    if (equals(name, lastStart, lastEnd, "key")) {
      int previousEnd = trimEnd(name, start, lastStart);
      return previousEnd > start
          && (equalsAny(name, segmentStart(name, start, previousEnd), previousEnd, KEY_QUALIFIERS)
              || isEnvironmentKey(name, start, end));
    }
    if (equals(name, lastStart, lastEnd, "pwd")) {
      // MYSQL_PWD, an ODBC string's Pwd=; the shell's PWD alone is its working directory.
      int previousEnd = trimEnd(name, start, lastStart);
      return previousEnd > start || !isUpper(name.charAt(lastStart + 1));
    }
    if (equals(name, lastStart, lastEnd, "pass")) {
      int previousEnd = trimEnd(name, start, lastStart);
      return previousEnd > start
          && !equalsAny(name, segmentStart(name, start, previousEnd), previousEnd, PASS_COUNTS);
    }
    return equalsAny(name, lastStart, lastEnd, SECRET_WORDS);
  }

  private static boolean endsWithPassword(String name, int start, int end) {
    char last = name.charAt(end - 1);
    if ((last | 0x20) != 'd') {
      return false;
    }
    return (end - start >= 8 && name.regionMatches(true, end - 8, "password", 0, 8))
        || (end - start >= 6 && name.regionMatches(true, end - 6, "passwd", 0, 6));
  }

  private static boolean startsLikeALastWord(char c) {
    int letter = (c | 0x20) - 'a';
    return letter >= 0 && letter < 26 && (LAST_WORD_INITIALS & (1 << letter)) != 0;
  }

  private static int initials(String[]... wordLists) {
    int bits = 0;
    for (String[] words : wordLists) {
      for (String word : words) {
        bits |= 1 << (word.charAt(0) - 'a');
      }
    }
    return bits;
  }

  /**
   * Whether the name's last dotted part is an environment variable ending in {@code _KEY}, like
   * {@code OPENAI_KEY}: written that way, a key is a credential far more often than not.
   */
  private static boolean isEnvironmentKey(String name, int start, int end) {
    int from = start;
    for (int i = end - 1; i >= start; i--) {
      if (name.charAt(i) == '.') {
        from = i + 1;
        break;
      }
    }
    if (end - from < 6 || !name.startsWith("_KEY", end - 4)) {
      return false;
    }
    for (int i = from; i < end; i++) {
      char c = name.charAt(i);
      if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
        return false;
      }
    }
    return true;
  }

  /** Signature segments that make a URL query parameter a credential ({@code sig}, {@code X-Amz-Signature}). */
  private static final String[] SIGNATURE_WORDS = {"sig", "signature"};

  /**
   * Whether {@code name[start, end)}, the name of a URL query parameter, is a credential there though
   * it is none as a name elsewhere: {@code key} (Google's {@code ?key=}), a signature ({@code sig},
   * Azure SAS; {@code X-Amz-Signature}). {@link #isSecret} names are credentials there too.
   */
  static boolean isQueryCredential(String name, int start, int end) {
    if (equals(name, start, end, "key")) {
      return true;
    }
    int lastEnd = trimEnd(name, start, end);
    return lastEnd > start && equalsAny(name, segmentStart(name, start, lastEnd), lastEnd, SIGNATURE_WORDS);
  }

  /**
   * Whether {@code text[start, end)} has the last segment of the name {@code text[nameStart,
   * nameEnd)} as one of its own segments, ignoring case: {@code readPassword} for {@code password},
   * {@code tokenReg} for {@code creds.token}.
   */
  static boolean hasLastSegmentOf(String text, int start, int end, int nameStart, int nameEnd) {
    int wordEnd = trimEnd(text, nameStart, nameEnd);
    if (wordEnd == nameStart) {
      return false;
    }
    int wordStart = segmentStart(text, nameStart, wordEnd);
    int i = trimEnd(text, start, end);
    while (i > start) {
      int segment = segmentStart(text, start, i);
      if (i - segment == wordEnd - wordStart
          && text.regionMatches(true, segment, text, wordStart, i - segment)) {
        return true;
      }
      i = trimEnd(text, start, segment);
    }
    return false;
  }

  /** {@code end} moved back over separators, not before {@code start}. */
  private static int trimEnd(String name, int start, int end) {
    while (end > start && !isAlphanumeric(name.charAt(end - 1))) {
      end--;
    }
    return end;
  }

  /** Where the segment ending at {@code end} (exclusive, a letter or digit before it) starts. */
  private static int segmentStart(String name, int start, int end) {
    int i = end - 1;
    while (i > start && !isBoundary(name, i, end)) {
      i--;
    }
    return i;
  }

  /** Whether a segment starts at {@code i}, {@code name.charAt(i)} being a letter or digit. */
  private static boolean isBoundary(String name, int i, int end) {
    char previous = name.charAt(i - 1);
    char c = name.charAt(i);
    if (!isAlphanumeric(previous)) {
      return true;
    }
    if (isLower(previous) && isUpper(c)) {
      return true; // apiKey
    }
    // APIKey: the K starts a segment.
    return isUpper(previous) && isUpper(c) && i + 1 < end && isLower(name.charAt(i + 1));
  }

  private static boolean equalsAny(String name, int start, int end, String[] words) {
    for (String word : words) {
      if (equals(name, start, end, word)) {
        return true;
      }
    }
    return false;
  }

  private static boolean equals(String name, int start, int end, String lowerCaseWord) {
    return end - start == lowerCaseWord.length()
        && (name.charAt(start) | 0x20) == lowerCaseWord.charAt(0)
        && name.regionMatches(true, start, lowerCaseWord, 0, lowerCaseWord.length());
  }

  static boolean isAlphanumeric(char c) {
    return isLower(c) || isUpper(c) || (c >= '0' && c <= '9');
  }

  private static boolean isLower(char c) {
    return c >= 'a' && c <= 'z';
  }

  private static boolean isUpper(char c) {
    return c >= 'A' && c <= 'Z';
  }
}
