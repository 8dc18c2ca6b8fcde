package dev.cabtrace.replay.cli;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * An answer's body read whole, up to a cap: a backend that answers without end (or says it will
 * send more) must not run the heap out. Over the cap, the body completes with {@link TooLarge} and
 * the rest is not read.
 */
final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {

  /** The body is larger than the cap. */
  static final class TooLarge extends IOException {
    TooLarge(long maxBytes) {
      super("answer larger than " + maxBytes + " bytes", null);
    }
  }

  private final long maxBytes;
  private final boolean declaredTooLarge;
  private final CompletableFuture<byte[]> body = new CompletableFuture<>();
  private final List<ByteBuffer> buffers = new ArrayList<>();
  private Flow.Subscription subscription;
  private long size;

  private CappedBody(long maxBytes, boolean declaredTooLarge) {
    this.maxBytes = maxBytes;
    this.declaredTooLarge = declaredTooLarge;
  }

  /** Bodies of at most {@code maxBytes}; one whose Content-Length is more fails before it is read. */
  static HttpResponse.BodyHandler<byte[]> atMost(long maxBytes) {
    return info -> new CappedBody(maxBytes, info.headers().firstValueAsLong("Content-Length").orElse(0) > maxBytes);
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    if (declaredTooLarge) {
      tooLarge();
    } else {
      subscription.request(Long.MAX_VALUE);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    if (body.isDone()) {
      return;
    }
    for (ByteBuffer item : items) {
      size += item.remaining();
    }
    if (size > maxBytes) {
      tooLarge();
      return;
    }
    buffers.addAll(items);
  }

  private void tooLarge() {
    buffers.clear();
    subscription.cancel();
    body.completeExceptionally(new TooLarge(maxBytes));
  }

  @Override
  public void onError(Throwable throwable) {
    buffers.clear();
    body.completeExceptionally(throwable);
  }

  @Override
  public void onComplete() {
    if (body.isDone()) {
      return;
    }
    byte[] bytes = new byte[(int) size];
    int at = 0;
    for (ByteBuffer buffer : buffers) {
      int length = buffer.remaining();
      buffer.get(bytes, at, length);
      at += length;
    }
    buffers.clear();
    body.complete(bytes);
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return body;
  }
}
