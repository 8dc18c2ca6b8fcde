package dev.cabtrace.sdk.proxy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * A cassette file: JSON Lines, one stored exchange per line, appended whole and forced to disk as
 * each exchange ends, so a process killed mid-write costs at most the last line. Loaded whole when
 * the proxy starts (a cut-short last line or a malformed line is skipped with a warning), and
 * answered from by request key in file order: the n-th identical request gets the n-th recorded
 * answer. The file is created readable by its owner only.
 *
 * <p>Lines are rendered and written by one daemon thread of the cassette's own, started with the
 * first line: an exchange's connection is free for the client's next request as soon as the answer
 * is out, and an fsync never adds to the latency a client sees (nor to the pace a recording notes).
 * The file is a {@link RandomAccessFile}, not an interruptible channel, so that closing the proxy
 * cannot close it under a write.
 */
final class Cassette implements AutoCloseable {

  private static final Logger logger = Logger.getLogger(Cassette.class.getName());
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final Set<PosixFilePermission> OWNER_READ_WRITE =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  private static final long CLOSE_WAIT_MILLIS = 2_000;

  /** A request, which time it is that this identical request is made (from 0), and its answer or null. */
  record Lookup(CassetteRequest request, int occurrence, int recordedCount, CassetteRecord answer) {}

  final Path file;
  final CassetteMode mode;
  final CassetteTiming timing;
  private final List<CassetteJsonPath> ignores;
  private final Map<String, List<CassetteRecord>> recorded;
  private final Map<String, AtomicInteger> occurrences = new ConcurrentHashMap<>();
  private final AtomicLong replayed = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final AtomicLong stored = new AtomicLong();
  private final Object writeLock = new Object();
  private RandomAccessFile channel; // guarded by writeLock; null when nothing is written or once closed
  private boolean startAnew; // guarded by writeLock: what the file holds goes when the first line is written
  private int inFlight; // guarded by writeLock: exchanges looked up and not yet finished
  private final ThreadPoolExecutor writer; // null when nothing is written

