package dev.cabtrace.replay.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Chunks made on several threads are written as one thread writes them: in order, whole, and cut
 * where a chunk failed, after what it wrote before failing.
 */
class ParallelChunksTest {

  private static final int ITEMS = 10 * ParallelChunks.CHUNK + 123;

  /** Item i's bytes: its number and a run of letters whose length varies, none for every seventh. */
  private static void item(int i, OutputStream out) throws IOException {
    if (i % 7 == 0) {
      return;
    }
    out.write((i + ":" + "x".repeat(i % 50) + "\n").getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] serial(int count) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < count; i++) {
      item(i, out);
    }
    return out.toByteArray();
  }

  @Test
  void chunksAreWrittenInOrderOnSeveralThreads() throws IOException {
    Set<Thread> writers = ConcurrentHashMap.newKeySet();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ParallelChunks.of(3).write(ITEMS, (from, to, chunk) -> {
      writers.add(Thread.currentThread());
      for (int i = from; i < to; i++) {
        item(i, chunk);
      }
    }, out);

    assertThat(out.toByteArray()).isEqualTo(serial(ITEMS));
    assertThat(writers).doesNotContain(Thread.currentThread()).hasSizeBetween(1, 3);
  }

  @Test
  void aChunkThatCannotBeMadeOutOfTurnIsMadeAgainInTurnOnTheCallingThread() throws IOException {
    Thread caller = Thread.currentThread();
    Set<Integer> madeInTurn = ConcurrentHashMap.newKeySet();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ParallelChunks.of(3).write(ITEMS, (from, to, chunk, inOrder) -> {
      if (inOrder) {
        assertThat(Thread.currentThread()).isSameAs(caller);
        assertThat(out.size()).as("everything ahead written").isEqualTo(serial(from).length);
        madeInTurn.add(from);
      }
      for (int i = from; i < to; i++) {
        item(i, chunk);
      }
      return inOrder || (from / ParallelChunks.CHUNK) % 3 != 1; // every third chunk cannot out of turn
    }, out);

    assertThat(out.toByteArray()).isEqualTo(serial(ITEMS));
    assertThat(madeInTurn).containsExactlyInAnyOrder(
        1 * ParallelChunks.CHUNK, 4 * ParallelChunks.CHUNK, 7 * ParallelChunks.CHUNK, 10 * ParallelChunks.CHUNK);
  }

  @Test
  void fewItemsAreWrittenOnTheCallingThreadStraightToTheStream() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread caller = Thread.currentThread();
    int few = ParallelChunks.PARALLEL_FROM - 1;
    ParallelChunks.of(3).write(few, (from, to, chunk) -> {
      assertThat(Thread.currentThread()).isSameAs(caller);
      assertThat(chunk).isSameAs(out);
      assertThat(from).isZero();
      assertThat(to).isEqualTo(few);
      for (int i = from; i < to; i++) {
        item(i, chunk);
      }
    }, out);
    assertThat(out.toByteArray()).isEqualTo(serial(few));
  }

  @Test
  void aFailedChunkIsWrittenUpToItsFailureAndItsFailureThrownAsItWas() throws IOException {
    int failing = 5 * ParallelChunks.CHUNK + 17;
    IllegalStateException failure = new IllegalStateException("the trace changed");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThatThrownBy(() -> ParallelChunks.of(2).write(ITEMS, (from, to, chunk) -> {
      for (int i = from; i < to; i++) {
        if (i == failing) {
          throw failure;
        }
        item(i, chunk);
      }
    }, out)).isSameAs(failure);

    assertThat(out.toByteArray()).isEqualTo(serial(failing));
  }

  @Test
  void aChunkOverItsBudgetIsWrittenInTurnAsItIsMadeNotBuffered() throws IOException {
    int big = 6 * ParallelChunks.CHUNK + 5; // one item of this chunk is bigger than a chunk's budget
    byte[] huge = new byte[ParallelChunks.BUDGET + 1];
    Arrays.fill(huge, (byte) 'h');
    Thread caller = Thread.currentThread();
    Set<Integer> streamed = ConcurrentHashMap.newKeySet();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ParallelChunks.of(2).write(ITEMS, (from, to, chunk) -> {
      if (chunk == out) {
        assertThat(Thread.currentThread()).isSameAs(caller);
        streamed.add(from);
      }
      for (int i = from; i < to; i++) {
        item(i, chunk);
        if (i == big) {
          chunk.write(huge);
        }
      }
    }, out);

    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.write(serial(big + 1));
    expected.write(huge);
    expected.write(serial(ITEMS), serial(big + 1).length, serial(ITEMS).length - serial(big + 1).length);
    assertThat(out.toByteArray()).isEqualTo(expected.toByteArray());
    assertThat(streamed).containsExactly(6 * ParallelChunks.CHUNK);
  }

  @Test
  void aChunkOutOfMemoryOutOfTurnIsMadeAgainInTurn() throws IOException {
    Thread caller = Thread.currentThread();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ParallelChunks.of(2).write(ITEMS, (from, to, chunk) -> {
      if (from == 3 * ParallelChunks.CHUNK && Thread.currentThread() != caller) {
        item(from + 1, chunk);
        throw new OutOfMemoryError("Java heap space");
      }
      for (int i = from; i < to; i++) {
        item(i, chunk);
      }
    }, out);

    assertThat(out.toByteArray()).isEqualTo(serial(ITEMS));
  }

  @Test
  void anInterruptedCallerReturnsOnlyOnceNoChunkIsBeingMade() {
    Thread caller = Thread.currentThread();
    java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicBoolean testOver = new java.util.concurrent.atomic.AtomicBoolean();
    try {
      assertThatThrownBy(() -> ParallelChunks.of(2).write(ITEMS, (from, to, chunk) -> {
        if (from == 0 && Thread.currentThread() != caller) {
          waitUntil(caller, Thread.State.WAITING, testOver); // the caller waits for this chunk
          caller.interrupt();
          // Still being made while the caller gives up: the caller must wait for it all the same.
          waitUntil(caller, Thread.State.TIMED_WAITING, testOver);
          finished.set(true);
        }
        for (int i = from; i < to; i++) {
          item(i, chunk);
        }
      }, OutputStream.nullOutputStream())).isInstanceOf(java.io.InterruptedIOException.class);

      assertThat(Thread.interrupted()).as("the interrupt kept").isTrue();
      assertThat(finished).as("the chunk being made was finished before the caller returned").isTrue();
    } finally {
      testOver.set(true);
    }
  }

  private static void waitUntil(Thread thread, Thread.State state, java.util.concurrent.atomic.AtomicBoolean over) {
    while (thread.getState() != state && !over.get()) {
      Thread.onSpinWait();
    }
  }

  @Test
  void anIoFailureOfAChunkIsThrownAsItWas() {
    IOException failure = new IOException("no space left");
    assertThatThrownBy(() -> ParallelChunks.of(2).write(ITEMS, (from, to, chunk) -> {
      if (from > 0) {
        throw failure;
      }
    }, OutputStream.nullOutputStream())).isSameAs(failure);
  }

  @Test
  void mappedChunksComeInOrderAndCoverEveryItemOnce() throws IOException {
    List<int[]> ranges = ParallelChunks.of(3).map(ITEMS, (from, to) -> new int[] {from, to});

    assertThat(ranges).hasSize((ITEMS + ParallelChunks.CHUNK - 1) / ParallelChunks.CHUNK);
    int next = 0;
    for (int[] range : ranges) {
      assertThat(range[0]).isEqualTo(next);
      assertThat(range[1]).isGreaterThan(range[0]);
      next = range[1];
    }
    assertThat(next).isEqualTo(ITEMS);
    assertThat(ParallelChunks.of(3).map(10, (from, to) -> new int[] {from, to}))
        .singleElement().isEqualTo(new int[] {0, 10});
  }

  @Test
  void noThreadsIsRefused() {
    assertThatThrownBy(() -> ParallelChunks.of(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
  }
}
