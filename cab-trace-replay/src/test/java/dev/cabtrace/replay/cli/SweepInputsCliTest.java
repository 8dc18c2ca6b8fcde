package dev.cabtrace.replay.cli;

import static dev.cabtrace.replay.cli.CliRun.fixture;
import static dev.cabtrace.replay.cli.CliRun.run;
import static dev.cabtrace.replay.ledger.OtlpLines.bool;
import static dev.cabtrace.replay.ledger.OtlpLines.integer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cabtrace.replay.cli.CliRun.Result;
import dev.cabtrace.replay.ledger.OtlpLines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What sweep takes as its cells, through the CLI's entry point: files, directories and stdin, each
 * file once, crash journals with their captures, links, pipes, names that are not UTF-8, and a sweep
 * that finds nothing.
 */
@Timeout(120)
class SweepInputsCliTest {

  private static final long T0 = 1_781_680_663_106_812_000L;

  @TempDir Path dir;

  private Path copy(String name) throws IOException {
    return Files.write(dir.resolve(name), fixture(name));
  }

  @Test
  void aSweepThatFindsNoCellSaysSoAndFails() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("no-cells-here"));
    Files.writeString(empty.resolve("notes.txt"), "not a capture");
    Result json = run("sweep", empty.toString(), "--json");
    assertThat(json.exit()).isEqualTo(1);
    assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out()).get("warnings").get(0).asText())
        .isEqualTo("no cell found in " + empty);
    Result csv = run("sweep", empty.toString(), "--csv");
    assertThat(csv.exit()).isEqualTo(1);
    assertThat(csv.err()).contains("no cell found in " + empty);
    Result text = run("sweep", empty.toString());
    assertThat(text.exit()).isEqualTo(1);
    assertThat(text.out() + text.err()).contains("no cell found in " + empty);
  }

  @Test
  void aDashIsOneCellReadFromStdinBesideThePaths() throws IOException {
    Path root = Files.createDirectories(dir.resolve("with-stdin"));
    Files.writeString(root.resolve("file.jsonl"), OtlpLines.cell(String.format("%032x", 1), "aider", "gpt-5")
        .span(1, 0, "run", "adapter_run", T0, T0 + 1_000_000_000L).text());
    String piped = OtlpLines.cell(String.format("%032x", 2), "piped", "qwen")
        .span(1, 0, "run", "adapter_run", T0, T0 + 2_000_000_000L).text();
    java.io.InputStream saved = System.in;
    try {
      System.setIn(new java.io.ByteArrayInputStream(piped.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      Result both = run("sweep", root.toString(), "-", "--json");
      assertThat(both.exit()).as(both.err()).isZero();
      List<String> tuis = new ArrayList<>();
      new ObjectMapper().readTree(both.out()).get("groups").forEach(group -> tuis.add(group.get("tui").asText()));
      assertThat(tuis).containsExactlyInAnyOrder("aider", "piped");
      assertThat(run("sweep", "-", "-").exit()).isEqualTo(2);
    } finally {
      System.setIn(saved);
    }
  }

  @Test
  void sweepTakesFilesAndDirectoriesAndNamesWhatItCannotRead() throws IOException {
    Path seed = copy("seed-cell.otlp.jsonl");
    Result result = run("sweep", seed.toString(), seed.toString(), dir.resolve("missing").toString(), "--json");

    assertThat(result.exit()).isZero();
    JsonNode ledger = new ObjectMapper().readTree(result.out());
    assertThat(ledger.get("cells").asLong()).isEqualTo(1);
    assertThat(ledger.at("/groups/0/tui").asText()).isEqualTo("openhands");
    assertThat(ledger.at("/groups/0/wall_clock_ms_median").asDouble()).isEqualTo(85456.275);
    assertThat(ledger.at("/groups/0/total_tokens").isNull()).isTrue();
    assertThat(ledger.at("/groups/0/tokens_per_correct_task").isNull()).isTrue();
    assertThat(ledger.at("/groups/0/cells_without_tokens").asLong()).isEqualTo(1);
    assertThat(ledger.at("/warnings/0").asText()).isEqualTo("cannot read " + dir.resolve("missing") + ": no such file or directory");

    Result nothing = run("sweep", dir.resolve("missing").toString());
    assertThat(nothing.exit()).isEqualTo(1);
    assertThat(run("sweep").exit()).isEqualTo(2);
    assertThat(run("sweep", seed.toString(), "--json", "--csv").exit()).isEqualTo(2);
    assertThat(run("sweep", "--sweep", "s1").exit()).isEqualTo(2);
  }

  @Test
  void sweepCountsAFileOnceHoweverItsPathsSpellIt() throws IOException {
    Path runs = Files.createDirectories(dir.resolve("runs"));
    Files.copy(copy("seed-cell.otlp.jsonl"), runs.resolve("a.jsonl"));
    Path relative = Path.of("").toAbsolutePath().relativize(runs);

    Result result = run("sweep", runs.toString(), relative.resolve("a.jsonl").toString(),
        runs.resolve("../runs/./a.jsonl").toString(), relative.resolve(".").toString(), "--json");

    assertThat(result.exit()).as(result.err()).isZero();
    JsonNode ledger = new ObjectMapper().readTree(result.out());
    assertThat(ledger.get("cells").asLong()).as(result.out()).isEqualTo(1);
    // The overlap is plain on the command line: nothing to warn of.
    assertThat(ledger.get("warnings")).isEmpty();
  }

  /** Two cells of one group: a.jsonl passes with 1,000 tokens, b.jsonl fails with 100. */
  private Path twoCells(Path runs) throws IOException {
    Files.createDirectories(runs);
    Files.writeString(runs.resolve("a.jsonl"), OtlpLines.cell(String.format("%032x", 1), "aider", "gpt-5")
        .span(1, 0, "agent", "adapter_run", T0, T0 + 5_000_000, bool("cab.pass", true))
        .span(2, 1, "chat", "model_call", T0 + 1_000_000, T0 + 2_000_000,
            integer("gen_ai.usage.input_tokens", 700), integer("gen_ai.usage.output_tokens", 300))
        .text());
    Files.writeString(runs.resolve("b.jsonl"), OtlpLines.cell(String.format("%032x", 2), "aider", "gpt-5")
        .span(1, 0, "agent", "adapter_run", T0, T0 + 7_000_000, bool("cab.pass", false))
        .span(2, 1, "chat", "model_call", T0 + 1_000_000, T0 + 2_000_000,
            integer("gen_ai.usage.input_tokens", 70), integer("gen_ai.usage.output_tokens", 30))
        .text());
    return runs;
  }

  private static JsonNode sweepJson(Path... paths) throws IOException {
    List<String> args = new ArrayList<>(List.of("sweep"));
    for (Path path : paths) {
      args.add(path.toString());
    }
    args.add("--json");
    Result result = run(args.toArray(new String[0]));
    assertThat(result.exit()).as(result.err()).isZero();
    return new ObjectMapper().readTree(result.out());
  }

  private static List<String> warnings(JsonNode ledger) {
    List<String> warnings = new ArrayList<>();
    ledger.get("warnings").forEach(w -> warnings.add(w.asText()));
    return warnings;
  }

  @Test
  void sweepCountsAFileReachedThroughALinkOnceAndNamesTheOtherPath() throws IOException {
    Path runs = twoCells(dir.resolve("runs"));
    JsonNode once = sweepJson(runs);
    assertThat(once.get("cells").asLong()).isEqualTo(2);
    assertThat(once.at("/groups/0/total_tokens").asLong()).isEqualTo(1_100);
    assertThat(once.at("/groups/0/pass_rate").asDouble()).isEqualTo(0.5);

    // A directory and a link to it: the directory is walked once, and the link named once.
    Path runsLink = Files.createSymbolicLink(dir.resolve("runs-link"), runs);
    JsonNode dirTwice = sweepJson(runs, runsLink);
    assertThat(dirTwice.get("groups")).as(dirTwice.toString()).isEqualTo(once.get("groups"));
    assertThat(dirTwice.get("cells").asLong()).isEqualTo(2);
    assertThat(warnings(dirTwice)).containsExactly(
        runsLink + " is the same directory as " + runs + "; its captures are counted once");

    // A link to a capture file also given, and a hard link to one: the file given first counts,
    // and of a link and its file's own name, the name.
    Path aLink = Files.createSymbolicLink(dir.resolve("a-link.jsonl"), runs.resolve("a.jsonl"));
    Path aHard = Files.createLink(dir.resolve("a-hard.jsonl"), runs.resolve("a.jsonl"));
    JsonNode fileTwice = sweepJson(runs.resolve("a.jsonl"), aLink, runs.resolve("b.jsonl"), aHard);
    assertThat(fileTwice.get("groups")).as(fileTwice.toString()).isEqualTo(once.get("groups"));
    assertThat(warnings(fileTwice)).containsExactly(
        aLink + " is the same file as " + runs.resolve("a.jsonl") + "; counted once",
        aHard + " is the same file as " + runs.resolve("a.jsonl") + "; counted once");
    // A link given first, and the file through a link to its directory: the file's own name counts.
    JsonNode inDirectory = sweepJson(aLink, runsLink);
    assertThat(inDirectory.get("groups")).as(inDirectory.toString()).isEqualTo(once.get("groups"));
    assertThat(warnings(inDirectory)).containsExactly(
        aLink + " is the same file as " + runsLink.resolve("a.jsonl") + "; counted once");

    // A link beside its file in one directory: the file counts under its own name, though the link
    // sorts first.
    Path linked = twoCells(dir.resolve("linked"));
    Files.createSymbolicLink(linked.resolve("a-latest.jsonl"), Path.of("b.jsonl"));
    JsonNode besideIt = sweepJson(linked);
    assertThat(besideIt.get("groups")).as(besideIt.toString()).isEqualTo(once.get("groups"));
    assertThat(warnings(besideIt)).containsExactly(
        linked.resolve("a-latest.jsonl") + " is the same file as " + linked.resolve("b.jsonl") + "; counted once");

    // Warnings go where the other warnings of sweep go: stderr beside --csv.
    Result csv = run("sweep", runs.toString(), runsLink.toString(), "--csv");
    assertThat(csv.err()).isEqualTo("cab-trace: warning: " + runsLink + " is the same directory as " + runs
        + "; its captures are counted once" + System.lineSeparator());
  }

  @Test
  void sweepCountsTwoFilesAsTwoCellsThoughTheirBytesOrTheirSpellingsMatch() throws IOException {
    Path runs = twoCells(dir.resolve("runs"));
    JsonNode once = sweepJson(runs);

    // Two copies: two files, two cells each.
    Path copies = twoCells(dir.resolve("copies"));
    JsonNode both = sweepJson(runs, copies);
    assertThat(both.get("cells").asLong()).isEqualTo(4);
    assertThat(both.at("/groups/0/total_tokens").asLong()).isEqualTo(2_200);
    assertThat(warnings(both)).isEmpty();

    // pair/hop/../a.jsonl is elsewhere/a.jsonl, as the system resolves it, though it reads as pair/a.jsonl.
    Path pair = Files.createDirectories(dir.resolve("pair"));
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere/inner")).getParent();
    Files.copy(runs.resolve("a.jsonl"), pair.resolve("a.jsonl"));
    Files.copy(runs.resolve("b.jsonl"), elsewhere.resolve("a.jsonl"));
    Files.createSymbolicLink(pair.resolve("hop"), elsewhere.resolve("inner"));
    JsonNode throughHop = sweepJson(pair.resolve("a.jsonl"), Path.of(pair + "/hop/../a.jsonl"));
    assertThat(throughHop.get("groups")).as(throughHop.toString()).isEqualTo(once.get("groups"));
    assertThat(warnings(throughHop)).isEmpty();
  }

  @Test
  void sweepWalksADirectoryNamedLikeACaptureReadsALinkToOneAndSkipsAPipe() throws IOException, InterruptedException {
    Path seed = copy("seed-cell.otlp.jsonl");
    Path sweep = Files.createDirectories(dir.resolve("sweep"));
    Path odd = Files.createDirectories(sweep.resolve("odd.jsonl"));
    Files.copy(seed, odd.resolve("cell.jsonl"));
    Files.createSymbolicLink(sweep.resolve("linked.jsonl"), seed);
    // A pipe named like a capture is not opened: opening it would wait for a writer forever.
    Process mkfifo = new ProcessBuilder("mkfifo", sweep.resolve("pipe.jsonl").toString()).start();
    assertThat(mkfifo.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) && mkfifo.exitValue() == 0).isTrue();

    Result result = run("sweep", sweep.toString(), odd.toString(), "--json");

    assertThat(result.exit()).isZero();
    JsonNode ledger = new ObjectMapper().readTree(result.out());
    assertThat(ledger.get("cells").asLong()).as(result.out()).isEqualTo(2);
    assertThat(ledger.get("warnings")).isEmpty();
  }

  /** A crash journal: its header with the heartbeat {@code heartbeat}, then {@code spans}. */
  private static String journal(long heartbeat, OtlpLines spans) {
    return "{\"cabJournal\":{\"version\":1,\"heartbeatUnixNano\":\"" + heartbeat + "\",\"pid\":1}}\n" + spans.text();
  }

  /** The directory of {@code sweep jr} in the review: crashed.jsonl and its journal, done.jsonl, only.jsonl.journal. */
  private Path crashJournals() throws IOException {
    Path jr = Files.createDirectories(dir.resolve("jr"));
    String trace = "0af7651916cd43dd8448eb211c80319c";
    Files.writeString(jr.resolve("crashed.jsonl"), OtlpLines.cell(trace, "aider", "m")
        .span(1, 0, "prepare", "task_setup", T0, T0 + 1_000_000)
        .span(3, 2, "chat m", "model_call", T0 + 3_000_000, T0 + 4_000_000,
            integer("gen_ai.usage.input_tokens", 700), integer("gen_ai.usage.output_tokens", 300))
        .text());
    Files.writeString(jr.resolve("crashed.jsonl.journal"), journal(T0 + 9_000_000, OtlpLines.cell(trace, "aider", "m")
        .span(2, 0, "agent", "adapter_run", T0 + 2_000_000, 0)));
    Files.writeString(jr.resolve("done.jsonl"), OtlpLines.cell("1af7651916cd43dd8448eb211c80319c", "aider", "m")
        .span(1, 0, "agent", "adapter_run", T0, T0 + 5_000_000, bool("cab.pass", true))
        .span(2, 1, "chat m", "model_call", T0 + 1_000_000, T0 + 2_000_000,
            integer("gen_ai.usage.input_tokens", 70), integer("gen_ai.usage.output_tokens", 30))
        .text());
    Files.writeString(jr.resolve("only.jsonl.journal"), journal(T0 + 9_000_000,
        OtlpLines.cell("2af7651916cd43dd8448eb211c80319c", "aider", "m").span(1, 0, "agent", "adapter_run", T0, 0)));
    return jr;
  }

  @Test
  void aCrashJournalNamedAsAPathIsReadWithItsCaptureNotCountedAsACell() throws IOException {
    Path jr = crashJournals();
    List<String> everyEntry = new ArrayList<>(List.of("sweep"));
    try (var entries = Files.list(jr)) {
      entries.map(Path::toString).sorted().forEach(everyEntry::add); // what the shell's jr/* names
    }
    everyEntry.add("--json");

    JsonNode walked = new ObjectMapper().readTree(run("sweep", jr.toString(), "--json").out());
    Result named = run(everyEntry.toArray(new String[0]));

    assertThat(named.exit()).as(named.err()).isZero();
    JsonNode ledger = new ObjectMapper().readTree(named.out());
    assertThat(walked.get("cells").asLong()).isEqualTo(2);
    assertThat(ledger.get("cells").asLong()).as(named.out()).isEqualTo(2);
    assertThat(ledger.get("groups")).isEqualTo(walked.get("groups"));
    assertThat(ledger.at("/groups/0/passes").asLong()).isEqualTo(1);
    assertThat(ledger.at("/groups/0/total_tokens").asLong()).isEqualTo(1_100);
    // The journal nothing reads is named, found in the directory or named as a PATH.
    String orphan = "crash journal " + jr.resolve("only.jsonl.journal") + " has no capture file " + jr.resolve("only.jsonl")
        + " to read it with; its spans are not counted";
    for (JsonNode sweep : List.of(walked, ledger)) {
      List<String> warnings = new ArrayList<>();
      sweep.get("warnings").forEach(w -> warnings.add(w.asText()));
      assertThat(warnings).as(sweep.toString()).contains(orphan);
      assertThat(warnings).filteredOn(w -> w.contains("crash journal " + jr.resolve("crashed.jsonl.journal"))).isEmpty();
    }

    // A journal alone stands for its capture; one renamed is known by its header.
    JsonNode alone = new ObjectMapper().readTree(run("sweep", jr.resolve("crashed.jsonl.journal").toString(), "--json").out());
    JsonNode capture = new ObjectMapper().readTree(run("sweep", jr.resolve("crashed.jsonl").toString(), "--json").out());
    assertThat(alone.get("cells").asLong()).isEqualTo(1);
    assertThat(alone.get("groups")).isEqualTo(capture.get("groups"));
    Path renamed = Files.copy(jr.resolve("only.jsonl.journal"), dir.resolve("renamed.bak"));
    JsonNode odd = new ObjectMapper().readTree(run("sweep", renamed.toString(), jr.resolve("done.jsonl").toString(), "--json").out());
    assertThat(odd.get("cells").asLong()).isEqualTo(1);
    assertThat(odd.get("warnings")).hasSize(1);
    assertThat(odd.at("/warnings/0").asText()).isEqualTo("crash journal " + renamed + " has no capture file to read it with; its spans are not counted");
  }

  @Test
  void ofTwoPathsToOneCaptureTheOneWithItsCrashJournalBesideItIsReadOrTheJournalIsNamed() throws IOException {
    Path jr = crashJournals();
    JsonNode truth = new ObjectMapper().readTree(run("sweep", jr.toString(), "--json").out());
    // A hard link elsewhere, given first: the capture is read under its own name, with its journal.
    Path archive = Files.createDirectories(dir.resolve("archive"));
    Path hard = Files.createLink(archive.resolve("crashed.jsonl"), jr.resolve("crashed.jsonl"));
    JsonNode both = new ObjectMapper().readTree(run("sweep", archive.toString(), jr.toString(), "--json").out());
    assertThat(both.get("groups")).as(both.toString()).isEqualTo(truth.get("groups"));
    assertThat(warnings(both)).contains(hard + " is the same file as " + jr.resolve("crashed.jsonl") + "; counted once");

    // A link read first, in an earlier pass than the journal named after it: the journal is named as not read.
    Path link = Files.createSymbolicLink(dir.resolve("crashed-link.jsonl"), jr.resolve("crashed.jsonl"));
    JsonNode linkFirst = new ObjectMapper().readTree(
        run("sweep", link.toString(), jr.resolve("crashed.jsonl.journal").toString(), "--json").out());
    assertThat(linkFirst.get("cells").asLong()).isEqualTo(1);
    assertThat(warnings(linkFirst)).containsExactly(jr.resolve("crashed.jsonl") + " is the same file as " + link
        + "; counted once; the crash journal beside it, " + jr.resolve("crashed.jsonl.journal")
        + ", is not read: its spans are not counted");
  }

  @Test
  void aLinkNamedLikeACaptureThatLeadsNowhereIsNamed() throws IOException {
    Path sweep = Files.createDirectories(dir.resolve("links"));
    Files.copy(copy("seed-cell.otlp.jsonl"), sweep.resolve("cell.jsonl"));
    Files.createSymbolicLink(sweep.resolve("gone.jsonl"), dir.resolve("deleted.jsonl"));
    Files.createSymbolicLink(sweep.resolve("loop.jsonl"), sweep.resolve("loop.jsonl"));

    Result result = run("sweep", sweep.toString(), "--json");

    assertThat(result.exit()).as(result.err()).isZero();
    JsonNode ledger = new ObjectMapper().readTree(result.out());
    assertThat(ledger.get("cells").asLong()).isEqualTo(1);
    List<String> warnings = new ArrayList<>();
    ledger.get("warnings").forEach(w -> warnings.add(w.asText()));
    assertThat(warnings).containsExactly(
        "cannot read " + sweep.resolve("gone.jsonl") + ": a symbolic link to no file (dangling, or a loop); not counted",
        "cannot read " + sweep.resolve("loop.jsonl") + ": a symbolic link to no file (dangling, or a loop); not counted");
  }

  @Test
  void sweepReadsCapturesWhoseNamesAreNotAsciiOrNotEvenUtf8() throws IOException, InterruptedException {
    // Names are bytes on Linux; other systems (and an ASCII locale) cannot hold these names at all.
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux")
        && "UTF-8".equals(System.getProperty("sun.jnu.encoding")), "Linux with a UTF-8 locale");
    Path seed = copy("seed-cell.otlp.jsonl");
    Path sweep = Files.createDirectories(dir.resolve("names"));
    Files.copy(seed, sweep.resolve("plain.jsonl"));
    Files.copy(seed, sweep.resolve("c\u00e9lula.jsonl"));
    Path under = Files.createDirectories(sweep.resolve("\u00fcnter"));
    Files.copy(seed, under.resolve("cell.jsonl"));
    // A name whose bytes are not UTF-8: java.io would decode it to a name that is not the file's.
    Process copy = new ProcessBuilder("sh", "-c", "cp \"$1\" \"$2/$(printf '\\377\\376')-cell.jsonl\"", "sh",
        seed.toString(), sweep.toString()).start();
    assertThat(copy.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) && copy.exitValue() == 0).isTrue();

    Result result = run("sweep", sweep.toString(), "--json");

    assertThat(result.exit()).as(result.err()).isZero();
    JsonNode ledger = new ObjectMapper().readTree(result.out());
    assertThat(ledger.get("cells").asLong()).as(result.out()).isEqualTo(4);
    assertThat(ledger.get("warnings")).as(result.out()).isEmpty();
  }
}
