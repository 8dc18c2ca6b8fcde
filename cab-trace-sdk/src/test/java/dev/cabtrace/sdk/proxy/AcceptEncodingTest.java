package dev.cabtrace.sdk.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AcceptEncodingTest {

  @ParameterizedTest(name = "{0}: {1} takes {2}? {3}")
  @CsvSource(delimiter = '|', nullValues = "NONE", textBlock = """
      no header                | NONE                    | gzip     | false
      no header, identity      | NONE                    | identity | true
      no header, no coding     | NONE                    | NONE     | true
      named                    | gzip, deflate, br       | gzip     | true
      named in any case        | GZip                    | gzip     | true
      x-gzip is gzip           | x-gzip                  | gzip     | true
      gzip is x-gzip           | gzip                    | x-gzip   | true
      another one              | br                      | gzip     | false
      empty                    | ''                      | gzip     | false
      weight 0                 | gzip;q=0, br            | gzip     | false
      weight with spaces       | gzip ; q=0.5            | gzip     | true
      any                      | *                       | zstd     | true
      any but this one         | *, gzip;q=0             | gzip     | false
      any at weight 0          | *;q=0                   | br       | false
      a weight not a number    | gzip;q=yes              | gzip     | false
      """)
  void aCodingIsAcceptedWhenNamedOrCoveredByAnyAboveWeightZero(String name, String header, String coding,
      boolean accepted) {
    List<Map.Entry<String, List<String>>> headers = new ArrayList<>();
    headers.add(Map.entry("Host", List.of("localhost")));
    if (header != null) {
      headers.add(Map.entry("accept-encoding", List.of(header)));
    }
    assertThat(AcceptEncoding.accepts(headers, coding)).isEqualTo(accepted);
  }
}
