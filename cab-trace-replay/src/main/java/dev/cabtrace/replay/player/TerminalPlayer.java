package dev.cabtrace.replay.player;

import dev.cabtrace.replay.screen.Screen;
import dev.cabtrace.replay.screen.ScreenPlayback;
import dev.cabtrace.replay.timeline.Frame;
import dev.cabtrace.replay.timeline.ReplayClock;
import dev.cabtrace.replay.timeline.ReplayCursor;
import dev.cabtrace.replay.timeline.Timeline;
import java.io.IOError;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jline.keymap.BindingReader;
import org.jline.keymap.KeyMap;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedString;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.NonBlockingReader;

/**
 * Replays a timeline full screen on a JLine terminal, keys as on the cell page: space play/pause,
 * →/← step span, {@code .}/{@code ,} step 100 ms, g/G or Home/End, +/- speed, q quit. Redraws only
 * changed lines, follows resizes, and restores the terminal on the way out.
 */
public final class TerminalPlayer {

  private static final long PLAYING_POLL_MILLIS = 40;
  private static final long IDLE_POLL_MILLIS = 500;
  private boolean interrupted;

  private final Terminal terminal;
  private final ReplayCursor cursor;
  private final Timeline timeline;
  private ScreenPlayback playback;

  private TerminalPlayer(Terminal terminal, ReplayCursor cursor) {
    this.terminal = terminal;
    this.cursor = cursor;
    this.timeline = cursor.timeline();
  }

  /** A player for {@code timeline} on {@code terminal}, playing on {@code clock}. */
  public static TerminalPlayer create(Terminal terminal, Timeline timeline, ReplayClock clock) {
    Objects.requireNonNull(terminal, "terminal");
    return new TerminalPlayer(terminal, ReplayCursor.builder(timeline).setClock(clock).build());
  }

  /** Whether the last {@link #run} ended on Ctrl-C (SIGINT) rather than q or the end of input. */
  public boolean interrupted() {
    return interrupted;
  }

  /** The cursor the keys move; for tests and embedding. */
  public ReplayCursor cursor() {
    return cursor;
  }

