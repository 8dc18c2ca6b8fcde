package dev.cabtrace.replay.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.cabtrace.replay.read.TraceReadException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Finds a sweep's trace ids in a backend's search API, trying Tempo ({@code /api/search} with
 * TraceQL), Jaeger ({@code /api/traces?service=&tags=}) and Zipkin ({@code
 * /api/v2/traces?annotationQuery=}) in turn; a URL naming one of them tries it first. The traces
 * themselves are then fetched one by one as {@code --from} fetches any trace.
 */
final class BackendSearch {

  private enum Api { TEMPO, JAEGER, ZIPKIN }

  private BackendSearch() {}

  /**
   * @param window how far back to search, or null for the backend's default
   * @param nowMillis the end of the window, epoch milliseconds
   */
  static List<String> search(String baseUrl, String sweepId, String service, int limit, Duration window, long nowMillis)
      throws TraceReadException {
    List<Api> order = new ArrayList<>(List.of(Api.TEMPO, Api.JAEGER, Api.ZIPKIN));
    for (Api api : List.of(Api.ZIPKIN, Api.JAEGER)) {
      if (baseUrl.toLowerCase(Locale.ROOT).contains(api.name().toLowerCase(Locale.ROOT))) {
        order.remove(api);
        order.add(0, api);
      }
    }
    List<BackendQuery.Attempt<List<String>>> attempts = new ArrayList<>();
    for (Api api : order) {
      attempts.add(new BackendQuery.Attempt<>(
          query(api, sweepId, service, limit) + window(api, window, nowMillis),
          api.name().toLowerCase(Locale.ROOT) + " search results",
          (uri, body) -> {
            List<String> ids = traceIds(api, body);
            return ids != null && ids.size() > limit ? ids.subList(0, limit) : ids;
          }));
    }
    return BackendQuery.first(baseUrl, attempts, "searching", "cannot search " + HttpUrl.shown(baseUrl) + " for sweep " + sweepId);
  }

  private static String query(Api api, String sweepId, String service, int limit) {
    switch (api) {
      case TEMPO:
        String traceQl = "{ resource.cab.sweep_id = \"" + sweepId.replace("\\", "\\\\").replace("\"", "\\\"") + "\" }";
        return "/api/search?q=" + encode(traceQl) + "&limit=" + limit;
      case JAEGER:
        String tags = "{\"cab.sweep_id\":\"" + new String(JsonStringEncoder.getInstance().quoteAsString(sweepId)) + "\"}";
        return "/api/traces?service=" + encode(service) + "&tags=" + encode(tags) + "&limit=" + limit;
      default:
        return "/api/v2/traces?annotationQuery=" + encode("cab.sweep_id=" + sweepId) + "&limit=" + limit;
    }
  }

  /** The time range in each API's terms: Tempo seconds, Jaeger microseconds, Zipkin milliseconds. */
  private static String window(Api api, Duration window, long nowMillis) {
    if (window == null) {
      return "";
    }
    long startMillis = nowMillis - window.toMillis();
    switch (api) {
      case TEMPO:
        return "&start=" + startMillis / 1000 + "&end=" + (nowMillis + 999) / 1000;
      case JAEGER:
        return "&start=" + startMillis * 1000 + "&end=" + nowMillis * 1000;
      default:
        return "&endTs=" + nowMillis + "&lookback=" + window.toMillis();
    }
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * The trace ids of a search answer, in the order given and without repeats (in lowercase hex: an
   * id spelt in both cases is one trace, counted once); null when the
   * answer is not that API's: Tempo {@code {"traces":[{"traceID"}]}}, Jaeger {@code
   * {"data":[{"traceID"}]}}, Zipkin {@code [[{"traceId"}, ...], ...]}.
   */
  static List<String> traceIds(Api api, InputStream body) throws IOException {
    Set<String> ids = new LinkedHashSet<>();
    try (JsonParser parser = new JsonFactory().createParser(body)) {
      JsonToken root = parser.nextToken();
      if (api == Api.ZIPKIN) {
        if (root != JsonToken.START_ARRAY) {
          return null;
        }
        while (parser.nextToken() == JsonToken.START_ARRAY) {
          while (parser.nextToken() == JsonToken.START_OBJECT) {
            String id = field(parser, "traceId");
            if (id != null) {
              ids.add(id.toLowerCase(Locale.ROOT));
            }
          }
        }
        return parser.currentToken() == JsonToken.END_ARRAY ? new ArrayList<>(ids) : null;
      }
      if (root != JsonToken.START_OBJECT) {
        return null;
      }
      String list = api == Api.TEMPO ? "traces" : "data";
      boolean found = false;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (name.equals(list) && value == JsonToken.START_ARRAY) {
          found = true;
          while (parser.nextToken() == JsonToken.START_OBJECT) {
            String id = field(parser, "traceID");
            if (id != null) {
              ids.add(id.toLowerCase(Locale.ROOT));
            }
          }
        } else if (name.equals(list) && value == JsonToken.VALUE_NULL) {
          found = true; // Jaeger answers "data": null when nothing matched
        } else {
          parser.skipChildren();
        }
      }
      return found ? new ArrayList<>(ids) : null;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return null;
    }
  }

  /** Reads the object the parser stands on to its end; returns one string field, or null. */
  private static String field(JsonParser parser, String wanted) throws IOException {
    String found = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      if (name.equals(wanted) && value == JsonToken.VALUE_STRING) {
        found = parser.getText();
      } else {
        parser.skipChildren();
      }
    }
    return found;
  }
}
