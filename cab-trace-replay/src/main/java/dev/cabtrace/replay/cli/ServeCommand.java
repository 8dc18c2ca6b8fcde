package dev.cabtrace.replay.cli;

import dev.cabtrace.replay.page.CellServer;
import java.io.PrintWriter;
import java.net.InetAddress;
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
    CellServer server = CellServer.builder(directory).setPort(port).setBindAddress(bind).build().start();
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
}
