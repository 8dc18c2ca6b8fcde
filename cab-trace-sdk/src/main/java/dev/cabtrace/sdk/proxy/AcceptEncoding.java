package dev.cabtrace.sdk.proxy;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whether a request's {@code Accept-Encoding} (RFC 9110 section 12.5.3) takes a response in a
 * content coding: the coding named with a weight above 0, or {@code *} above 0 when the coding is
 * not named. A request without the header is taken to want identity: that is what servers send
 * it, and what a client that never asked (plain curl) can read.
 */
final class AcceptEncoding {

  private AcceptEncoding() {}

  /** Whether a request with {@code headers} (names in any case) accepts {@code contentCoding}. */
  static boolean accepts(Iterable<? extends Map.Entry<String, ? extends List<String>>> headers, String contentCoding) {
    String coding = normalize(contentCoding);
    if (coding.isEmpty() || coding.equals("identity")) {
      return true;
    }
    double named = -1;
    double any = -1;
    for (Map.Entry<String, ? extends List<String>> header : headers) {
      if (!header.getKey().equalsIgnoreCase("accept-encoding")) {
        continue;
      }
      for (String value : header.getValue()) {
        for (String element : value.split(",")) {
          String[] parts = element.split(";");
          String name = normalize(parts[0]);
          double weight = weight(parts);
          if (name.equals(coding)) {
            named = Math.max(named, weight);
          } else if (name.equals("*")) {
            any = Math.max(any, weight);
          }
        }
      }
    }
    return named >= 0 ? named > 0 : any > 0;
  }

  private static double weight(String[] parts) {
    for (int i = 1; i < parts.length; i++) {
      String parameter = parts[i].trim();
      if (parameter.length() > 2 && (parameter.charAt(0) == 'q' || parameter.charAt(0) == 'Q')
          && parameter.charAt(1) == '=') {
        try {
          return Double.parseDouble(parameter.substring(2).trim());
        } catch (NumberFormatException e) {
          return 0; // a weight we cannot read: not taken as a yes
        }
      }
    }
    return 1;
  }

  private static String normalize(String coding) {
    String name = coding == null ? "" : coding.trim().toLowerCase(Locale.ROOT);
    return name.startsWith("x-") ? name.substring(2) : name; // x-gzip is gzip, x-compress compress
  }
}