  private Cassette(Path file, CassetteMode mode, CassetteTiming timing, List<CassetteJsonPath> ignores,
      Map<String, List<CassetteRecord>> recorded, RandomAccessFile channel) {
    this.file = file;
    this.mode = mode;
    this.timing = timing;
    this.ignores = ignores;
    this.recorded = recorded;
    this.channel = channel;
    this.startAnew = mode == CassetteMode.RECORD;
    this.writer = channel == null ? null
        : new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
          Thread thread = new Thread(runnable, "cab-trace-cassette-writer");
          thread.setDaemon(true);
          return thread;
        });
  }

  /**
   * Opens {@code file} for {@code mode}: loads it to replay from, creates it or keeps it to record
   * into. A missing file to replay from is an error; so is a file that cannot be written. In
   * {@link CassetteMode#RECORD} the file is started anew only when the first exchange is stored: a
   * run whose command never started, or never called the model, leaves the old cassette whole.
   * (Not a temporary file renamed over it at the end: a killed run still leaves the lines stored.)
   */
  static Cassette open(Path file, CassetteMode mode, CassetteTiming timing, List<CassetteJsonPath> ignores)
      throws IOException {
    Map<String, List<CassetteRecord>> recorded = new HashMap<>();
    RandomAccessFile channel = null;
    switch (mode) {
      case REPLAY:
        if (!Files.isRegularFile(file)) {
          throw new NoSuchFileException(file.toString(), null, "no cassette to replay");
        }
        load(file, recorded);
        break;
      case RECORD_MISSING:
        long keep = Files.exists(file) ? load(file, recorded) : 0;
        channel = openOwnerOnly(file);
        if (keep < channel.length()) {
          channel.setLength(keep); // a torn last line: appending to it would spoil the next line
        }
        if (channel.length() > 0) {
          channel.seek(channel.length() - 1);
          if (channel.read() != '\n') {
            channel.write('\n');
          }
        }
        channel.seek(channel.length());
        break;
      case RECORD:
        channel = openOwnerOnly(file);
        break;
      default:
        throw new IllegalArgumentException(String.valueOf(mode));
    }
    Map<String, List<CassetteRecord>> frozen = new HashMap<>();
    recorded.forEach((key, answers) -> frozen.put(key, List.copyOf(answers)));
    return new Cassette(file, mode, timing, List.copyOf(ignores), frozen, channel);
  }

  /**
   * Reads every whole exchange of {@code file} into {@code recorded}; returns how many of its bytes
   * to keep before appending (all but a torn last line).
   */
  private static long load(Path file, Map<String, List<CassetteRecord>> recorded) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    int lineNumber = 0;
    int start = 0;
    long keep = bytes.length;
    while (start < bytes.length) {
      lineNumber++;
      int end = start;
      while (end < bytes.length && bytes[end] != '\n') {
        end++;
      }
      boolean whole = end < bytes.length;
      byte[] line = java.util.Arrays.copyOfRange(bytes, start, end);
      if (!isBlank(line)) {
        try {
          CassetteRecord record = CassetteLineReader.read(line);
          recorded.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record);
        } catch (IllegalArgumentException e) {
          if (!whole) {
            keep = start;
            logger.warning("cab-trace: cassette " + file + " line " + lineNumber
                + " is cut short (a process writing it was probably killed); it is ignored, the lines before it are used");
          } else {
            logger.warning("cab-trace: cassette " + file + " line " + lineNumber
                + " is not a stored exchange (" + e.getMessage() + "); it is skipped");
          }
        }
      }
      start = end + 1;
    }
    return keep;
  }

  private static boolean isBlank(byte[] line) {
    for (byte b : line) {
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  private static RandomAccessFile openOwnerOnly(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    if (POSIX) {
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE));
      } catch (FileAlreadyExistsException e) {
        // A file that was there already is narrowed too: it is about to hold the run's conversation.
        try {
          Files.setPosixFilePermissions(file, OWNER_READ_WRITE);
        } catch (IOException | SecurityException notOurs) {
          logger.fine("cab-trace: could not make " + file + " owner-only: " + notOurs);
        }
      }
    }
    return new RandomAccessFile(file.toFile(), "rw");
  }

  /**
   * What the cassette knows of {@code incoming}; counts it as one more occurrence of its request
   * when the cassette holds answers to that request.
   */
  Lookup lookup(IncomingRequest incoming) {
    CassetteRequest request = CassetteRequest.of(incoming, ignores);
    synchronized (writeLock) {
      inFlight++;
    }
    if (mode == CassetteMode.RECORD) {
      return new Lookup(request, 0, 0, null);
    }
    String key = request.key();
    List<CassetteRecord> answers = recorded.getOrDefault(key, List.of());
    if (answers.isEmpty() && request.legacyKey() != null) {
      // A cassette recorded when every parameter named like *token* was masked: answered as then.
      List<CassetteRecord> legacy = recorded.getOrDefault(request.legacyKey(), List.of());
      if (!legacy.isEmpty()) {
        key = request.legacyKey();
        answers = legacy;
      }
    }
    // A request the cassette does not hold needs no count (nothing answers it the n-th time
    // either, and what is recorded now is not answered from until the next run): counting each
    // would keep every distinct request the program sends.
    int occurrence = answers.isEmpty() ? 0
        : occurrences.computeIfAbsent(key, k -> new AtomicInteger()).getAndIncrement();
    CassetteRecord answer = occurrence < answers.size() ? answers.get(occurrence) : null;
    if (answer != null) {
      replayed.incrementAndGet();
    } else if (mode == CassetteMode.REPLAY) {
      misses.incrementAndGet();
    }
    return new Lookup(request, occurrence, answers.size(), answer);
  }

  /** How many distinct requests are being counted; for the tests. */
  int countedRequests() {
    return occurrences.size();
  }

  /**
   * Called once per {@link #lookup} when its exchange is over, stored or not: {@link #close} waits
   * for the exchanges still finishing, so that an answer the client has whole is stored whole.
   */
  void finished() {
    synchronized (writeLock) {
      inFlight--;
      writeLock.notifyAll();
    }
  }

  /** Whether a request the cassette does not hold goes to the upstream (else it is a miss). */
  boolean forwardsMisses() {
    return mode != CassetteMode.REPLAY;
  }

  /**
   * Appends one finished exchange, whole, and forces it to disk, on the cassette's writer thread.
   * Never throws: a failure is logged and the exchange is not stored.
   */
  void store(CassetteRequest request, CassetteRecording recording) {
    if (recording.tooLarge()) {
      logger.warning("cab-trace: the answer to " + request.method + " " + request.target + " is over "
          + CassetteRecording.MAX_STORED_BYTES + " bytes; it is not stored in the cassette " + file);
      return;
    }
    try {
      writer.execute(() -> write(request, recording));
    } catch (RejectedExecutionException e) {
      logger.warning("cab-trace: the cassette " + file + " was closed; the exchange " + request.method + " "
          + request.target + " ended after it and is not stored");
    }
  }

  private void write(CassetteRequest request, CassetteRecording recording) {
    byte[] line;
    try {
      line = recording.toRecord(request).toLine(request, Instant.now());
    } catch (IOException | RuntimeException e) {
      logger.warning("cab-trace: could not write the exchange " + request.method + " " + request.target
          + " to the cassette " + file + ": " + e);
      return;
    }
    synchronized (writeLock) {
      if (channel == null) {
        logger.warning("cab-trace: the cassette " + file + " was closed; the exchange " + request.method + " "
            + request.target + " is not stored");
        return;
      }
      try {
        if (startAnew) {
          channel.setLength(0);
          channel.seek(0);
          startAnew = false;
        }
        channel.write(line);
        channel.getFD().sync();
        stored.incrementAndGet();
      } catch (IOException e) {
        logger.warning("cab-trace: could not append to the cassette " + file + ": " + e);
      }
    }
  }

  /** Requests answered from the cassette. */
  long replayed() {
    return replayed.get();
  }

  /** Requests in replay mode the cassette held no answer for. */
  long misses() {
    return misses.get();
  }

  /** Exchanges appended to the cassette. */
  long stored() {
    return stored.get();
  }

  /**
   * Closes the file once the exchanges in flight have finished (their spans ended) and their lines
   * are written, waiting at most {@code CLOSE_WAIT_MILLIS} in all; an exchange that ends later is
   * not stored. Idempotent.
   */
  @Override
  public void close() {
    long deadline = System.nanoTime() + CLOSE_WAIT_MILLIS * 1_000_000L;
    synchronized (writeLock) {
      long remaining;
      while (inFlight > 0 && (remaining = deadline - System.nanoTime()) > 0) {
        try {
          writeLock.wait(Math.max(1, remaining / 1_000_000L));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    if (writer != null) {
      writer.shutdown();
      try {
        if (!writer.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          logger.warning("cab-trace: " + writer.getQueue().size() + " exchange(s) were still being written to the "
              + "cassette " + file + " when it closed; they are not stored");
          writer.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (writeLock) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException e) {
          logger.warning("cab-trace: could not close the cassette " + file + ": " + e);
        }
        channel = null;
      }
    }
  }
}
