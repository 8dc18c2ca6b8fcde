package dev.cabtrace.sdk.proxy;

import dev.cabtrace.sdk.redact.Redaction;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request as a cassette matches it: the method, the path and query (secrets in it masked, so that
 * what is stored can be matched), and the sha-256 of the canonical body. A JSON body is canonical
 * with its object keys sorted at every level, no insignificant whitespace, strings re-escaped the
 * one way, numbers as written, and the ignored paths removed first; any other body is its bytes.
 */
final class CassetteRequest {

  static final String MASK = "[REDACTED]";
  private static final String[] SECRET_PARAMETER_WORDS = {
    "key", "token", "secret", "password", "signature", "auth", "credential", "session"
  };

  final String method;
  final String target;
  final String hash;
  /** The canonical tree, ignored paths removed; null when the body is not JSON. */
  final Object json;
  final byte[] body;
  final Map<String, List<String>> headers;

  private CassetteRequest(
      String method, String target, String hash, Object json, byte[] body, Map<String, List<String>> headers) {
    this.method = method;
    this.target = target;
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
    return new CassetteRequest(
        request.method, maskTarget(request.pathAndQuery()), sha256Hex(canonical), json, request.body, request.headers);
  }

  /** What requests are matched by: the same key, and the n-th time for the n-th answer. */
  String key() {
    return key(method, target, hash);
  }

  static String key(String method, String target, String hash) {
    return method + ' ' + target + ' ' + hash;
  }

  /**
   * The path and query with the value of every query parameter whose name looks secret ({@code
   * key}, {@code api_key}, {@code access_token}, {@code sig}...) masked, then with credentials
   * masked by their shape: stored that way, and matched that way.
   */
  static String maskTarget(String target) {
    int query = target.indexOf('?');
    String masked = target;
    if (query >= 0) {
      StringBuilder out = new StringBuilder(target.length()).append(target, 0, query + 1);
      String[] parameters = target.substring(query + 1).split("&", -1);
      for (int i = 0; i < parameters.length; i++) {
        if (i > 0) {
          out.append('&');
        }
        String parameter = parameters[i];
        int equals = parameter.indexOf('=');
        if (equals >= 0 && secretName(parameter.substring(0, equals))) {
          out.append(parameter, 0, equals + 1).append(MASK);
        } else {
          out.append(parameter);
        }
      }
      masked = out.toString();
    }
    return Redaction.defaults().redact(masked);
  }

  private static boolean secretName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.equals("sig")) {
      return true;
    }
    for (String word : SECRET_PARAMETER_WORDS) {
      if (lower.contains(word)) {
        return true;
      }
    }
    return false;
  }

  static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
