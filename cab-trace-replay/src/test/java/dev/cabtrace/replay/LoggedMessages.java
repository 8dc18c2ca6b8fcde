package dev.cabtrace.replay;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The messages a class logs through java.util.logging while it is open, for a test to read after. */
public final class LoggedMessages implements AutoCloseable {

  private final Logger logger;
  private final List<String> messages = new CopyOnWriteArrayList<>();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      messages.add(record.getMessage());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  private LoggedMessages(Class<?> logging) {
    this.logger = Logger.getLogger(logging.getName());
    logger.addHandler(handler);
  }

  /** Collects what {@code logging}'s logger logs from now until closed. */
  public static LoggedMessages of(Class<?> logging) {
    return new LoggedMessages(logging);
  }

  /** The messages logged so far, in order. */
  public List<String> messages() {
    return messages;
  }

  @Override
  public void close() {
    logger.removeHandler(handler);
  }
}
