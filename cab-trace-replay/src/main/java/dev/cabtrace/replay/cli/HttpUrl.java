package dev.cabtrace.replay.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * An option whose value is an http(s) URL (a model endpoint, a backend's query API), checked
 * before anything runs: anything else fails only once a request is made, if not every time.
 */
final class HttpUrl {

  private HttpUrl() {}

  /**
   * {@code value} as a URI.
   *
   * @param example a URL of the kind wanted, for the error: {@code http://tempo:3200}
   * @throws IllegalArgumentException naming the option and the value (without its credentials)
   *     unless it is an absolute http or https URL with a host
   */
  static URI check(String option, String value, String example) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      uri = null;
    }
    String scheme = uri == null || uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      int at = value.lastIndexOf('@');
      String shown = at < 0 ? value : "***" + value.substring(at); // a password is not repeated
      throw new IllegalArgumentException(option + " " + shown + ": not an http(s) URL with a host (e.g. " + example + ")");
    }
    return uri;
  }
}
