package dev.cabtrace.api.testing;

import java.util.AbstractList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What classes log through java.util.logging while it is open, for a test to read after: the
 * tests of every module that assert on a warning share it.
 */
public final class LoggedMessages implements AutoCloseable {

  private final Logger[] loggers;
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  private LoggedMessages(String... loggerNames) {
    loggers = new Logger[loggerNames.length];
    for (int i = 0; i < loggerNames.length; i++) {
      loggers[i] = Logger.getLogger(loggerNames[i]);
      loggers[i].addHandler(handler);
    }
  }

  /** Collects what the loggers of {@code logging} (their class names) log from now until closed. */
  public static LoggedMessages of(Class<?>... logging) {
    String[] names = new String[logging.length];
    for (int i = 0; i < logging.length; i++) {
      names[i] = logging[i].getName();
    }
    return new LoggedMessages(names);
  }

  /** Collects what the loggers named {@code loggerNames} (and those under them) log from now until closed. */
  public static LoggedMessages named(String... loggerNames) {
    return new LoggedMessages(loggerNames);
  }

  /** The records logged so far, in order; live, and a test may clear it. */
  public List<LogRecord> records() {
    return records;
  }

  /** The messages logged so far, in order; live. */
  public List<String> messages() {
    return new AbstractList<>() {
      @Override
      public String get(int index) {
        return records.get(index).getMessage();
      }

      @Override
      public int size() {
        return records.size();
      }
    };
  }

  @Override
  public void close() {
    for (Logger logger : loggers) {
      logger.removeHandler(handler);
    }
  }
}
