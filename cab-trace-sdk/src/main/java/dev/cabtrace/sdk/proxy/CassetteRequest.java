package dev.cabtrace.sdk.proxy;

import dev.cabtrace.sdk.redact.Redaction;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A request as a cassette matches it: the method, the path and query (secrets in it masked, so that
 * what is stored can be matched: two requests that differ only in a secret match), and the sha-256
 * of the canonical body. A JSON body is canonical with its object keys sorted at every level, no
 * insignificant whitespace, strings re-escaped the one way, numbers as written, and the ignored
 * paths removed first; any other body is its bytes.
 */
final class CassetteRequest {

  static final String MASK = "[REDACTED]";
  /** Last name segments of URL signatures ({@code sig}, {@code X-Amz-Signature}): secret in a query. */
  /** Query parameters whose names held one of these words anywhere were masked by older cab-traces. */
  private static final String[] LEGACY_SECRET_WORDS = {
    "key", "token", "secret", "password", "signature", "auth", "credential", "session"
  };

  final String method;
  final String target;
  /**
   * The target as cassettes written before query parameters were judged by whole name segments
   * stored it ({@code max_tokens=[REDACTED]}), or null when that is {@link #target}.
   */
  final String legacyTarget;
  final String hash;
  /** The canonical tree, ignored paths removed; null when the body is not JSON. */
  final Object json;
  final byte[] body;
  final Map<String, List<String>> headers;

  private CassetteRequest(String method, String target, String legacyTarget, String hash, Object json, byte[] body,
      Map<String, List<String>> headers) {
    this.method = method;
    this.target = target;
    this.legacyTarget = legacyTarget;
    this.hash = hash;
    this.json = json;
    this.body = body;
    this.headers = headers;
  }

  static CassetteRequest of(IncomingRequest request, List<CassetteJsonPath> ignores) {
    Object json = request.body.length == 0 ? null : CassetteJson.parse(request.body, true);
    byte[] canonical = request.body;
    if (json != null) {
      for (CassetteJsonPath ignore : ignores) {
        ignore.removeFrom(json);
      }
      canonical = CassetteJson.write(json);
    }
    String pathAndQuery = request.pathAndQuery();
    String target = maskTarget(pathAndQuery);
    String legacyTarget = pathAndQuery.indexOf('?') < 0 ? null : legacyMaskTarget(pathAndQuery);
    return new CassetteRequest(request.method, target, target.equals(legacyTarget) ? null : legacyTarget,
        sha256Hex(canonical), json, request.body, request.headers);
  }

  /** What requests are matched by: the same key, and the n-th time for the n-th answer. */
  String key() {
    return key(method, target, hash);
  }

  /** What an older cassette stored this request under, or null when that is {@link #key()}. */
  String legacyKey() {
    return legacyTarget == null ? null : key(method, legacyTarget, hash);
  }

  static String key(String method, String target, String hash) {
    return method + ' ' + target + ' ' + hash;
  }

  /**
   * The path and query with the value of every query parameter whose name is secret masked, then
   * with credentials masked by their shape: stored that way, and matched that way. A name is judged
   * by its whole segments, as {@link Redaction#isSecretName} judges attribute names ({@code api_key},
   * {@code access_token}, {@code X-Amz-Security-Token}; not {@code max_tokens}, {@code keyword},
   * {@code session_id}); so are Google's {@code key} and URL signatures ({@code sig}, {@code
   * X-Amz-Signature}), which are no secrets as attribute names. A {@code sort_key} is none.
   */
  static String maskTarget(String target) {
    return Redaction.defaults().redact(maskParameters(target, CassetteRequest::isSecretParameter));
  }

  /** {@link #maskTarget} as it was before names were judged by whole segments: by any word in them. */
  static String legacyMaskTarget(String target) {
    return Redaction.defaults().redact(maskParameters(target, CassetteRequest::isLegacySecretParameter));
  }

  private static String maskParameters(String target, Predicate<String> secret) {
    int query = target.indexOf('?');
    if (query < 0) {
      return target;
    }
    StringBuilder out = new StringBuilder(target.length()).append(target, 0, query + 1);
    String[] parameters = target.substring(query + 1).split("&", -1);
    for (int i = 0; i < parameters.length; i++) {
      if (i > 0) {
        out.append('&');
      }
      String parameter = parameters[i];
      int equals = parameter.indexOf('=');
      if (equals >= 0 && secret.test(parameter.substring(0, equals))) {
        out.append(parameter, 0, equals + 1).append(MASK);
      } else {
        out.append(parameter);
      }
    }
    return out.toString();
  }

  static boolean isSecretParameter(String name) {
    String decoded = decoded(name); // api%5Fkey
    return Redaction.defaults().isSecretQueryParameter(decoded);
  }

  private static boolean isLegacySecretParameter(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.equals("sig")) {
      return true;
    }
    for (String word : LEGACY_SECRET_WORDS) {
      if (lower.contains(word)) {
        return true;
      }
    }
    return false;
  }

  private static String decoded(String name) {
    try {
      return URLDecoder.decode(name, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return name; // a stray %
    }
  }

  static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
