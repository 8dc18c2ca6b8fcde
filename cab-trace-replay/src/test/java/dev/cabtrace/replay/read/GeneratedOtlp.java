package dev.cabtrace.replay.read;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * OTLP JSON Lines with every shape producers write and some they should not: hot and other keys,
 * every value type, numbers as text and as numbers, escapes, non-ASCII, duplicates, missing and
 * empty fields, events, statuses; and small structural nudges of such files.
 */
final class GeneratedOtlp {

  private static final String[] HOT = {"cab.span.kind", "cab.pass", "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens",
      "gen_ai.request.model", "gen_ai.response.model", "gen_ai.operation.name", "gen_ai.usage.cache_read.input_tokens",
      "gen_ai.usage.prompt_tokens", "cab.request_hash", "gen_ai.response.finish_reasons", "cab.tui",
      "cab.terminal.columns", "cab.terminal.rows"};
  private static final String[] OTHER = {"process.exit.code", "cab.tool.args", "http.method",
      "container.command_args", "x"};
  private static final String[] KINDS = {"model_call", "tool_call", "container", "adapter_run", "task_setup", "cleanup", "nonsense"};

  private GeneratedOtlp() {}

  /** Lines most of which are as exporters write them, some wild. */
  static byte[] file(Random random, int lines) {
    StringBuilder out = new StringBuilder();
    List<String> ids = new ArrayList<>();
    String trace = hex(random, 32);
    for (int line = 0; line < lines; line++) {
      boolean wild = random.nextInt(3) == 0;
      out.append("{\"resourceSpans\":[");
      int resources = 1 + random.nextInt(2);
      for (int r = 0; r < resources; r++) {
        if (r > 0) {
          out.append(',');
        }
        String resource = "\"resource\":{\"attributes\":[" + attribute(random, "cab.tui", "{\"stringValue\":\"aider\"}")
            + "," + attribute(random, "cab.cell_id", "{\"stringValue\":\"cell-" + random.nextInt(3) + "\"}") + "]}";
        out.append('{');
        boolean resourceFirst = random.nextInt(4) != 0;
        if (resourceFirst) {
          out.append(resource).append(',');
        }
        out.append("\"scopeSpans\":[{");
        if (random.nextInt(5) != 0) {
          out.append("\"scope\":{\"name\":\"").append(random.nextBoolean() ? "dev.cabtrace" : "caf\u00e9").append("\",\"version\":\"1\"},");
        }
        out.append("\"spans\":[");
        int spans = 1 + random.nextInt(6);
        for (int s = 0; s < spans; s++) {
          if (s > 0) {
            out.append(',');
          }
          span(out, random, trace, ids, wild);
        }
        out.append("],\"schemaUrl\":\"\"}]");
        if (!resourceFirst) {
          out.append(',').append(resource);
        }
        out.append('}');
      }
      out.append("]");
      if (random.nextInt(10) == 0) {
        out.append(",\"extra\":{\"a\":[1,2.5e3,null,true]}");
      }
      out.append("}\n");
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void span(StringBuilder out, Random random, String trace, List<String> ids, boolean wild) {
    String id = ids.isEmpty() || random.nextInt(8) != 0 ? hex(random, 16) : ids.get(random.nextInt(ids.size()));
    String parent = ids.isEmpty() || random.nextInt(4) == 0 ? "" : ids.get(random.nextInt(ids.size()));
    ids.add(id);
    long start = 1_781_680_663_000_000_000L + random.nextInt(1_000_000_000);
    long end = start + random.nextInt(500_000_000) - (random.nextInt(10) == 0 ? 600_000_000 : 0);
    List<String> fields = new ArrayList<>();
    fields.add("\"traceId\":\"" + (wild ? pick(random, trace, trace.toUpperCase(), "", "00000000000000000000000000000000",
        "AAECAwQFBgcICQoLDA0ODw==") : trace) + "\"");
    fields.add("\"spanId\":\"" + (wild ? pick(random, id, id, id, "", "short", id.substring(13)) : id) + "\"");
    if (random.nextInt(5) != 0) {
      fields.add("\"parentSpanId\":\"" + (wild && !parent.isEmpty() && random.nextInt(4) == 0 ? parent.substring(15) : parent) + "\"");
    }
    fields.add("\"name\":\"" + (wild ? pick(random, "chat gpt-5", "say \\\"hi\\\"", "a\\u00e9b", "")
        : pick(random, "chat gpt-5", "tool_call shell", "\u00e9t\u00e9 \u4e2d", "")) + "\"");
    fields.add("\"kind\":" + (wild ? pick(random, "1", "\"SPAN_KIND_CLIENT\"", "12") : pick(random, "1", "3", "0", "5", "9")));
    fields.add("\"startTimeUnixNano\":" + (wild ? pick(random, "\"" + start + "\"", "\"-5\"", "\"1.5e18\"")
        : pick(random, "\"" + start + "\"", Long.toString(start))));
    if (random.nextInt(12) != 0) {
      fields.add("\"endTimeUnixNano\":" + (wild ? pick(random, "\"" + end + "\"", "\"99999999999999999999\"")
          : pick(random, "\"" + end + "\"", Long.toString(end))));
    }
    StringBuilder attributes = new StringBuilder("[");
    int count = random.nextInt(9);
    java.util.Set<String> keys = new java.util.HashSet<>();
    for (int a = 0; a < count; a++) {
      String key = random.nextBoolean() ? HOT[random.nextInt(HOT.length)] : OTHER[random.nextInt(OTHER.length)];
      if (!keys.add(key) && !wild) {
        continue; // a key twice only on wild lines: an exporter's attributes are a map
      }
      if (attributes.length() > 1) {
        attributes.append(',');
      }
      if (key.equals("cab.span.kind") && random.nextBoolean()) {
        attributes.append(attribute(random, key, "{\"stringValue\":\"" + KINDS[random.nextInt(KINDS.length)] + "\"}", wild));
      } else {
        boolean hot = java.util.Arrays.asList(HOT).contains(key);
        attributes.append(attribute(random, key, wild || !hot ? value(random, 0, wild) : cleanValue(random), wild));
      }
    }
    attributes.append(']');
    fields.add("\"attributes\":" + attributes);
    if (random.nextInt(3) == 0) {
      String event = "[{\"timeUnixNano\":\"" + start + "\",\"name\":\"cab.output\",\"attributes\":["
          + attribute(random, "cab.output.data", "{\"stringValue\":\"hello\\n\"}", false) + "]}]";
      fields.add("\"events\":" + (wild ? pick(random, event, "[{\"name\":\"e\",\"timeUnixNano\":\"-1\"}]", "[1]") : pick(random, "[]", event)));
    }
    fields.add("\"status\":" + (wild ? pick(random, "{\"code\":\"STATUS_CODE_ERROR\"}", "{\"code\":17}", "[]", "{\"code\":\"2\"}")
        : pick(random, "{}", "{\"code\":2,\"message\":\"boom\"}", "{\"code\":1}", "{\"message\":\"caf\u00e9\",\"code\":0}", "{\"code\":7}")));
    if (random.nextBoolean()) {
      fields.add("\"links\":[],\"flags\":257,\"droppedAttributesCount\":0");
    } else if (random.nextInt(6) == 0) {
      // What the capturing SDK's span limits dropped: the reader warns of it.
      fields.add("\"droppedEventsCount\":" + pick(random, "0", "3", "\"12\"", "0.0")
          + (random.nextBoolean() ? ",\"droppedLinksCount\":" + pick(random, "1", "0") : ""));
    }
    if (random.nextInt(20) == 0) {
      fields.add("\"name\":\"renamed\"");
    }
    if (wild && random.nextInt(10) == 0) {
      fields.add("\"attributes\":[]");
    }
    java.util.Collections.shuffle(fields, random);
    out.append('{').append(String.join(random.nextInt(6) == 0 ? ", " : ",", fields)).append('}');
  }

  private static String attribute(Random random, String key, String value) {
    return attribute(random, key, value, true);
  }

  private static String attribute(Random random, String key, String value, boolean wild) {
    switch (wild ? random.nextInt(12) : 2 + random.nextInt(10)) {
      case 0:
        return "{\"value\":" + value + ",\"key\":\"" + key + "\"}";
      case 1:
        return "{\"key\":\"" + key + "\"}";
      case 2:
        return "{\"key\" : \"" + key + "\" , \"value\" : " + value + " }";
      default:
        return "{\"key\":\"" + key + "\",\"value\":" + value + "}";
    }
  }

  /** Values as exporters write them. */
  private static String cleanValue(Random random) {
    return pick(random, "{\"stringValue\":\"gpt-5\"}", "{\"stringValue\":\"caf\u00e9\"}", "{\"intValue\":\"" + random.nextInt(50_000) + "\"}",
        "{\"intValue\":" + random.nextInt(50_000) + "}", "{\"boolValue\":true}", "{\"boolValue\":false}", "{\"stringValue\":\"model_call\"}",
        "{\"arrayValue\":{\"values\":[{\"stringValue\":\"stop\"}]}}", "{\"arrayValue\":{\"values\":[]}}",
        "{\"arrayValue\":{\"values\":[{\"stringValue\":\"a\"} , {\"stringValue\":\"b\"}]}}",
        "{\"arrayValue\":{\"values\":[{\"stringValue\":\"stop\"},{\"stringValue\":\"length\"},{\"stringValue\":\"\"}]}}",
        "{\"arrayValue\":{\"values\":[{\"stringValue\":\"a\\\"b\"},{\"stringValue\":\"c\"}]}}",
        "{\"arrayValue\":{\"values\":[{\"stringValue\":\"a\"},{\"intValue\":\"3\"}]}}");
  }

  /** Values of every type; {@code wild}, also what no exporter writes (text for a number, two values, ...). */
  private static String value(Random random, int depth, boolean wild) {
    switch (random.nextInt(depth > 1 ? 10 : 13)) {
      case 0:
        return "{\"stringValue\":\"plain\"}";
      case 1:
        return "{\"stringValue\":\"tab\\tquote\\\" \\u0041 \u00e9\u4e2d\ud83d\ude00\"}";
      case 2:
        return "{\"intValue\":\"" + random.nextInt(100_000) + "\"}";
      case 3:
        return "{\"intValue\":" + random.nextInt(100_000) + "}";
      case 4:
        return wild ? pick(random, "{\"intValue\":\"-12\"}", "{\"intValue\":\"007\"}", "{\"intValue\":\" 5\"}", "{\"intValue\":\"x\"}",
            "{\"intValue\":\"123456789012345678901\"}") : pick(random, "{\"intValue\":\"-12\"}", "{\"intValue\":\"007\"}");
      case 5:
        return pick(random, "{\"boolValue\":true}", "{\"boolValue\":false}", "{\"boolValue\":\"true\"}");
      case 6:
        return pick(random, "{\"doubleValue\":1.5}", "{\"doubleValue\":\"2.5\"}", "{\"doubleValue\":\"NaN\"}", "{\"doubleValue\":-0.0e+2}");
      case 7:
        return !wild ? pick(random, "{}", "{\"bytesValue\":\"AAEC\"}") : pick(random, "{}", "{\"stringValue\":\"a\",\"intValue\":\"3\"}", "{\"bytesValue\":\"AAEC\"}", "{\"bytesValue\":\"%%\"}",
            "{\"arrayValue\":\"x\"}", "{\"arrayValue\":{\"values\":[1,{\"stringValue\":\"a\"}]}}", "{\"kvlistValue\":[]}", "\"bare\"");
      case 8:
        return "{\"stringValue\":\"" + pick(random, "gpt-5", "openai", "chat", "model_call", "") + "\"}";
      case 9:
        return "{\"intValue\":\"" + random.nextInt(10) + "\"}";
      case 10:
        return "{\"arrayValue\":{\"values\":[" + value(random, depth + 1, wild) + "," + value(random, depth + 1, wild) + "]}}";
      case 11:
        return "{\"kvlistValue\":{\"values\":[{\"key\":\"k\",\"value\":" + value(random, depth + 1, wild) + "}]}}";
      default:
        return "{\"arrayValue\":{}}";
    }
  }

  /** Small structural edits: a byte deleted or doubled, a delimiter inserted, a digit changed. */
  static byte[] nudge(byte[] seed, Random random) {
    if (seed.length == 0) {
      return seed;
    }
    byte[] out = seed;
    for (int n = 1 + random.nextInt(2); n > 0; n--) {
      int at = random.nextInt(out.length);
      byte[] next;
      switch (random.nextInt(4)) {
        case 0:
          next = new byte[out.length - 1];
          System.arraycopy(out, 0, next, 0, at);
          System.arraycopy(out, at + 1, next, at, out.length - at - 1);
          break;
        case 1: {
          byte[] inserts = ",]}[{\":\\0- e.".getBytes(StandardCharsets.US_ASCII);
          next = new byte[out.length + 1];
          System.arraycopy(out, 0, next, 0, at);
          next[at] = inserts[random.nextInt(inserts.length)];
          System.arraycopy(out, at, next, at + 1, out.length - at);
          break;
        }
        case 2:
          next = out.clone();
          if (next[at] >= '0' && next[at] <= '9') {
            next[at] = (byte) ('0' + random.nextInt(10));
          } else {
            next[at] = (byte) "0aZ\"\\ \u0001".charAt(random.nextInt(7));
          }
          break;
        default:
          next = new byte[out.length + 1];
          System.arraycopy(out, 0, next, 0, at + 1);
          System.arraycopy(out, at, next, at + 1, out.length - at);
      }
      out = next;
    }
    return out;
  }

  private static String hex(Random random, int digits) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < digits; i++) {
      out.append("0123456789abcdef".charAt(random.nextInt(16)));
    }
    return out.toString();
  }

  private static String pick(Random random, String... choices) {
    return choices[random.nextInt(choices.length)];
  }
}
