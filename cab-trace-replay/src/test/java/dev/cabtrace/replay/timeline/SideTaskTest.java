package dev.cabtrace.replay.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The second thread of a big timeline's assembly: its results and failures come back as if the
 * work ran inline, and a timeline big enough to use it answers frames as brute force does.
 */
class SideTaskTest {

  @Test
  void givesTheResultOrTheFailureAsTheWorkMadeIt() {
    assertThat(SideTask.start(SideTask.SPANS, () -> Thread.currentThread().getName()).join())
        .isEqualTo(Runtime.getRuntime().availableProcessors() < 2 ? Thread.currentThread().getName() : "cab-trace-timeline");
    assertThat(SideTask.start(10, () -> Thread.currentThread().getName()).join()).isEqualTo(Thread.currentThread().getName());
    IllegalArgumentException failure = new IllegalArgumentException("bad");
    assertThatThrownBy(() -> SideTask.start(SideTask.SPANS, () -> {
      throw failure;
    }).join()).isSameAs(failure);
    OutOfMemoryError error = new OutOfMemoryError("test");
    assertThatThrownBy(() -> SideTask.start(SideTask.SPANS, () -> {
      throw error;
    }).join()).isSameAs(error);
  }

  @Test
  void anInterruptWhileWaitingIsKeptNotLost() {
    // On one processor the work runs inline, in join(), and would wait for itself.
    org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.getRuntime().availableProcessors() >= 2);
    // The work ends only once the caller waits for it, after an interrupt broke its first wait.
    Thread caller = Thread.currentThread();
    SideTask<String> task = SideTask.start(SideTask.SPANS, () -> {
      while (caller.getState() != Thread.State.WAITING) {
        Thread.onSpinWait();
      }
      return "done";
    });
    caller.interrupt();
    assertThat(task.join()).isEqualTo("done");
    assertThat(Thread.interrupted()).isTrue(); // and cleared for the next test
  }

  @Test
  void aTimelineBigEnoughForTheSecondThreadAnswersFramesAsBruteForce() {
    Random random = new Random(3);
    int n = SideTask.SPANS + 20_000;
    TimelineBuilder builder = new TimelineBuilder("big");
    long[][] times = new long[n][];
    for (int i = 0; i < n; i++) {
      long start = random.nextInt(1_000_000);
      long end = start + (random.nextInt(8) == 0 ? 0 : random.nextInt(50_000));
      times[i] = new long[] {start, end};
      builder.add(TimelineSpan.builder().setTraceId(1, 1).setSpanId(i + 1).setParentSpanId(i > 0 && random.nextBoolean()
          ? 1 + random.nextInt(i) : 0).setName("s" + i).setStartEpochNanos(start).setEndEpochNanos(end), 0);
    }
    Timeline timeline = builder.build();
    // The tree, made when first asked for, from two threads at once: every span once, under its parent.
    java.util.concurrent.ConcurrentLinkedQueue<Integer> visited = new java.util.concurrent.ConcurrentLinkedQueue<>();
    Runnable walk = () -> {
      int count = 0;
      java.util.ArrayDeque<TimelineSpan> stack = new java.util.ArrayDeque<>(timeline.roots());
      while (!stack.isEmpty()) {
        TimelineSpan span = stack.pop();
        count++;
        for (TimelineSpan child : timeline.children(span)) {
          assertThat(timeline.parent(child)).isSameAs(span);
          stack.push(child);
        }
      }
      visited.add(count);
    };
    Thread other = new Thread(walk);
    other.start();
    walk.run();
    try {
      other.join();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    assertThat(visited).containsExactly(n, n);
    for (int probe = 0; probe < 40; probe++) {
      long t = timeline.t0EpochNanos() + random.nextInt(1_050_000);
      int finished = 0;
      List<Long> active = new ArrayList<>();
      for (long[] span : times) {
        boolean zeroAtT = span[0] == span[1] && span[0] == t;
        if (span[1] <= t && !zeroAtT) {
          finished++;
        }
        if ((span[0] <= t && t < span[1]) || zeroAtT) {
          active.add(span[0]);
        }
      }
      Frame frame = timeline.frame(t - timeline.t0EpochNanos());
      assertThat(frame.finished()).as("at %d", t).hasSize(finished)
          .allMatch(span -> span.endEpochNanos() <= t)
          .isSortedAccordingTo(java.util.Comparator.comparingLong(TimelineSpan::endEpochNanos));
      assertThat(frame.active()).as("at %d", t).hasSize(active.size())
          .allMatch(span -> span.startEpochNanos() <= t && (t < span.endEpochNanos() || span.durationNanos() == 0));
      assertThat(frame.active().stream().map(TimelineSpan::startEpochNanos).sorted().toList())
          .isEqualTo(active.stream().sorted().toList());
    }
  }
}
