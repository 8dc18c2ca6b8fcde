package dev.cabtrace.sdk.redact;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

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
        "two secrets side by side | token=abc123 secret=def456 | token=[REDACTED] secret=[REDACTED]",
        "url key and signatures | curl 'https://x/v1?key=qsecret4&sig=qsecret5&X-Amz-Signature=ab12&page=2'"
            + " | curl 'https://x/v1?key=[REDACTED]&sig=[REDACTED]&X-Amz-Signature=[REDACTED]&page=2'",
        "key or sig outside a query stays | sort key=name, sig=3 | sort key=name, sig=3",
      })
  void masksCredentialsInText(String name, String input, String expected) {
    assertThat(redaction.redact(input)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "OPENAI_API_KEY", "env.OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_KEY", "api_key",
        "x-api-key", "apiKey", "APIKey", "apikey", "secret_key", "private_key", "access_key",
        "aws_secret_access_key", "client_secret", "SECRET", "GITHUB_TOKEN", "HF_TOKEN", "auth_token",
        "access_token", "x-auth-token", "--token", "--openai-api-key", "password", "DB_PASSWORD",
        "passwd", "credentials", "authorization", "http.request.header.authorization",
        "Proxy-Authorization", "Set-Cookie", "SECRET_KEY_BASE", "PGPASSWORD", "MYSQL_PWD", "DB_PASS",
        "db_pass", "pwd", "openai_key", "azure_openai_key", "OpenAIKey", "ANTHROPIC_KEY",
      })
  void secretNames(String name) {
    assertThat(redaction.isSecretName(name)).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "KEYBOARD", "num_keys", "key_count", "key", "keys", "max_tokens", "max_token",
        "TOKENIZERS_PARALLELISM", "gen_ai.usage.input_tokens", "gen_ai.usage.cache_read.input_tokens",
        "token_count", "tokens_per_correct_task", "tokens", "eos_token", "pad_token_id",
        "secret_santa.py", "token_counter.rs", "keys.json", "tokens.txt", "test_api_key_rotation.py",
        "AWS_ACCESS_KEY_ID", "public_key", "PWD", "SSH_AUTH_SOCK", "password_file", "api_key_path",
        "cab.request_hash", "cab.output.data", "container.command_args", "primary_key",
        "pass", "first_pass", "PASSWORD_LENGTH", "OLDPWD", "sort_key",
      })
  void notSecretNames(String name) {
    assertThat(redaction.isSecretName(name)).isFalse();
  }

  @Test
  void aBearerTokenAfterATabAFlagAsAnAssignmentsValueAndASlackRefreshToken() {
    Redaction redaction = Redaction.defaults();

    assertThat(redaction.redact("token is Bearer\tabcdef1234567890XYZ")).isEqualTo("token is Bearer\t[REDACTED]");
    assertThat(redaction.redact("ARGS=--api-key abcdef123456 --model gpt-5"))
        .isEqualTo("ARGS=--api-key [REDACTED] --model gpt-5");
    assertThat(redaction.redact("SLACK_REFRESH xoxe-1-abcdefghijklmnopqrstuvwxyz0123 ok"))
        .isEqualTo("SLACK_REFRESH [REDACTED] ok");
    // Still prose and numbers: a bearer of eight letters, an assignment of a negative number.
    assertThat(redaction.redact("the Bearer\tdocument")).isEqualTo("the Bearer\tdocument");
    assertThat(redaction.redact("offset=-5 x=--verbose")).isEqualTo("offset=-5 x=--verbose");
  }

  @Test
  void namesOnOneLongRunEachEndWhereTheRunEnds() {
    // Every name's value runs to the end of the run; each is judged, the references kept, the
    // secrets masked, the last one too (a scan that remembers where the run ends must not skip it).
    String run = "/password=$a".repeat(5_000) + "/password=hunter22/api_key=${KEY}/token=abc123secret";
    String out = Redaction.defaults().redact(run + " token=secondsecret done");

    assertThat(out).isEqualTo("/password=$a".repeat(5_000) + "/password=[REDACTED]}/token=[REDACTED] token=[REDACTED] done");
    String lines = "Cookie: $A\n".repeat(3) + "x=1 Cookie: abc123def\nnext";
    assertThat(Redaction.defaults().redact(lines)).isEqualTo("Cookie: $A\n".repeat(3) + "x=1 Cookie: [REDACTED]\nnext");
  }

  @Test
  void masksWholeValuesOfSecretLookingVariablesButKeepsTheirNames() {
    Attributes attributes =
        Attributes.builder()
            .put("env.OPENAI_API_KEY", "abc123")
            .put("GITHUB_TOKEN", "plain")
            .put("gen_ai.usage.input_tokens", 5210L)
            .put("cab.request_hash", "ab12")
            .put("gen_ai.request.max_tokens", "4096")
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
    assertThat(redacted.get(AttributeKey.stringKey("gen_ai.request.max_tokens"))).isEqualTo("4096");
    assertThat(redacted.get(AttributeKey.stringArrayKey("env_keys")))
        .containsExactly("OPENAI_API_KEY", "HOME");
    assertThat(redacted.get(AttributeKey.stringArrayKey("container.command_args")))
        .containsExactly("aider", "--openai-api-key", Redaction.MASK);
  }

  @Test
  void aStringSeenCleanStaysCleanAndASecretIsMaskedEveryTimeItComes() {
    Redaction redaction = Redaction.defaults();
    String clean = "codingagentbench/openhands:1.7.0";
    String secret = "key=sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z";
    for (int i = 0; i < 3; i++) {
      assertThat(redaction.redact(clean)).isSameAs(clean);
      assertThat(redaction.redact(secret)).isEqualTo("key=" + Redaction.MASK);
      // The same text in another instance is judged by its text, not by the instance.
      assertThat(redaction.redact(new String(secret))).isEqualTo("key=" + Redaction.MASK);
    }
    String longSecret = "x".repeat(600) + " token=ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";
    for (int i = 0; i < 2; i++) {
      assertThat(redaction.redact(longSecret)).doesNotContain("ghp_a1B2");
    }
  }

  @Test
  void piecesAreReadJoinedAndEachAloneTheMaskWhereTheSecretStarts() {
    Redaction redaction = Redaction.defaults();
    List<String> clean = List.of("Set OPENAI_AP", "I_KEY to your", " key");

    assertThat(redaction.redactPieces(List.of("Set OPENAI_AP", "I_KEY=sk-proj-Zq8v", "LmN3pR7tXw2Yabcd", " then run")))
        .containsExactly("Set OPENAI_AP", "I_KEY=[REDACTED]", "", " then run");
    // Joined, "xpassword" is no secret name; alone, the second piece says what follows is a password.
    assertThat(redaction.redactPieces(List.of("x", "password: hunter2"))).containsExactly("x", "password: [REDACTED]");
    assertThat(redaction.redactPieces(clean)).isSameAs(clean);
  }

  @Test
  void masksTheArgumentAfterASecretFlag() {
    AttributeKey<List<String>> args = AttributeKey.stringArrayKey("container.command_args");
    Attributes attributes =
        Attributes.builder()
            .put(args, List.of("aider", "--openai-api-key", "plainkey123", "--model", "x"))
            .put(AttributeKey.stringArrayKey("other.args"), List.of("--api-key=abc123def", "--token", "t0k3n"))
            .put(AttributeKey.stringArrayKey("flags"), List.of("--api-key", "--model", "gpt", "--max-tokens", "4096"))
            .build();

    Attributes redacted = redaction.redact(attributes);

    assertThat(redacted.get(args))
        .containsExactly("aider", "--openai-api-key", Redaction.MASK, "--model", "x");
    assertThat(redacted.get(AttributeKey.stringArrayKey("other.args")))
        .containsExactly("--api-key=" + Redaction.MASK, "--token", Redaction.MASK);
    assertThat(redacted.get(AttributeKey.stringArrayKey("flags")))
        .as("a flag after a secret flag is no value")
        .containsExactly("--api-key", "--model", "gpt", "--max-tokens", "4096");
  }

  @Test
  void masksEveryElementOfAnArrayWithASecretName() {
    AttributeKey<List<String>> header = AttributeKey.stringArrayKey("http.request.header.authorization");
    Attributes redacted = redaction.redact(Attributes.of(header, List.of("Basic abc", "Bearer def")));
    assertThat(redacted.get(header)).containsExactly(Redaction.MASK, Redaction.MASK);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "assigned | PRIVATE_KEY=",
        "exported, quoted | export SSH_KEY=\"",
        "yaml | private_key: ",
        "json, escaped newlines | {\"private_key\": \"",
      })
  void masksAPrivateKeyAssignedToASecretNameWhole(String name, String prefix) {
    String newline = prefix.startsWith("{") ? "\\n" : "\n";
    String block =
        String.join(
            newline,
            "-----BEGIN RSA PRIVATE KEY-----",
            "MIIEpAIBAAKCAQEA0FAKEfakeFAKEfake",
            "Zm9vYmFyYmF6cXV4FAKEfakeFAKEfake",
            "-----END RSA PRIVATE KEY-----");
    String suffix = prefix.endsWith("\"") ? "\"" + newline + "next" : newline + "next";

    assertThat(redaction.redact(prefix + block + suffix)).isEqualTo(prefix + Redaction.MASK + suffix);
    assertThat(redaction.redact(prefix + block.substring(0, 70)))
        .as("cut before its END line")
        .isEqualTo(prefix + Redaction.MASK);
  }

  @Test
  void masksSecretsInJsonInsideAJsonString() {
    // A tool call's arguments are JSON carried as a string in JSON: its quotes are escaped.
    assertThat(redaction.redact("{\"arguments\":\"{\\\"password\\\": \\\"hunter2-very-secret\\\"}\"}"))
        .isEqualTo("{\"arguments\":\"{\\\"password\\\": \\\"[REDACTED]\\\"}\"}");
    assertThat(redaction.redact("{\\\"api_key\\\":\\\"abc def\\\",\\\"model\\\":\\\"gpt\\\"}"))
        .isEqualTo("{\\\"api_key\\\":\\\"[REDACTED]\\\",\\\"model\\\":\\\"gpt\\\"}");
    assertThat(redaction.redact("{\\\"max_tokens\\\": \\\"4096\\\"}"))
        .isEqualTo("{\\\"max_tokens\\\": \\\"4096\\\"}");
  }

  @Test
  void masksCredentialsRightAfterATerminalColor() {
    String github = "ghp_0123456789abcdefghijABCDEFGHIJ";
    String openai = "sk-proj-Abcdefghijklmnop1234";
    assertThat(redaction.redact("\u001b[32m" + github + "\u001b[0m"))
        .isEqualTo("\u001b[32m[REDACTED]\u001b[0m");
    assertThat(redaction.redact("key \u001b[1m" + openai + "\u001b[22m ok"))
        .isEqualTo("key \u001b[1m[REDACTED]\u001b[22m ok");
    assertThat(redaction.redact("\u001b[1;31mskip\u001b[0m ghost")).isEqualTo("\u001b[1;31mskip\u001b[0m ghost");
  }

  @Test
  void redactsEveryStringInsideStructuredValues() {
    AttributeKey<Value<?>> request = AttributeKey.valueKey("http.request.body");
    AttributeKey<Value<?>> args = AttributeKey.valueKey("process.args");
    AttributeKey<Value<?>> blob = AttributeKey.valueKey("payload");
    Value<?> body =
        Value.of(
            KeyValue.of("url", Value.of("https://user:hunter2pass@example.com/x")),
            KeyValue.of("api_key", Value.of("plainkey123")),
            KeyValue.of("headers", Value.of(KeyValue.of("Authorization", Value.of(List.of(Value.of("Basic abc"), Value.of(7L)))))),
            KeyValue.of("max_tokens", Value.of(4096L)),
            KeyValue.of("model", Value.of("gpt")));
    Value<?> raw = Value.of("GITHUB_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ".getBytes(StandardCharsets.US_ASCII));
    Attributes attributes =
        Attributes.builder()
            .put(request, body)
            .put(args, Value.of(Value.of("aider"), Value.of(3L), Value.of("--openai-api-key"), Value.of("plainkey123")))
            .put(AttributeKey.valueKey("env.OPENAI_API_KEY"), Value.of(Value.of("abc"), Value.of(KeyValue.of("k", Value.of("v")))))
            .put(AttributeKey.valueKey("client_secret"), raw)
            .put(blob, raw)
            .build();

    Attributes redacted = redaction.redact(attributes);

    assertThat(redacted.get(request))
        .isEqualTo(
            Value.of(
                KeyValue.of("url", Value.of("https://user:[REDACTED]@example.com/x")),
                KeyValue.of("api_key", Value.of(Redaction.MASK)),
                KeyValue.of("headers", Value.of(KeyValue.of("Authorization", Value.of(List.of(Value.of(Redaction.MASK), Value.of(7L)))))),
                KeyValue.of("max_tokens", Value.of(4096L)),
                KeyValue.of("model", Value.of("gpt"))));
    assertThat(redacted.get(args))
        .isEqualTo(Value.of(Value.of("aider"), Value.of(3L), Value.of("--openai-api-key"), Value.of(Redaction.MASK)));
    assertThat(redacted.get(AttributeKey.valueKey("env.OPENAI_API_KEY")))
        .isEqualTo(Value.of(Value.of(Redaction.MASK), Value.of(KeyValue.of("k", Value.of(Redaction.MASK)))));
    assertThat(redacted.get(AttributeKey.valueKey("client_secret")).getValue())
        .isEqualTo(ByteBuffer.wrap(Redaction.MASK.getBytes(StandardCharsets.US_ASCII)));
    assertThat(redacted.get(blob).getValue()).as("bytes are read as text a char a byte, the secret masked in place")
        .isEqualTo(ByteBuffer.wrap("GITHUB_TOKEN=[REDACTED]".getBytes(StandardCharsets.US_ASCII)));

    Attributes clean = Attributes.of(args, Value.of(Value.of("ls"), Value.of(KeyValue.of("n", Value.of(1L)))));
    assertThat(redaction.redact(clean)).isSameAs(clean);
  }

  @Test
  void judgesEachKeyByItsOwnNameAcrossManySpans() {
    // More keys than the redaction keeps judged, secret and clean names interleaved, twice over:
    // a key must never be taken for another that was seen before it.
    List<AttributeKey<String>> keys = new java.util.ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      keys.add(AttributeKey.stringKey(i % 2 == 0 ? "env.VAR_" + i + "_TOKEN" : "env.VAR_" + i));
    }
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < keys.size(); i++) {
        Attributes redacted = redaction.redact(Attributes.of(keys.get(i), "plain"));
        assertThat(redacted.get(keys.get(i)))
            .as(keys.get(i).getKey())
            .isEqualTo(i % 2 == 0 ? Redaction.MASK : "plain");
      }
    }
  }

  @Test
  void leavesCleanAttributesAlone() {
    Attributes clean =
        Attributes.builder()
            .put("k", "v")
            .put("n", 1L)
            .put("cab.span.kind", "container")
            .put("container.image.name", "codingagentbench/openhands:1.7.0")
            .put(AttributeKey.stringArrayKey("container.command_args"), List.of("python", "-t", "fix it"))
            .build();
    assertThat(redaction.redact(clean)).isSameAs(clean);
  }

  @Test
  void userPatternsAndTurningItOff() {
    Redaction custom = Redaction.builder().addPattern("cab_[0-9a-f]{8}").build();
    assertThat(custom.redact("id cab_deadbeef here")).isEqualTo("id [REDACTED] here");
    assertThat(custom.redact("Bearer abc123def456")).isEqualTo("Bearer [REDACTED]");
    assertThat(custom.redact("OPENAI_API_KEY=cab_deadbeef")).isEqualTo("OPENAI_API_KEY=[REDACTED]");
    assertThat(Redaction.none().redact("Bearer abc123def456")).isEqualTo("Bearer abc123def456");
    assertThat(Redaction.none().isSecretName("OPENAI_API_KEY")).isFalse();
  }

  @Test
  void eachUserPatternKeepsItsOwnGroupsAndMatchesWhereAnotherDid() {
    // Joined into one regex, the second pattern's \1 would name the first one's group, and two
    // groups named id would not compile; and a match of one would hide an overlapping match of the other.
    Redaction custom = Redaction.builder()
        .addPattern("(?<id>q)(x)\\2")
        .addPattern("(?<id>z)\\1")
        .addPattern("KEY\\d{4}")
        .addPattern("\\d{4}SECRET")
        .build();

    assertThat(custom.redact("a zz b qxx c")).isEqualTo("a [REDACTED] b [REDACTED] c");
    assertThat(custom.redact("see KEY1234SECRET now")).isEqualTo("see [REDACTED] now");
  }
}
