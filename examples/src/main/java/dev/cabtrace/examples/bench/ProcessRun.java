package dev.cabtrace.examples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One command run as its own process, as a user runs it: wall time and peak resident memory. The
 * peak comes from GNU time ({@code /usr/bin/time}, Debian package {@code time}) when it is there,
 * else from sampling the process's {@code VmHWM}, its own high-water mark.
 *
 * @param wallNanos from start to exit
 * @param peakRssBytes the most memory the process held at once
 */
record ProcessRun(long wallNanos, long peakRssBytes) {

  private static final Path GNU_TIME = Path.of("/usr/bin/time");
  private static final String MARK = "cab-bench-rss-kib ";

  /** A Java command line on this JVM: {@code java -cp CLASSPATH MAIN ARGS...}. */
  static List<String> java(String classpath, String main, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(classpath);
    command.add(main);
    command.addAll(List.of(args));
    return command;
  }

  /** Runs {@code command}, its output discarded; fails unless it exits 0. */
  static ProcessRun of(List<String> command) throws IOException, InterruptedException {
    boolean gnuTime = Files.isExecutable(GNU_TIME);
    List<String> line = new ArrayList<>();
    if (gnuTime) {
      line.addAll(List.of(GNU_TIME.toString(), "-f", MARK + "%M"));
    }
    line.addAll(command);
    Path err = Files.createTempFile("cab-bench-", ".err");
    try {
      long start = System.nanoTime();
      Process process = new ProcessBuilder(line)
          .redirectError(err.toFile())
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      long[] peak = {0};
      Thread sampler = null;
      if (!gnuTime) {
        sampler = new Thread(() -> sample(process, peak));
        sampler.setDaemon(true);
        sampler.start();
      }
      int exit = process.waitFor();
      long wall = System.nanoTime() - start;
      if (sampler != null) {
        sampler.join();
      }
      String stderr = Files.readString(err);
      if (exit != 0) {
        throw new IllegalStateException(String.join(" ", command) + " exited " + exit + ": " + stderr);
      }
      long rss = peak[0];
      if (gnuTime) {
        int at = stderr.lastIndexOf(MARK);
        rss = Long.parseLong(stderr.substring(at + MARK.length()).trim()) * 1024;
      }
      return new ProcessRun(wall, rss);
    } finally {
      Files.deleteIfExists(err);
    }
  }

  private static void sample(Process process, long[] peak) {
    Path status = Path.of("/proc", Long.toString(process.pid()), "status");
    while (process.isAlive()) {
      try {
        for (String row : Files.readAllLines(status)) {
          if (row.startsWith("VmHWM:")) {
            peak[0] = Math.max(peak[0], Long.parseLong(row.replaceAll("[^0-9]", "")) * 1024);
          }
        }
      } catch (IOException | RuntimeException gone) {
        return;
      }
      try {
        process.waitFor(20, java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