  /** Runs until q (or the input ends); the terminal is restored however it ends. */
  public void run() throws IOException {
    interrupted = false;
    Attributes saved = terminal.enterRawMode();
    AtomicBoolean resized = new AtomicBoolean();
    Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.WINCH, signal -> resized.set(true));
    // Raw mode keeps Ctrl-C a signal: quit as q does, so that the terminal is restored below.
    AtomicBoolean interrupt = new AtomicBoolean();
    Terminal.SignalHandler previousInterrupt = terminal.handle(Terminal.Signal.INT, signal -> interrupt.set(true));
    terminal.puts(Capability.enter_ca_mode);
    terminal.puts(Capability.cursor_invisible);
    terminal.flush();
    Display display = new Display(terminal, true);
    try {
      Size size = size();
      display.resize(size.getRows(), size.getColumns());
      BindingReader keys = new BindingReader(terminal.reader());
      KeyMap<PlayerAction> keyMap = keyMap();
      while (true) {
        if (interrupt.get()) {
          return;
        }
        if (resized.getAndSet(false) || !size.equals(size())) {
          size = size();
          display.clear();
          display.resize(size.getRows(), size.getColumns());
        }
        Frame frame = cursor.frame();
        List<AttributedString> lines =
            FrameRenderer.render(timeline, frame, screenAt(frame.offsetNanos()), size.getColumns(), size.getRows(),
                cursor.isPlaying(), cursor.speed());
        display.update(lines, -1);
        terminal.flush();
        long wait = cursor.isPlaying() ? PLAYING_POLL_MILLIS : IDLE_POLL_MILLIS;
        PlayerAction action;
        try {
          int next = keys.peekCharacter(wait);
          if (next == NonBlockingReader.READ_EXPIRED) {
            continue;
          }
          if (next == NonBlockingReader.EOF) {
            return;
          }
          action = keys.readBinding(keyMap, null, false);
        } catch (IOError e) {
          // The terminal's input closed (the ssh session went away): leave cleanly.
          return;
        }
        if (action == null) {
          continue;
        }
        if (action == PlayerAction.QUIT) {
          return;
        }
        apply(action);
      }
    } finally {
      interrupted = interrupt.get();
      // cursor_normal undoes cursor_invisible; cursor_visible ("very visible") does not outside
      // xterm: under tmux and screen it left the shell without a cursor.
      terminal.puts(Capability.cursor_normal);
      terminal.puts(Capability.exit_ca_mode);
      terminal.flush();
      terminal.setAttributes(saved);
      terminal.handle(Terminal.Signal.WINCH, previous);
      terminal.handle(Terminal.Signal.INT, previousInterrupt);
    }
  }

  /** The recorded terminal at {@code offsetNanos}, or null when nothing was recorded. */
  private Screen screenAt(long offsetNanos) {
    if (playback == null) {
      // Built on the first frame, once: it parses every recorded byte.
      playback = ScreenPlayback.of(timeline);
    }
    return playback.isEmpty() ? null : playback.screenAt(offsetNanos);
  }

  /** Applies one key's action to the cursor. */
  void apply(PlayerAction action) {
    switch (action) {
      case TOGGLE_PLAY:
        cursor.togglePlay();
        break;
      case STEP_SPAN_FORWARD:
        cursor.pause().stepSpanForward();
        break;
      case STEP_SPAN_BACK:
        cursor.pause().stepSpanBack();
        break;
      case TICK_FORWARD:
        cursor.pause().tickForward();
        break;
      case TICK_BACK:
        cursor.pause().tickBack();
        break;
      case HOME:
        cursor.home();
        break;
      case END:
        cursor.end();
        break;
      case FASTER:
        cursor.faster();
        break;
      case SLOWER:
        cursor.slower();
        break;
      default:
        break;
    }
  }

  private Size size() {
    Size size = terminal.getSize();
    if (size == null || size.getColumns() <= 0 || size.getRows() <= 0) {
      return new Size(100, 30);
    }
    return size;
  }

  private KeyMap<PlayerAction> keyMap() {
    KeyMap<PlayerAction> map = new KeyMap<>();
    map.bind(PlayerAction.TOGGLE_PLAY, " ");
    map.bind(PlayerAction.STEP_SPAN_FORWARD, "\033[C", "\033OC", "l");
    map.bind(PlayerAction.STEP_SPAN_BACK, "\033[D", "\033OD", "h");
    bindCapability(map, PlayerAction.STEP_SPAN_FORWARD, Capability.key_right);
    bindCapability(map, PlayerAction.STEP_SPAN_BACK, Capability.key_left);
    map.bind(PlayerAction.TICK_FORWARD, ".");
    map.bind(PlayerAction.TICK_BACK, ",");
    map.bind(PlayerAction.HOME, "g", "\033[H", "\033OH", "\033[1~", "\033[7~");
    map.bind(PlayerAction.END, "G", "\033[F", "\033OF", "\033[4~", "\033[8~");
    bindCapability(map, PlayerAction.HOME, Capability.key_home);
    bindCapability(map, PlayerAction.END, Capability.key_end);
    map.bind(PlayerAction.FASTER, "+", "=");
    map.bind(PlayerAction.SLOWER, "-", "_");
    map.bind(PlayerAction.QUIT, "q", "Q", KeyMap.ctrl('C'));
    map.setAmbiguousTimeout(50);
    return map;
  }

  private void bindCapability(KeyMap<PlayerAction> map, PlayerAction action, Capability capability) {
    String sequence = KeyMap.key(terminal, capability);
    if (sequence != null && !sequence.isEmpty()) {
      map.bind(action, sequence);
    }
  }
}
