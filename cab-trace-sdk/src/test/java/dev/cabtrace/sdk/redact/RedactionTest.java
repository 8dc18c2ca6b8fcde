package dev.cabtrace.sdk.redact;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RedactionTest {

  private final Redaction redaction = Redaction.defaults();

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "bearer header | Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc | Authorization: Bearer [REDACTED]",
        "openai key | --api-key sk-proj-Abcdefghijklmnop1234 | --api-key [REDACTED]",
        "anthropic key | key=sk-ant-api03-abcdefgh_ijkl | key=[REDACTED]",
        "github token | ghp_0123456789abcdefghijABCDEFGHIJ | [REDACTED]",
        "aws key id | AKIAIOSFODNN7EXAMPLE in config | [REDACTED] in config",
        "env pair in a command | -e OPENAI_API_KEY=secret-value -e MODEL=gpt | -e OPENAI_API_KEY=[REDACTED] -e MODEL=gpt",
        "plain text stays | cargo test --release | cargo test --release",
        "token counts talk stays | input tokens: 5210 | input tokens: 5210",
      })
  void masksCredentialsInText(String name, String input, String expected) {
    assertThat(redaction.redact(input)).isEqualTo(expected);
  }

  @Test
  void masksWholeValuesOfSecretLookingVariablesButKeepsTheirNames() {
    Attributes attributes =
        Attributes.builder()
            .put("env.OPENAI_API_KEY", "abc123")
            .put("GITHUB_TOKEN", "plain")
            .put("gen_ai.usage.input_tokens", 5210L)
            .put("cab.request_hash", "ab12")
            .put(AttributeKey.stringArrayKey("env_keys"), List.of("OPENAI_API_KEY", "HOME"))
            .put(
                AttributeKey.stringArrayKey("container.command_args"),
                List.of("aider", "--openai-api-key", "sk-abcdefghijklmnopqrstu"))
            .build();

    Attributes redacted = redaction.redact(attributes);

    assertThat(redacted.get(AttributeKey.stringKey("env.OPENAI_API_KEY"))).isEqualTo(Redaction.MASK);
    assertThat(redacted.get(AttributeKey.stringKey("GITHUB_TOKEN"))).isEqualTo(Redaction.MASK);
    assertThat(redacted.get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).isEqualTo(5210L);
    assertThat(redacted.get(AttributeKey.stringKey("cab.request_hash"))).isEqualTo("ab12");
    assertThat(redacted.get(AttributeKey.stringArrayKey("env_keys")))
        .containsExactly("OPENAI_API_KEY", "HOME");
    assertThat(redacted.get(AttributeKey.stringArrayKey("container.command_args")))
        .containsExactly("aider", "--openai-api-key", Redaction.MASK);
  }

  @Test
  void leavesCleanAttributesAlone() {
    Attributes clean = Attributes.builder().put("k", "v").put("n", 1L).build();
    assertThat(redaction.redact(clean)).isSameAs(clean);
  }

  @Test
  void userPatternsAndTurningItOff() {
    Redaction custom = Redaction.builder().addPattern("cab_[0-9a-f]{8}").build();
    assertThat(custom.redact("id cab_deadbeef here")).isEqualTo("id [REDACTED] here");
    assertThat(custom.redact("Bearer abc")).isEqualTo("Bearer [REDACTED]");
    assertThat(Redaction.none().redact("Bearer abc")).isEqualTo("Bearer abc");
    assertThat(Redaction.none().isSecretName("OPENAI_API_KEY")).isFalse();
  }
}
