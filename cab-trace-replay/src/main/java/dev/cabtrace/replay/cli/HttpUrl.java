package dev.cabtrace.replay.cli;

import dev.cabtrace.sdk.redact.Redaction;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * An option whose value is an http(s) URL (a model endpoint, a backend's query API), checked
 * before anything runs: anything else fails only once a request is made, if not every time.
 */
final class HttpUrl {

  private static final String MASK = "***";

  private HttpUrl() {}

  /**
   * {@code value} as a URI.
   *
   * @param example a URL of the kind wanted, for the error: {@code http://tempo:3200}
   * @throws IllegalArgumentException naming the option and the value (as {@link #shown} shows it)
   *     unless it is an absolute http or https URL with a host, without credentials or a fragment
   */
  static URI check(String option, String value, String example) {
    URI uri = parse(value);
    String scheme = uri == null || uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw new IllegalArgumentException(option + " " + shown(value) + ": not an http(s) URL with a host (e.g. " + example + ")");
    }
    if (uri.getRawUserInfo() != null) {
      // java.net.http sends no Authorization for them: the request would go out without them.
      throw new IllegalArgumentException(option + " " + shown(value) + ": credentials in the URL are not sent; leave them out");
    }
    if (uri.getRawFragment() != null) {
      throw new IllegalArgumentException(option + " " + shown(value) + ": a fragment (#...) is not sent; leave it out");
    }
    return uri;
  }

  /**
   * {@code url} as a message shows it: its user-info replaced by {@code ***}, and the values of its
   * query (and fragment) parameters whose names are secret, by the SDK's redaction rule, too
   * ({@code ?api_key=***}).
   */
  static String shown(String url) {
    URI uri = parse(url);
    String text = url;
    int authority = url.indexOf("://");
    if (uri == null || uri.getHost() == null) {
      // Not read as a URL with a host: where the user-info ends is a guess, made on the safe side.
      int at = url.lastIndexOf('@');
      text = at < 0 ? url : MASK + url.substring(at);
    } else if (uri.getRawUserInfo() != null && authority >= 0) {
      int userInfo = authority + "://".length();
      text = url.substring(0, userInfo) + MASK + url.substring(userInfo + uri.getRawUserInfo().length());
    }
    int query = text.indexOf('?');
    int fragment = text.indexOf('#', Math.max(query, 0));
    StringBuilder shown = new StringBuilder(text.length());
    shown.append(text, 0, query >= 0 ? query : fragment >= 0 ? fragment : text.length());
    if (query >= 0) {
      shown.append('?').append(maskParameters(text.substring(query + 1, fragment >= 0 ? fragment : text.length())));
    }
    if (fragment >= 0) {
      shown.append('#').append(maskParameters(text.substring(fragment + 1)));
    }
    return shown.toString();
  }

  private static String maskParameters(String parameters) {
    StringJoiner masked = new StringJoiner("&");
    for (String parameter : parameters.split("&", -1)) {
      int equals = parameter.indexOf('=');
      masked.add(equals > 0 && isSecret(parameter.substring(0, equals))
          ? parameter.substring(0, equals + 1) + MASK : parameter);
    }
    return masked.toString();
  }

  private static boolean isSecret(String rawName) {
    String name;
    try {
      name = URLDecoder.decode(rawName, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      name = rawName;
    }
    return Redaction.defaults().isSecretQueryParameter(name);
  }

  private static URI parse(String value) {
    try {
      return new URI(value);
    } catch (URISyntaxException e) {
      return null;
    }
  }
}
