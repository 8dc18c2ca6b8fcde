package dev.cabtrace.replay.screen;

import dev.cabtrace.replay.internal.Utf8Decoder;

/**
 * Bytes in, actions out: UTF-8 decoding followed by the DEC ANSI parser state machine described
 * at vt100.net ({@code https://vt100.net/emu/dec_ansi_parser}), run on code points. Every input is
 * consumed by some transition, so no byte sequence can wedge the parser, and all state lives in
 * fields so that a sequence split across {@link #feed} calls is parsed as if it came in one.
 *
 * <p>Departures from the DEC diagram, each for a UTF-8 world:
 *
 * <ul>
 *   <li>C1 controls never act. A raw byte 0x80-0x9F is invalid UTF-8 and prints U+FFFD; a C1 code
 *       point encoded in UTF-8 is dropped. Only the 7-bit {@code ESC} forms introduce sequences.
 *   <li>A non-ASCII code point inside an escape or control sequence abandons the sequence.
 *   <li>A colon in control sequence parameters separates sub-parameters (SGR {@code 38:2::r:g:b}).
 *       Only SGR has them: any other sequence with a colon is ignored whole, as tmux and the
 *       vt100.net parser do ({@code CSI 1:5 H} is not {@code CSI 1;5 H}).
 *   <li>OSC strings end at BEL as well as at ST; CAN and SUB drop them; only their first {@link
 *       #OSC_LIMIT} characters are kept. DCS, SOS, PM and APC payloads are not stored at all.
 * </ul>
 */
final class ControlParser {

  /** What the parser found. */
  interface Handler {
    void print(int codePoint);

    void execute(int control);

    /** {@code intermediates}: up to two intermediate characters, the first in the low byte. */
    void escDispatch(int intermediates, int finalChar);

    void csiDispatch(int privateMarker, int intermediates, CsiParams params, int finalChar);

    void oscDispatch(String data);
  }

  static final int OSC_LIMIT = 4096;

  private static final int GROUND = 0;
  private static final int ESCAPE = 1;
  private static final int ESCAPE_INTERMEDIATE = 2;
  private static final int CSI_ENTRY = 3;
  private static final int CSI_PARAM = 4;
  private static final int CSI_INTERMEDIATE = 5;
  private static final int CSI_IGNORE = 6;
  private static final int DCS_ENTRY = 7;
  private static final int DCS_PARAM = 8;
  private static final int DCS_INTERMEDIATE = 9;
  private static final int DCS_PASSTHROUGH = 10;
  private static final int DCS_IGNORE = 11;
  private static final int OSC_STRING = 12;
  private static final int SOS_PM_APC_STRING = 13;

  private static final int ESC = 0x1b;
  private static final int CAN = 0x18;
  private static final int SUB = 0x1a;
  private static final int BEL = 0x07;
  private static final int DEL = 0x7f;

  // More than two intermediates is not a sequence we know; it is consumed and ignored.
  private static final int TOO_MANY_INTERMEDIATES = -1;

  private final Handler handler;
  private final Utf8Decoder decoder = new Utf8Decoder();
  private final CsiParams params = new CsiParams();
  private final StringBuilder osc = new StringBuilder();
  private int state = GROUND;
  private int intermediates;
  private int privateMarker;

  ControlParser(Handler handler) {
    this.handler = handler;
  }

  void feed(byte[] bytes, int offset, int length) {
    for (int i = offset, end = offset + length; i < end; i++) {
      int b = bytes[i] & 0xff;
      int codePoint = decoder.accept(b);
      if (codePoint == Utf8Decoder.INVALID_RETRY) {
        accept(Utf8Decoder.REPLACEMENT);
        codePoint = decoder.accept(b);
      }
      if (codePoint >= 0) {
        accept(codePoint);
      }
    }
  }

  /** A copy of this parser's state that reports to {@code handler}. */
  ControlParser copy(Handler handler) {
    ControlParser copy = new ControlParser(handler);
    copy.decoder.copyFrom(decoder);
    copy.params.copyFrom(params);
    copy.osc.append(osc);
    copy.state = state;
    copy.intermediates = intermediates;
    copy.privateMarker = privateMarker;
    return copy;
  }

  private void accept(int c) {
    if (c == CAN || c == SUB) {
      state = GROUND;
      return;
    }
    if (c == ESC) {
      if (state == OSC_STRING) {
        dispatchOsc();
      }
      clear();
      state = ESCAPE;
      return;
    }
    switch (state) {
      case GROUND:
        ground(c);
        break;
      case ESCAPE:
        escape(c);
        break;
      case ESCAPE_INTERMEDIATE:
        escapeIntermediate(c);
        break;
      case CSI_ENTRY:
      case CSI_PARAM:
        csiEntryOrParam(c);
        break;
      case CSI_INTERMEDIATE:
        csiIntermediate(c);
        break;
      case CSI_IGNORE:
        csiIgnore(c);
        break;
      case DCS_ENTRY:
      case DCS_PARAM:
      case DCS_INTERMEDIATE:
        dcsHeader(c);
        break;
      case OSC_STRING:
        oscString(c);
        break;
      default:
        // DCS passthrough, DCS ignore and SOS/PM/APC strings: consumed until ST (ESC \).
        break;
    }
  }

