package dev.cabtrace.replay.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cabtrace.replay.cli.CabTraceCli;
import dev.cabtrace.replay.read.TraceReader;
import dev.cabtrace.replay.timeline.LoadWarning;
import dev.cabtrace.replay.timeline.OutputChunk;
import dev.cabtrace.replay.timeline.SpanStatus;
import dev.cabtrace.replay.timeline.Timeline;
import dev.cabtrace.replay.timeline.TimelineSpan;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code cab-trace record} through the CLI, around real commands. */
@Timeout(120)
class RecordCommandTest {

  @TempDir Path dir;

  private record Run(int exit, String err, Timeline timeline) {}

  private Run record(String name, String... args) throws Exception {
    Path capture = dir.resolve(name + ".jsonl");
    String[] full = new String[args.length + 3];
    full[0] = "record";
    full[1] = "--out";
    full[2] = capture.toString();
    System.arraycopy(args, 0, full, 3, args.length);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = CabTraceCli.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), full);
    Timeline timeline = Files.isRegularFile(capture) ? TraceReader.create().read(capture) : null;
    return new Run(exit, err.toString(StandardCharsets.UTF_8), timeline);
  }

  private static String output(Timeline timeline, String stream) {
    return timeline.output().stream().filter(c -> c.stream().equals(stream)).map(OutputChunk::text)
        .collect(Collectors.joining());
  }

  private static TimelineSpan container(Timeline timeline) {
    return timeline.spans().stream().filter(s -> s.kindName().equals("container")).findFirst().orElseThrow();
  }

  @Test
  void onAPseudoTerminalTheCommandSeesATerminalOfTheRequestedSize() throws Exception {
    Run run = record("pty", "--pty", "--cols", "100", "--rows", "30", "--no-otlp", "--",
        "sh", "-c", "stty size; test -t 1 && echo tty; test -t 0 || true");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(output(run.timeline(), "pty")).contains("30 100").contains("tty");
    assertThat(container(run.timeline()).attribute("cab.terminal.columns")).isEqualTo(100L);
    assertThat(container(run.timeline()).attribute("cab.terminal.rows")).isEqualTo(30L);

    Run defaults = record("pty-default", "--pty", "--no-otlp", "--", "sh", "-c", "stty size");
    assertThat(output(defaults.timeline(), "pty")).contains("40 120");
  }

  @Test
  void theExitStatusIsTheCommandsOwnOrSaysWhatWentWrong() throws Exception {
    Run failed = record("exit3", "--no-otlp", "--", "sh", "-c", "echo out; echo err >&2; exit 3");
    assertThat(failed.exit()).isEqualTo(3);
    assertThat(output(failed.timeline(), "stdout")).isEqualTo("out\n");
    assertThat(output(failed.timeline(), "stderr")).isEqualTo("err\n");
    assertThat(container(failed.timeline()).attribute("process.exit.code")).isEqualTo(3L);

    Run killed = record("timeout", "--no-otlp", "--timeout", "1", "--", "sh", "-c", "sleep 60 & sleep 60");
    assertThat(killed.exit()).isEqualTo(RecordResult.TIMED_OUT);
    assertThat(container(killed.timeline()).attribute("cab.timed_out")).isEqualTo(true);

    // Told to stop first (SIGTERM), a command can still say goodbye (or export its last spans).
    Run stopped = record("stopped", "--no-otlp", "--timeout", "1", "--", "sh", "-c",
        "trap 'echo told to stop; exit 7' TERM; echo running; sleep 60 & wait");
    assertThat(stopped.exit()).isEqualTo(RecordResult.TIMED_OUT);
    assertThat(output(stopped.timeline(), "stdout")).isEqualTo("running\ntold to stop\n");
    // One that ignores SIGTERM is killed after the grace.
    Run stubborn = record("stubborn", "--no-otlp", "--timeout", "1", "--", "sh", "-c",
        "trap '' TERM; echo running; sleep 60 & sleep 60 & wait");
    assertThat(stubborn.exit()).isEqualTo(RecordResult.TIMED_OUT);
    assertThat(container(stubborn.timeline()).attribute("cab.timed_out")).isEqualTo(true);

    Run missing = record("missing", "--no-otlp", "--", "/nonexistent/agent-binary");
    assertThat(missing.exit()).isEqualTo(RecordResult.NOT_STARTED);
    assertThat(missing.err()).contains("could not run /nonexistent/agent-binary");

    // As a shell says it: found, but not a program it can run (126), against not found (127).
    Path notExecutable = Files.writeString(dir.resolve("agent.sh"), "echo ran\n");
    Run refused = record("not-executable", "--no-otlp", "--", notExecutable.toString());
    assertThat(refused.exit()).isEqualTo(RecordResult.NOT_EXECUTABLE).isEqualTo(126);
    assertThat(refused.err()).contains("could not run " + notExecutable).contains("Permission denied");
    Run directory = record("directory", "--no-otlp", "--", dir.toString());
    assertThat(directory.exit()).isEqualTo(RecordResult.NOT_EXECUTABLE);
    Run notOnPath = record("not-on-path", "--no-otlp", "--", "cab-trace-no-such-agent");
    assertThat(notOnPath.exit()).isEqualTo(RecordResult.NOT_STARTED).isEqualTo(127);

    Files.createDirectory(dir.resolve("taken.jsonl"));
    Run unwritable = record("taken", "--no-otlp", "--", "true");
    assertThat(unwritable.exit()).as("refused before it runs").isEqualTo(2);
    assertThat(unwritable.err()).contains("is a directory");
  }

  /** On a pseudo-terminal, {@code script(1)} stands between record and the command: it must change nothing. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pipes", "pty"})
  void theCommandsOwnExitCodeIsRecordedOnPipesAndOnAPseudoTerminalAlikeAtTheTimeoutToo(String terminal)
      throws Exception {
    String[] on = terminal.equals("pty") ? new String[] {"--pty", "--no-otlp"} : new String[] {"--no-otlp"};

    Run failed = record("exit3", concat(on, new String[] {"--", "sh", "-c", "exit 3"}));
    assertThat(failed.exit()).isEqualTo(3);
    assertThat(container(failed.timeline()).attribute("process.exit.code")).isEqualTo(3L);

    // Killed by the timeout's SIGTERM, as a shell reports it: 143.
    Run killed = record("timeout", concat(on, new String[] {"--timeout", "1", "--", "sh", "-c",
        "sleep 60 & sleep 60"}));
    assertThat(killed.exit()).isEqualTo(RecordResult.TIMED_OUT);
    assertThat(killed.err()).startsWith("cab-trace record: exit code 143 (killed at the timeout);");
    assertKilledAtTheTimeout(container(killed.timeline()), 143, 1);
    assertThat(killed.timeline().spans()).filteredOn(span -> span.kindName().equals("adapter_run")).singleElement()
        .satisfies(run -> assertThat(run.attribute("process.exit.code")).isEqualTo(143L));

    // Told to stop, it ends with its own code and its own output. Its trap must be set before the
    // timeout, under script too, on a loaded machine: 3 s, not 1.
    Run stopped = record("stopped", concat(on, new String[] {"--timeout", "3", "--", "sh", "-c",
        "trap 'echo told to stop; exit 7' TERM; echo running; sleep 60 & wait"}));
    assertThat(stopped.exit()).isEqualTo(RecordResult.TIMED_OUT);
    assertKilledAtTheTimeout(container(stopped.timeline()), 7, 3);
    String output = terminal.equals("pty")
        ? output(stopped.timeline(), "pty").replace("\r\n", "\n") : output(stopped.timeline(), "stdout");
    assertThat(output).isEqualTo("running\ntold to stop\n");
  }

  private static void assertKilledAtTheTimeout(TimelineSpan container, long exitCode, int timeoutSeconds) {
    assertThat(container.attribute("process.exit.code")).isEqualTo(exitCode);
    assertThat(container.attribute("cab.timed_out")).isEqualTo(true);
    assertThat(container.status()).isEqualTo(SpanStatus.ERROR);
    assertThat(container.statusMessage()).isEqualTo("killed after " + timeoutSeconds + " s timeout");
  }

  @Test
  void whatTheCommandLeavesRunningIsStoppedWhenItExitsAndItsOutputKept() throws Exception {
    // The background process holds the command's stdout, ignores SIGHUP (which a pseudo-terminal's
    // end would send it) and outlives its parent, re-parented to init: no longer a descendant.
    String leaveOneRunning = "mkfifo ready; sh -c 'trap \"\" HUP; echo $$ > ready; exec sleep 600' &"
        + " read pid < ready; echo \"left $pid running\"";
    Run pipes = record("leftover", "--no-otlp", "--", "sh", "-c", leaveOneRunning);
    Run pty = record("leftover-pty", "--pty", "--no-otlp", "--", "sh", "-c", leaveOneRunning);

    assertNoneRunning(leftPid(output(pipes.timeline(), "stdout")), leftPid(output(pty.timeline(), "pty")));
    assertThat(pipes.exit()).as(pipes.err()).isZero();
    assertThat(output(pipes.timeline(), "stdout")).matches("left \\d+ running\n");
    assertThat(pty.exit()).as(pty.err()).isZero();
  }

  @Test
  void theTimeoutAlsoKillsWhatTheCommandDetachedFromItsTree() throws Exception {
    Run run = record("detached", "--no-otlp", "--timeout", "1", "--", "sh", "-c",
        "mkfifo ready; (sh -c 'echo $$ > ready; exec sleep 100' &); read pid < ready; echo \"left $pid running\";"
            + " sleep 100");

    assertThat(run.exit()).as(run.err()).isEqualTo(RecordResult.TIMED_OUT);
    assertNoneRunning(leftPid(output(run.timeline(), "stdout")));
  }

  private static long leftPid(String output) {
    java.util.regex.Matcher left = java.util.regex.Pattern.compile("left (\\d+) running").matcher(output);
    assertThat(left.find()).as(output).isTrue();
    return Long.parseLong(left.group(1));
  }

  /** None running: each gone, or a zombie that nothing reaps (init in some containers does not). */
  private static void assertNoneRunning(long... pids) throws IOException {
    Map<Long, String> states = new TreeMap<>();
    for (long pid : pids) {
      java.util.Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
      states.put(pid, process.isPresent() ? processState(pid) : "gone");
      process.ifPresent(ProcessHandle::destroyForcibly);
    }
    assertThat(states).allSatisfy((pid, state) -> assertThat(state).as("process %d", pid).isIn("gone", "Z", "X"));
  }

  private static String processState(long pid) throws IOException {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    } catch (java.nio.file.NoSuchFileException e) {
      return "gone";
    }
  }

  @Test
  void theCommandIsHandedTheReceiverAndTheContainerSpanAsItsParent() throws Exception {
    Run run = record("env", "--",
        "sh", "-c", "echo \"$TRACEPARENT|$OTEL_EXPORTER_OTLP_ENDPOINT|$OTEL_EXPORTER_OTLP_PROTOCOL|$OTEL_TRACES_EXPORTER\"");

    TimelineSpan container = container(run.timeline());
    String[] handed = output(run.timeline(), "stdout").trim().split("\\|");
    assertThat(handed[0]).isEqualTo("00-" + container.traceId() + "-" + container.spanId() + "-01");
    assertThat(handed[1]).matches("http://127\\.0\\.0\\.1:\\d+");
    assertThat(handed[2]).isEqualTo("http/protobuf");
    assertThat(handed[3]).isEqualTo("otlp");

    Run docker = record("advertise", "--listen", "0.0.0.0", "--advertise", "host.docker.internal", "--",
        "sh", "-c", "echo \"$OTEL_EXPORTER_OTLP_ENDPOINT\"");
    assertThat(output(docker.timeline(), "stdout")).matches("http://host\\.docker\\.internal:\\d+\\n");
  }

  @Test
  void underAHarnessWithItsOwnTraceContextTheCommandStillGetsTheContainers() throws Exception {
    Path capture = dir.resolve("nested.jsonl");
    ProcessBuilder builder = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), CabTraceCli.class.getName(),
        "record", "--out", capture.toString(), "--no-otlp", "--", "sh", "-c", "echo \"$TRACEPARENT|$TRACESTATE\"")
        .redirectErrorStream(true).redirectOutput(dir.resolve("nested.log").toFile());
    builder.environment().put("TRACEPARENT", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    builder.environment().put("TRACESTATE", "harness=1");
    Process record = builder.start();
    assertThat(record.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(record.exitValue()).as(Files.readString(dir.resolve("nested.log"))).isZero();

    Timeline timeline = TraceReader.create().read(capture);
    TimelineSpan container = container(timeline);
    assertThat(output(timeline, "stdout").trim())
        .isEqualTo("00-" + container.traceId() + "-" + container.spanId() + "-01|");
  }

  @Test
  void aSpanWithABadIdIsLeftOutAloneAndCountedOnTheContainer() throws Exception {
    String spans = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":["
        + "{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\",\"startTimeUnixNano\":\"1700000000000000000\",\"endTimeUnixNano\":\"1700000001000000000\",\"name\":\"kept\"},"
        + "{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"00000000\",\"name\":\"bad-id\"}]}]}]}";
    Run run = record("rejected", "--", "sh", "-c", "curl -s -H 'Content-Type: application/json' --data '" + spans
        + "' \"$OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces\"");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(output(run.timeline(), "stdout")).isEqualTo("{\"partialSuccess\":{\"rejectedSpans\":\"1\","
        + "\"errorMessage\":\"1 of 2 spans rejected: span 2 \\\"bad-id\\\": spanId is not 16 hex digits\"}}");
    assertThat(run.timeline().spanNamed("kept")).isNotNull();
    assertThat(run.timeline().spans()).noneMatch(span -> span.name().equals("bad-id"));
    assertThat(container(run.timeline()).attribute("cab.otlp.rejected_spans")).isEqualTo(1L);
    assertThat(container(run.timeline()).attribute("cab.otlp.received_spans")).isEqualTo(1L);
    assertThat(run.err()).as("nothing refused").doesNotContain("refused");
  }

  @Test
  void anExportStillArrivingWhenTheGraceEndsIsCutOffCountedAndWarnedAbout() throws Exception {
    String span = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":["
        + "{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\",\"startTimeUnixNano\":\"1700000000000000000\",\"endTimeUnixNano\":\"1700000001000000000\",\"name\":\"taken\"}]}]}]}";
    // One export taken, then one whose body stops after 2 of its 100 bytes, once the receiver has
    // begun to read it (its 100 Continue); a background cat holds that connection past the
    // command's exit, until the receiver closes it. It stands for a sender record cannot stop (an
    // agent in a container, on another machine): without the mark record finds its processes by,
    // and re-parented when bash exits, it is not one of the command's.
    Run run = record("cut-off", "--otlp-grace", "300ms", "--", "bash", "-c",
        "curl -s -H 'Content-Type: application/json' --data '" + span + "' \"$OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces\""
            + " >/dev/null\n"
            + "address=${OTEL_EXPORTER_OTLP_ENDPOINT#http://}\n"
            + "exec 3<>\"/dev/tcp/${address%:*}/${address##*:}\"\n"
            + "printf 'POST /v1/traces HTTP/1.1\\r\\nHost: x\\r\\nContent-Type: application/x-protobuf\\r\\n"
            + "Content-Length: 100\\r\\nExpect: 100-continue\\r\\n\\r\\n' >&3\n"
            + "read -r continue <&3\n"
            + "printf ab >&3\n"
            + "env -u " + CommandProcesses.MARK_VARIABLE + " cat <&3 >/dev/null 2>&1 &\n"
            // Until env has become cat: before, its environment still holds the mark, and record,
            // finding it there once bash exits, would stop it and close the connection itself.
            + "while tr '\\0' '\\n' < /proc/$!/environ 2>/dev/null | grep -q '^" + CommandProcesses.MARK_VARIABLE
            + "='; do :; done\n");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.timeline().spanNamed("taken")).isNotNull();
    TimelineSpan container = container(run.timeline());
    assertThat(container.attribute("cab.otlp.cut_off_requests")).isEqualTo(1L);
    assertThat(container.attribute("cab.otlp.malformed_requests")).isNull();
    assertThat(container.attribute("cab.otlp.received_spans")).isEqualTo(1L);
    assertThat(run.err()).contains("warning: the OTLP receiver cut off 1 export request(s) still arriving when"
        + " --otlp-grace ended");
  }

  @Test
  void anIpv6ListenAddressIsHandedOverInBracketsAndAnswers() throws Exception {
    assumeTrue(ipv6Loopback(), "no IPv6 loopback on this machine");
    Run run = record("ipv6", "--listen", "::1", "--", "sh", "-c",
        "echo \"$OTEL_EXPORTER_OTLP_ENDPOINT\"; curl -sf -H 'Content-Type: application/json' --data '{}'"
            + " \"$OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces\" && echo reached");

    assertThat(output(run.timeline(), "stdout")).matches("http://\\[::1\\]:\\d+\\n\\{}reached\\n");
  }

  private static boolean ipv6Loopback() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("::1"))) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void aCellRecordedWithACassetteReRunsAgainstTheSameAnswersWithoutTheUpstream() throws Exception {
    String answer = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"model\":\"m-2025\",\"choices\":[{\"index\":0,"
        + "\"message\":{\"role\":\"assistant\",\"content\":\"fixed\"},\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3}}";
    com.sun.net.httpserver.HttpServer upstream =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 8);
    upstream.createContext("/v1/chat/completions", exchange -> {
      exchange.getRequestBody().readAllBytes();
      byte[] body = answer.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    upstream.start();
    Path cassette = dir.resolve("cell.cassette.jsonl");
    String[] agent = {"--", "sh", "-c", "curl -s -H 'Content-Type: application/json' -H 'Authorization: Bearer sk-proj-CASSETTEKEY0123456789abcd'"
        + " --data '{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}' \"$OPENAI_BASE_URL/chat/completions\""};
    Run recorded;
    try {
      recorded = record("recorded", concat(new String[] {"--no-otlp", "--model-upstream", "http://127.0.0.1:" + upstream.getAddress().getPort(),
          "--cassette", cassette.toString()}, agent));
    } finally {
      upstream.stop(0);
    }
    Run replayed = record("replayed", concat(new String[] {"--no-otlp", "--cassette", cassette.toString(), "--cassette-timing", "fast"}, agent));

    assertThat(recorded.exit()).as(recorded.err()).isZero();
    assertThat(replayed.exit()).as(replayed.err()).isZero();
    assertThat(output(replayed.timeline(), "stdout")).isEqualTo(answer).isEqualTo(output(recorded.timeline(), "stdout"));
    assertThat(Files.readString(cassette)).doesNotContain("CASSETTEKEY");
    TimelineSpan call = replayed.timeline().spans().stream().filter(s -> s.kindName().equals("model_call")).findFirst().orElseThrow();
    assertThat(call.attribute("gen_ai.usage.input_tokens")).isEqualTo(12L);
    assertThat(call.attribute("cab.model_call.replayed")).isEqualTo(true);
  }

  @Test
  void aCassetteFileThatCannotBeUsedIsAUsageErrorBeforeAnythingRuns() throws Exception {
    Path missing = dir.resolve("missing.cassette.jsonl");
    Run replay = record("no-cassette", "--no-otlp", "--cassette", missing.toString(), "--", "true");
    assertThat(replay.exit()).isEqualTo(2);
    assertThat(replay.err()).contains("--cassette " + missing + ": no such file to replay").doesNotContain("unexpected");
    assertThat(replay.timeline()).as("nothing was captured").isNull();

    Path directory = Files.createDirectory(dir.resolve("cassettes"));
    for (String[] mode : new String[][] {{}, {"--cassette-mode", "record", "--model-upstream", "http://127.0.0.1:9"}}) {
      Run run = record("dir-cassette", concat(concat(new String[] {"--no-otlp", "--cassette", directory.toString()}, mode),
          new String[] {"--", "true"}));
      assertThat(run.exit()).isEqualTo(2);
      assertThat(run.err()).contains("--cassette " + directory + " is a directory").doesNotContain("unexpected");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"notaurl", "ftp://x", "localhost:8080", "http:///v1", "/v1/chat"})
  void aModelUpstreamThatIsNotAnHttpUrlIsAUsageErrorBeforeAnythingRuns(String upstream) throws Exception {
    Path ran = dir.resolve("ran");
    Run run = record("bad-upstream", "--no-otlp", "--model-upstream", upstream, "--", "touch", ran.toString());

    assertThat(run.exit()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("cab-trace: --model-upstream " + upstream + ": not an http(s) URL with a host"
        + " (e.g. https://api.openai.com)\n");
    assertThat(ran).as("the command did not run").doesNotExist();
    assertThat(dir.resolve("bad-upstream.jsonl")).as("no cell was captured").doesNotExist();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      http://127.0.0.1:9/openai?api-version=2024-06-01 | http://127.0.0.1:9/openai?api-version=2024-06-01: a base URL takes no query or fragment
      http://127.0.0.1:9/v1#top                        | http://127.0.0.1:9/v1#top: a base URL takes no query or fragment
      http://admin:hunter2pass@127.0.0.1:9/            | http://***@127.0.0.1:9/: a base URL takes no user:password
      """)
  void aModelUpstreamARequestPathCannotFollowIsAUsageErrorBeforeAnythingRuns(String upstream, String said)
      throws Exception {
    Path ran = dir.resolve("ran");
    Run run = record("base-upstream", "--no-otlp", "--model-upstream", upstream, "--", "touch", ran.toString());

    assertThat(run.exit()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).startsWith("cab-trace: --model-upstream " + said).doesNotContain("hunter2pass")
        .hasLineCount(1);
    assertThat(ran).as("the command did not run").doesNotExist();
    assertThat(dir.resolve("base-upstream.jsonl")).as("no cell was captured").doesNotExist();
  }

  @Test
  void outputPastTheRecordersCapIsSaidWhenTheCaptureIsRead() throws Exception {
    // 5 MiB, past the 4 MiB a span keeps.
    Run run = record("past-cap", "--no-otlp", "--", "sh", "-c", "head -c 5242880 /dev/zero | tr '\\0' a");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.err()).contains("cab-trace record: warning: 1,048,576 bytes of the command's terminal output, past"
        + " the recorder's cap (4 MiB or 99,000 chunks a span), are not in the capture");
    assertThat(run.timeline().warnings()).extracting(LoadWarning::message).singleElement().asString()
        .contains("recorded its terminal output only up to the recorder's cap: 1,048,576 bytes after it were dropped");
  }

  @Test
  void anOutThatIsAPipeOrADeviceIsAUsageErrorBeforeAnythingRuns() throws Exception {
    Path ran = dir.resolve("ran");
    Path fifo = dir.resolve("fifo.jsonl");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    for (String out : List.of(fifo.toString(), "/dev/null")) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int exit = CabTraceCli.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8), "record", "--out", out, "--no-otlp", "--", "touch",
          ran.toString());

      assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(2);
      assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("cab-trace: --out " + out + " is not a regular file"
          + " (a pipe or a device), as a capture file must be: write it to a file and read that\n");
      assertThat(ran).as("the command did not run").doesNotExist();
    }
    assertThat(Path.of("/dev/null.journal")).as("no journal beside a device").doesNotExist();
  }

  @Test
  void aCassetteToWriteUnderAFileIsAUsageErrorBeforeAnythingRuns() throws Exception {
    Path ran = dir.resolve("ran");
    Path file = Files.writeString(dir.resolve("afile"), "x");
    Path dangling = Files.createSymbolicLink(dir.resolve("dangling.cassette"), file.resolve("sub/new.cassette"));
    for (String mode : new String[] {"record", "record-missing"}) {
      for (Path cassette : List.of(file.resolve("new.cassette"), file.resolve("sub/new.cassette"), dangling)) {
        Run run = record("under-a-file", "--no-otlp", "--model-upstream", "http://127.0.0.1:9", "--cassette-mode", mode,
            "--cassette", cassette.toString(), "--", "touch", ran.toString());
        assertThat(run.exit()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("cab-trace: --cassette " + cassette + " cannot be written: " + file
            + " is not a directory\n");
        assertThat(ran).as("the command did not run").doesNotExist();
        assertThat(dir.resolve("under-a-file.jsonl")).as("no cell was captured").doesNotExist();
      }
    }
  }

  @Test
  void anIgnorePathThatIsNotSupportedIsAUsageErrorBeforeAnythingRuns() throws Exception {
    Path cassette = Files.writeString(dir.resolve("stored.cassette.jsonl"), "");
    Path ran = dir.resolve("ran");
    for (String[] mode : new String[][] {{}, {"--cassette-mode", "record", "--model-upstream", "http://127.0.0.1:9"}}) {
      for (String path : new String[] {"metadata.request_id", "$..id"}) {
        Run run = record("bad-ignore", concat(concat(new String[] {"--no-otlp", "--cassette", cassette.toString(),
            "--cassette-ignore", "$.metadata.user", "--cassette-ignore", path}, mode), new String[] {"--", "touch", ran.toString()}));
        assertThat(run.exit()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains("cassette ignore path \"" + path + "\" is not supported")
            .doesNotContain("unexpected").doesNotContain("Exception");
        assertThat(dir.resolve("bad-ignore.jsonl")).as("no cell was captured").doesNotExist();
        assertThat(ran).as("the command did not run").doesNotExist();
      }
    }
  }

  @Test
  void aCaptureFileThatCannotBeWrittenIsAUsageErrorBeforeTheCommandRuns() throws Exception {
    Path ran = dir.resolve("ran");
    Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
    Path dangling = Files.createSymbolicLink(dir.resolve("dangling.jsonl"), notADirectory.resolve("cell.jsonl"));
    for (Path out : List.of(dir, notADirectory.resolve("cell.jsonl"), notADirectory.resolve("sub/cell.jsonl"), dangling)) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int exit = CabTraceCli.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8),
          "record", "--out", out.toString(), "--no-otlp", "--", "touch", ran.toString());
      assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(2);
      assertThat(err.toString(StandardCharsets.UTF_8)).contains("--out " + out).doesNotContain("unexpected")
          .doesNotContain("Exception");
      assertThat(ran).as("the command did not run").doesNotExist();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"999.1.1.1", "nosuchhost.invalid", "192.0.2.1"})
  void aListenAddressNothingCanListenOnIsAUsageErrorBeforeTheCommandRuns(String address) throws Exception {
    Path ran = dir.resolve("ran");
    Run run = record("bad-listen", "--listen", address, "--", "touch", ran.toString());

    assertThat(run.exit()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).startsWith("cab-trace: --listen " + address + ": cannot listen there: ")
        .doesNotContain("unexpected").hasLineCount(1);
    assertThat(ran).as("the command did not run").doesNotExist();
    assertThat(dir.resolve("bad-listen.jsonl")).as("no cell was captured").doesNotExist();
  }

  @Test
  void withWorkdirTheCommandRunsInThatDirectoryWhichIsKept() throws Exception {
    Path checkout = Files.createDirectory(dir.resolve("checkout"));
    Path agent = Files.writeString(checkout.resolve("agent.sh"), "pwd > where.txt\n");
    Run run = record("workdir", "--no-otlp", "--workdir", checkout.toString(), "--", "sh", "./agent.sh");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(Files.readString(checkout.resolve("where.txt")).trim()).isEqualTo(checkout.toRealPath().toString());
    assertThat(agent).as("cleanup leaves the directory as it is").exists();
    TimelineSpan setup = run.timeline().spans().stream().filter(s -> s.kindName().equals("task_setup")).findFirst()
        .orElseThrow();
    assertThat(setup.attribute("workdir")).isEqualTo(checkout.toAbsolutePath().toString());

    Run missing = record("no-workdir", "--no-otlp", "--workdir", dir.resolve("none").toString(), "--", "true");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("--workdir " + dir.resolve("none") + " is not a directory");
  }

  @Test
  void recordingIntoACaptureThatHoldsOneWarnsThatTheRunJoinsIt() throws Exception {
    Run first = record("twice", "--no-otlp", "--", "true");
    assertThat(first.err()).doesNotContain("warning");
    Run second = record("twice", "--no-otlp", "--", "true");
    assertThat(second.exit()).as(second.err()).isZero();
    assertThat(second.err()).contains("warning: " + dir.resolve("twice.jsonl") + " already holds a capture")
        .contains("appended");
    assertThat(second.timeline().spans().stream().filter(s -> s.kindName().equals("adapter_run"))).hasSize(2);
  }

  private static String[] concat(String[] first, String[] second) {
    String[] all = java.util.Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, all, first.length, second.length);
    return all;
  }
}
