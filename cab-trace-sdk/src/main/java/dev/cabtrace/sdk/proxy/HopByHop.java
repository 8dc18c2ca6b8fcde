package dev.cabtrace.sdk.proxy;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Headers that belong to one connection and are not forwarded (RFC 9110 section 7.6.1): the fixed
 * set, plus every field named in the message's own {@code Connection} header. Framing headers
 * (content-length, transfer-encoding) and host are set by each side for itself.
 */
final class HopByHop {

  private static final Set<String> ALWAYS =
      Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding",
          "upgrade", "proxy-authenticate", "proxy-authorization", "content-length", "host", "expect",
          "http2-settings");

  private final Set<String> names;

  private HopByHop(Set<String> names) {
    this.names = names;
  }

  /** The hop-by-hop names of a message with these headers (names in any case). */
  static HopByHop of(Iterable<? extends Map.Entry<String, ? extends List<String>>> headers) {
    Set<String> names = new HashSet<>(ALWAYS);
    for (Map.Entry<String, ? extends List<String>> header : headers) {
      if (header.getKey().equalsIgnoreCase("connection")) {
        for (String value : header.getValue()) {
          for (String token : value.split(",")) {
            String name = token.trim().toLowerCase(Locale.ROOT);
            if (!name.isEmpty()) {
              names.add(name);
            }
          }
        }
      }
    }
    return new HopByHop(names);
  }

  /** Whether the header {@code name} stays on this hop. */
  boolean isHopByHop(String name) {
    return names.contains(name.toLowerCase(Locale.ROOT)) || name.startsWith(":");
  }
}