  private void ground(int c) {
    if (c < 0x20) {
      handler.execute(c);
    } else if (c != DEL && (c < 0x80 || c > 0x9f)) {
      handler.print(c);
    }
  }

  private void escape(int c) {
    if (c < 0x20) {
      handler.execute(c);
    } else if (c <= 0x2f) {
      collect(c);
      state = ESCAPE_INTERMEDIATE;
    } else if (c == '[') {
      state = CSI_ENTRY;
    } else if (c == ']') {
      osc.setLength(0);
      state = OSC_STRING;
    } else if (c == 'P') {
      state = DCS_ENTRY;
    } else if (c == 'X' || c == '^' || c == '_') {
      state = SOS_PM_APC_STRING;
    } else if (c < DEL) {
      state = GROUND;
      handler.escDispatch(0, c);
    } else if (c > DEL) {
      state = GROUND;
    }
  }

  private void escapeIntermediate(int c) {
    if (c < 0x20) {
      handler.execute(c);
    } else if (c <= 0x2f) {
      collect(c);
    } else if (c < DEL) {
      state = GROUND;
      if (intermediates != TOO_MANY_INTERMEDIATES) {
        handler.escDispatch(intermediates, c);
      }
    } else if (c > DEL) {
      state = GROUND;
    }
  }

  private void csiEntryOrParam(int c) {
    if (c < 0x20) {
      handler.execute(c);
    } else if (c <= 0x2f) {
      collect(c);
      state = CSI_INTERMEDIATE;
    } else if (c <= '9') {
      params.digit(c - '0');
      state = CSI_PARAM;
    } else if (c == ';' || c == ':') {
      params.separator(c == ':');
      state = CSI_PARAM;
    } else if (c <= 0x3f) {
      if (state == CSI_ENTRY) {
        privateMarker = c;
        state = CSI_PARAM;
      } else {
        state = CSI_IGNORE;
      }
    } else if (c < DEL) {
      dispatchCsi(c);
    } else if (c > DEL) {
      state = CSI_IGNORE;
    }
  }

  private void csiIntermediate(int c) {
    if (c < 0x20) {
      handler.execute(c);
    } else if (c <= 0x2f) {
      collect(c);
    } else if (c <= 0x3f || c > DEL) {
      state = CSI_IGNORE;
    } else if (c < DEL) {
      dispatchCsi(c);
    }
  }

  private void csiIgnore(int c) {
    if (c < 0x20) {
      handler.execute(c);
    } else if (c >= 0x40 && c < DEL) {
      state = GROUND;
    }
  }

  // The header of a device control string: parsed for its shape only, the string is not used.
  private void dcsHeader(int c) {
    if (c < 0x20 || c == DEL) {
      return;
    }
    if (c <= 0x2f) {
      state = DCS_INTERMEDIATE;
    } else if (c <= 0x3f) {
      boolean paramByte = (c >= '0' && c <= '9') || c == ';';
      if (state == DCS_INTERMEDIATE || (!paramByte && !(state == DCS_ENTRY && c >= 0x3c))) {
        state = DCS_IGNORE;
      } else {
        state = DCS_PARAM;
      }
    } else if (c < DEL) {
      state = DCS_PASSTHROUGH;
    } else {
      state = DCS_IGNORE;
    }
  }

  private void oscString(int c) {
    if (c == BEL) {
      dispatchOsc();
      state = GROUND;
    } else if (c >= 0x20 && c != DEL && (c < 0x80 || c > 0x9f) && osc.length() < OSC_LIMIT) {
      osc.appendCodePoint(c);
    }
  }

  private void dispatchCsi(int finalChar) {
    state = GROUND;
    if (intermediates != TOO_MANY_INTERMEDIATES
        && (finalChar == 'm' || !params.hasSubParameters())) {
      handler.csiDispatch(privateMarker, intermediates, params, finalChar);
    }
  }

  private void dispatchOsc() {
    handler.oscDispatch(osc.toString());
    osc.setLength(0);
  }

  private void collect(int c) {
    if (intermediates == 0) {
      intermediates = c;
    } else if (intermediates > 0 && intermediates <= 0xff) {
      intermediates |= c << 8;
    } else {
      intermediates = TOO_MANY_INTERMEDIATES;
    }
  }

  private void clear() {
    params.clear();
    intermediates = 0;
    privateMarker = 0;
  }
}
