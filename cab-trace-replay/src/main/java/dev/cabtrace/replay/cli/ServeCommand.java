package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.page.CellServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Serve the captures under DIR read-only: an index of the cells (every *.jsonl, recursively) linking to"
        + " each cell's page, generated on request. Runs until interrupted.")
final class ServeCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "DIR", description = "The directory of captures.")
  Path directory;

  @Option(names = "--port", paramLabel = "N", defaultValue = "8080", description = "The port (default ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
      description = "The address to listen on (default ${DEFAULT-VALUE}: this machine only).")
  String bind;

  @Mixin VerboseOption verbose;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (verbose.verbose) {
      logStackTraces(spec.commandLine().getErr());
    }
    CellServer server = start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "cab-trace-serve-shutdown"));
    PrintWriter out = spec.commandLine().getOut();
    out.println("cab-trace: serving " + server.directory() + " at " + server.uri() + " (read-only; Ctrl-C to stop)");
    if (!InetAddress.getByName(bind).isLoopbackAddress()) {
      spec.commandLine().getErr().println("cab-trace: listening on " + bind + ": other machines can read these traces");
    }
    out.flush();
    try {
      new CountDownLatch(1).await();
    } finally {
      server.close();
    }
    return 0;
  }

  /** The server, listening; a one-line error naming the address when it cannot listen there. */
  private CellServer start() throws IOException {
    String where = (bind.contains(":") ? "[" + bind + "]" : bind) + ":" + port;
    try {
      return CellServer.builder(directory).setPort(port).setBindAddress(bind).build().start();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("cannot listen on " + where + ": no such host");
    } catch (BindException e) {
      // In use, not an address of this machine, or a port only root may take.
      String why = e.getMessage() == null ? "cannot bind" : e.getMessage().toLowerCase(java.util.Locale.ROOT);
      throw new IllegalArgumentException("cannot listen on " + where + ": " + why
          + (why.contains("in use") ? " (pass another --port, or 0 for a free one)" : ""));
    }
  }

  /**
   * The server's log with the stack trace of what failed, for {@code --verbose}: the CLI's log
   * format is one line, the message alone.
   */
  private static void logStackTraces(PrintWriter err) {
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger(CellServer.class.getName());
    logger.setUseParentHandlers(false);
    logger.addHandler(new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord record) {
        synchronized (err) {
          err.println(record.getMessage());
          if (record.getThrown() != null) {
            record.getThrown().printStackTrace(err);
          }
          err.flush();
        }
      }

      @Override
      public void flush() {
        err.flush();
      }

      @Override
      public void close() {}
    });
  }
}
