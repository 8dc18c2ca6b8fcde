package dev.cabtrace.sdk.capture;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The room of an export queue, counted in spans: taken by whoever queues spans (all a batch needs
 * at once, or none), given back by the export thread as it moves them into an export. No lock is
 * held while room is waited for; the export thread wakes the waiting as it frees room.
 */
final class QueueRoom {

  /** A wake-up missed for any reason costs at most this. */
  private static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final int capacity;
  /** Room taken: spans queued, or drained and not yet in an export's batch. */
  private final AtomicInteger taken = new AtomicInteger();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition freed = lock.newCondition();
  private final AtomicInteger waiting = new AtomicInteger();

  QueueRoom(int capacity) {
    this.capacity = capacity;
  }

  /** The room there is in all: the queue's size in spans. */
  int capacity() {
    return capacity;
  }

  /** Whether all the room is taken. */
  boolean full() {
    return taken.get() >= capacity;
  }

  /** Takes {@code room}, all or none, if it is free now. */
  boolean tryTake(int room) {
    while (true) {
      int before = taken.get();
      if (room > capacity - before) {
        return false;
      }
      if (taken.compareAndSet(before, before + room)) {
        return true;
      }
    }
  }

  /** Gives back the room of one span, which the export thread moved into an export. */
  void giveBackOne() {
    taken.decrementAndGet();
  }

  /**
   * Waits until {@code room} is free, woken as the export thread frees room rather than polling, so
   * that a sender held back costs no CPU the export thread needs. False when the deadline ({@link
   * System#nanoTime}) passed, or the thread was interrupted, first. Free room is not taken: another
   * may take it first.
   */
  boolean await(int room, long deadline) {
    if (room <= capacity - taken.get()) {
      return true;
    }
    waiting.incrementAndGet();
    lock.lock();
    try {
      while (room > capacity - taken.get()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        freed.awaitNanos(Math.min(left, MAX_WAIT_NANOS));
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      lock.unlock();
      waiting.decrementAndGet();
    }
  }

  /** Wakes those waiting in {@link #await}, if any: room was just freed. */
  void signal() {
    if (waiting.get() == 0) {
      return;
    }
    lock.lock();
    try {
      freed.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
