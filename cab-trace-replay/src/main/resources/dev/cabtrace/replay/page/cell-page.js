(function () {
  'use strict';

  // The cell page's replay. Every string from the trace is inserted as text (textContent), never
  // parsed as HTML. Stepping follows dev.cabtrace.replay.timeline.ReplayCursor rule for rule, so
  // that the page and the terminal player land on the same t values.

  var scriptStart = performance.now();
  var data = JSON.parse(document.getElementById('cell-data').textContent);
  var parsed = performance.now();
  var spans = data.spans;
  var calls = data.calls;
  var term = data.terminal;
  var N = spans.count;
  var START = spans.start;
  var END = spans.end;
  var DURATION = data.durationNanos;
  var TICK = data.tickNanos;
  var SPEEDS = [0.25, 0.5, 1, 2, 4, 8, 16, 32, 64];
  var GANTT_ROW = 20;
  var TABLE_ROW = 24;
  var KIND_CLASSES = { task_setup: 1, tool_call: 1, container: 1, adapter_run: 1, cleanup: 1, model_call: 1 };

  // ---- Sorted-array helpers.

  function lowerBound(a, x) {
    var lo = 0, hi = a.length;
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (a[mid] < x) { lo = mid + 1; } else { hi = mid; }
    }
    return lo;
  }

  function upperBound(a, x) {
    var lo = 0, hi = a.length;
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (a[mid] <= x) { lo = mid + 1; } else { hi = mid; }
    }
    return lo;
  }

  // Exact floor division of integers below 2^53, whatever the rounding of a / b.
  function floorDiv(a, b) {
    var q = Math.floor(a / b);
    while (q * b > a) { q--; }
    while ((q + 1) * b <= a) { q++; }
    return q;
  }

  var endsSorted = Float64Array.from(END).sort();
  var zeroLengthStarts = (function () {
    var out = [];
    for (var i = 0; i < N; i++) { if (START[i] === END[i]) { out.push(START[i]); } }
    return Float64Array.from(out).sort();
  }());
  var unfinished = {};
  spans.unfinished.forEach(function (i) { unfinished[i] = true; });

  // ---- The cursor: ReplayCursor's rules.

  var cursor = { t: 0, selected: -1, playing: false, speedIndex: 2, lastClock: 0 };

  function clamp(offset) { return Math.max(0, Math.min(offset, DURATION)); }

  function advance() {
    if (!cursor.playing) { return; }
    var now = performance.now();
    var elapsedNanos = (now - cursor.lastClock) * 1e6;
    cursor.lastClock = now;
    var target = cursor.t + Math.trunc(elapsedNanos * SPEEDS[cursor.speedIndex]);
    if (target >= DURATION) {
      cursor.t = DURATION;
      cursor.playing = false;
    } else {
      cursor.t = target;
    }
  }

  function select(index) {
    cursor.selected = index;
    cursor.t = clamp(START[index]);
  }

  // A span step goes on from the selected span while t is at its start, else from t.
  function onSelected() { return cursor.selected >= 0 && cursor.t === clamp(START[cursor.selected]); }

  function stepSpanForward() {
    advance();
    var next = onSelected() ? cursor.selected + 1 : lowerBound(START, cursor.t);
    if (next < N) { select(next); }
  }

  function stepSpanBack() {
    advance();
    if (N === 0) { return; }
    select(onSelected() ? Math.max(cursor.selected - 1, 0) : Math.max(lowerBound(START, cursor.t) - 1, 0));
  }

  function tickForward() {
    advance();
    cursor.t = clamp(floorDiv(cursor.t, TICK) * TICK + TICK);
  }

  function tickBack() {
    advance();
    cursor.t = clamp(-floorDiv(-cursor.t, TICK) * TICK - TICK);
  }

  function pause() {
    advance();
    cursor.playing = false;
  }

  function play() {
    advance();
    if (cursor.t >= DURATION) { cursor.t = 0; }
    cursor.playing = DURATION > 0;
    cursor.lastClock = performance.now();
  }

  function home() {
    pause();
    cursor.t = 0;
    cursor.selected = N === 0 ? -1 : 0;
  }

  function end() {
    pause();
    cursor.t = DURATION;
    cursor.selected = N - 1;
  }

  function togglePlay() {
    advance();
    if (cursor.playing) { pause(); } else { play(); }
  }

  function faster() { advance(); cursor.speedIndex = Math.min(cursor.speedIndex + 1, SPEEDS.length - 1); }
  function slower() { advance(); cursor.speedIndex = Math.max(cursor.speedIndex - 1, 0); }

  // The terminal player's keys (TerminalPlayer.apply): steps pause first.
  var KEYS = {
    ' ': togglePlay,
    'ArrowRight': function () { pause(); stepSpanForward(); },
    'l': function () { pause(); stepSpanForward(); },
    'ArrowLeft': function () { pause(); stepSpanBack(); },
    'h': function () { pause(); stepSpanBack(); },
    '.': function () { pause(); tickForward(); },
    ',': function () { pause(); tickBack(); },
    'g': home,
    'Home': home,
    'G': end,
    'End': end,
    '+': faster,
    '=': faster,
    '-': slower,
    '_': slower
  };

  // ---- Text.

  function hex(code, digits) {
    var s = code.toString(16);
    while (s.length < digits) { s = '0' + s; }
    return s;
  }

  // As TerminalText.escapeLine: control characters, the invisible, bidirectional and separator
  // characters and lone surrogates made visible, and a backslash doubled so that none from the
  // trace passes for an escape made here.
  var UNSAFE = /[\u0000-\u001f\\\u007f-\u009f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff\ud800-\udfff]/g;
  function visible(text) {
    return String(text).replace(UNSAFE, function (c, at, whole) {
      var code = c.charCodeAt(0);
      if (c === '\\') { return '\\\\'; }
      if (c === '\n') { return '\\n'; }
      if (c === '\t') { return '\\t'; }
      if (c === '\r') { return '\\r'; }
      if (code === 0x1b) { return '\\e'; }
      if (code < 0x20 || code === 0x7f) { return '\\x' + hex(code, 2); }
      if (isHighSurrogate(code) && isLowSurrogate(whole.charCodeAt(at + 1))) { return c; }
      if (isLowSurrogate(code) && isHighSurrogate(whole.charCodeAt(at - 1))) { return c; }
      return '\\u' + hex(code, 4);
    });
  }

  function isHighSurrogate(code) { return code >= 0xd800 && code <= 0xdbff; }

  function isLowSurrogate(code) { return code >= 0xdc00 && code <= 0xdfff; }

  function groupedMillis(nanos) {
    return String(floorDiv(nanos, 1e6)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ') + ' ms';
  }

  function millis(nanos) { return floorDiv(nanos, 1e6) + ' ms'; }

  function speedText() {
    return String(SPEEDS[cursor.speedIndex]) + '\u00d7';
  }

  function kindName(i) { return spans.kinds[spans.kind[i]]; }

  // An attribute value as show prints it: a string made visible, then only its quotes escaped
  // (visible has doubled its backslashes); {"t": text} holds a value's JSON text verbatim.
  function valueShown(value) {
    if (Array.isArray(value)) { return '[' + value.map(valueShown).join(',') + ']'; }
    if (typeof value === 'string') { return '"' + visible(value).replace(/"/g, '\\"') + '"'; }
    if (value !== null && typeof value === 'object') { return visible(String(value.t)); }
    return JSON.stringify(value);
  }

  function valueText(value) { return typeof value === 'string' ? visible(value) : valueShown(value); }

  function attrsShown(i) {
    var pairs = spans.attrs[i];
    var parts = [];
    for (var k = 0; k + 1 < pairs.length; k += 2) {
      parts.push(valueShown(spans.attrKeys[pairs[k]]) + ':' + valueShown(pairs[k + 1]));
    }
    return '{' + parts.join(',') + '}';
  }

  function attrsOrError(i) {
    var attrs = attrsShown(i);
    if (spans.error[i]) {
      var message = Object.prototype.hasOwnProperty.call(spans.message, i) ? spans.message[i] : '';
      return 'ERROR ' + visible(message) + ' ' + attrs;
    }
    return attrs;
  }

  function spanCell(i) {
    var parent = spans.parent[i];
    var parentId = parent >= 0 ? spans.id[parent]
      : (Object.prototype.hasOwnProperty.call(spans.missingParent, i) ? spans.missingParent[i] : '');
    return parentId ? spans.id[i] + ' \u21b3 ' + parentId : spans.id[i];
  }

  function durationCell(i) { return millis(END[i] - START[i]) + (unfinished[i] ? ' (unfinished)' : ''); }

  function isActive(i, t) { return (START[i] <= t && t < END[i]) || (START[i] === END[i] && START[i] === t); }

  // The selected span's attributes listed at most; the rest are counted.
  var SELECTED_ATTRS = 200;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function byId(id) { return document.getElementById(id); }

  // ---- Frame counts, as Timeline.frame computes them.

  function counts(t) {
    var notStarted = N - upperBound(START, t);
    var zeroNow = upperBound(zeroLengthStarts, t) - lowerBound(zeroLengthStarts, t);
    var finished = upperBound(endsSorted, t) - zeroNow;
    return { active: N - notStarted - finished, finished: finished, notStarted: notStarted };
  }

  // ---- Virtual lists: only the rows in view exist in the document.

  function VirtualList(viewport, canvas, host, rowHeight, count, draw) {
    this.viewport = viewport;
    this.host = host;
    this.rowHeight = rowHeight;
    this.count = count;
    this.draw = draw;
    canvas.style.height = (count * rowHeight) + 'px';
    var self = this;
    var pending = false;
    viewport.addEventListener('scroll', function () {
      if (pending) { return; }
      pending = true;
      requestAnimationFrame(function () { pending = false; self.render(); });
    });
  }

  VirtualList.prototype.render = function () {
    var height = this.viewport.clientHeight || this.rowHeight * 16;
    var top = this.viewport.scrollTop;
    var first = Math.max(0, Math.floor(top / this.rowHeight) - 2);
    var last = Math.min(this.count, Math.ceil((top + height) / this.rowHeight) + 2);
    var fragment = document.createDocumentFragment();
    for (var i = first; i < last; i++) {
      var row = this.draw(i);
      row.style.top = (i * this.rowHeight) + 'px';
      row.style.height = this.rowHeight + 'px';
      fragment.appendChild(row);
    }
    this.host.replaceChildren(fragment);
  };

  VirtualList.prototype.reveal = function (index) {
    var height = this.viewport.clientHeight || this.rowHeight * 16;
    var top = index * this.rowHeight;
    if (top < this.viewport.scrollTop || top + this.rowHeight > this.viewport.scrollTop + height) {
      this.viewport.scrollTop = Math.max(0, top - Math.floor(height / 3));
    }
  };

  // ---- Gantt.

  function fraction(nanos) { return DURATION > 0 ? nanos / DURATION : 0; }

  function ganttRow(i) {
    var row = el('div', 'g-row');
    row.dataset.index = String(i);
    if (isActive(i, cursor.t)) { row.classList.add('active'); }
    if (i === cursor.selected) { row.classList.add('selected'); }
    var label = el('span', 'g-label', kindName(i) + ' ' + visible(spans.name[i]));
    label.style.paddingLeft = (6 + Math.min(spans.depth[i], 12) * 12) + 'px';
    var track = el('span', 'g-track');
    var kind = kindName(i);
    var bar = el('span', 'g-bar ' + (Object.prototype.hasOwnProperty.call(KIND_CLASSES, kind) ? 'kind-' + kind : 'kind-other'));
    if (unfinished[i]) { bar.classList.add('unfinished'); }
    if (spans.error[i]) { bar.classList.add('error'); }
    bar.style.left = (fraction(START[i]) * 100) + '%';
    bar.style.width = (fraction(END[i] - START[i]) * 100) + '%';
    track.appendChild(bar);
    row.appendChild(label);
    row.appendChild(track);
    return row;
  }

  // ---- Span and model-call tables.

  function spanTableRow(i) {
    var row = el('div', 'vt-row vt-body-row');
    row.setAttribute('role', 'row');
    row.dataset.index = String(i);
    if (i === cursor.selected) { row.classList.add('selected'); }
    var cells = [spanCell(i), kindName(i), visible(spans.name[i]), durationCell(i), attrsOrError(i)];
    for (var c = 0; c < cells.length; c++) {
      var cell = el('span', c === 4 && spans.error[i] ? 'error' : '', cells[c]);
      cell.setAttribute('role', 'cell');
      if (c >= 2 && cells[c].length > 24) { cell.title = cells[c].length > 4000 ? cells[c].slice(0, 4000) + '\u2026' : cells[c]; }
      row.appendChild(cell);
    }
    return row;
  }

  function count(value) { return value === null ? '?' : String(value); }

  function shortHash(hash) { return hash === null ? '-' : (hash.length > 12 ? hash.slice(0, 12) + '\u2026' : hash); }

  function callTableRow(k) {
    var row = el('div', 'vt-row vt-body-row');
    row.setAttribute('role', 'row');
    var spanIndex = calls.span[k];
    row.dataset.index = String(spanIndex);
    if (spanIndex === cursor.selected) { row.classList.add('selected'); }
    var cells = [String(k + 1), calls.timestamp[k], visible(shortHash(calls.hash[k])), count(calls.input[k]),
      count(calls.output[k]), millis(calls.latency[k]), visible(calls.finish[k])];
    for (var c = 0; c < cells.length; c++) {
      var cell = el('span', c === 0 || (c >= 3 && c <= 5) ? 'num' : '', cells[c]);
      cell.setAttribute('role', 'cell');
      if (c === 2 && calls.hash[k] !== null) { cell.title = visible(calls.hash[k]); }
      row.appendChild(cell);
    }
    return row;
  }

  // ---- Model calls so far.

  var callPrefixIn = [0], callPrefixOut = [0], callPrefixUnknown = [0];
  for (var call = 0; call < calls.count; call++) {
    // Half a usage adds nothing, as the player's sums (TokenPrefixSums).
    var known = calls.input[call] != null && calls.output[call] != null;
    callPrefixIn.push(callPrefixIn[call] + (known ? calls.input[call] : 0));
    callPrefixOut.push(callPrefixOut[call] + (known ? calls.output[call] : 0));
    callPrefixUnknown.push(callPrefixUnknown[call] + (known ? 0 : 1));
  }

  // As the terminal player says it: the sums leave out the calls that reported no usage.
  function callsSoFar(t) {
    var k = upperBound(calls.end, t);
    return 'Model calls ' + k + '/' + calls.count + ' \u00b7 tokens so far: in ' + callPrefixIn[k] + ' \u00b7 out '
      + callPrefixOut[k] + ' \u00b7 total ' + (callPrefixIn[k] + callPrefixOut[k])
      + (callPrefixUnknown[k] > 0 ? ' (' + callPrefixUnknown[k] + ' without usage)' : '');
  }

  // ---- Terminal: the emulated screen at t, or a span summary.

  var BASE16 = ['#000000', '#cd0000', '#00cd00', '#cdcd00', '#0000ee', '#cd00cd', '#00cdcd', '#e5e5e5',
    '#7f7f7f', '#ff0000', '#00ff00', '#ffff00', '#5c5cff', '#ff00ff', '#00ffff', '#ffffff'];
  var PALETTE = (function () {
    var out = BASE16.slice();
    var levels = [0, 95, 135, 175, 215, 255];
    for (var i = 0; i < 216; i++) {
      out.push(rgb(levels[Math.floor(i / 36)], levels[Math.floor(i / 6) % 6], levels[i % 6]));
    }
    for (var g = 0; g < 24; g++) {
      var v = 8 + g * 10;
      out.push(rgb(v, v, v));
    }
    return out;
  }());

  function rgb(r, g, b) { return '#' + hex(r, 2) + hex(g, 2) + hex(b, 2); }

  // A colour of CellStyle: -1 default, 0..255 palette, 0x1000000 | 0xRRGGBB 24-bit.
  function color(value) {
    if (value < 0) { return null; }
    if (value & 0x1000000) { return '#' + hex(value & 0xffffff, 6); }
    return PALETTE[value] || null;
  }

  var BOLD = 1, DIM = 2, ITALIC = 4, UNDERLINE = 8, BLINK = 16, INVERSE = 32, HIDDEN = 64, STRIKETHROUGH = 128;

  function styleRun(node, style) {
    var flags = style[0];
    var fg = color(style[1]);
    var bg = color(style[2]);
    if (flags & INVERSE) {
      var swap = fg;
      fg = bg || 'var(--term-bg)';
      bg = swap || 'var(--term-fg)';
    }
    if (fg) { node.style.color = fg; }
    if (bg) { node.style.backgroundColor = bg; }
    if (flags & BOLD) { node.style.fontWeight = 'bold'; }
    if (flags & DIM) { node.style.opacity = '0.6'; }
    if (flags & ITALIC) { node.style.fontStyle = 'italic'; }
    var lines = [];
    if (flags & UNDERLINE) { lines.push('underline'); }
    if (flags & STRIKETHROUGH) { lines.push('line-through'); }
    if (lines.length) { node.style.textDecoration = lines.join(' '); }
    if (flags & HIDDEN) { node.style.color = 'transparent'; }
    if (flags & BLINK) { node.classList.add('blink'); }
  }

  var rowCache = [];
  function screenRow(index) {
    var cached = rowCache[index];
    if (!cached) {
      cached = el('div', 'line');
      var runs = term.rowTable[index];
      for (var r = 0; r + 1 < runs.length; r += 2) {
        if (runs[r + 1] === 0) {
          cached.appendChild(document.createTextNode(runs[r]));
        } else {
          var span = el('span', '', runs[r]);
          styleRun(span, term.styles[runs[r + 1]]);
          cached.appendChild(span);
        }
      }
      rowCache[index] = cached;
    }
    return cached.cloneNode(true);
  }

  var snapshotTimes = term ? term.snapshots.map(function (s) { return s[0]; }) : [];
  var shownSnapshot = -2;
  var screen = byId('screen');
  var summary = byId('span-summary');

  function drawScreen(t) {
    var index = upperBound(snapshotTimes, t) - 1;
    if (index === shownSnapshot) { return; }
    shownSnapshot = index;
    var fragment = document.createDocumentFragment();
    if (index < 0) {
      for (var blank = 0; blank < term.rows; blank++) { fragment.appendChild(el('div', 'line')); }
    } else {
      var snapshot = term.snapshots[index];
      for (var r = 4; r < snapshot.length; r++) { fragment.appendChild(screenRow(snapshot[r])); }
      if (snapshot[3]) {
        var mark = el('div', 'cursor');
        mark.style.top = 'calc(6px + ' + snapshot[1] + ' * 1.25em)';
        mark.style.left = 'calc(8px + ' + snapshot[2] + 'ch)';
        fragment.appendChild(mark);
      }
    }
    screen.replaceChildren(fragment);
  }

  var SUMMARY_LIMIT = 12;
  var summaryAt = -1;
  function drawSummary(t) {
    if (t === summaryAt) { return; }
    summaryAt = t;
    var fragment = document.createDocumentFragment();
    var shown = 0, more = 0;
    var started = upperBound(START, t);
    for (var i = 0; i < started; i++) {
      if (!isActive(i, t)) { continue; }
      if (shown < SUMMARY_LIMIT) {
        fragment.appendChild(el('li', '', kindName(i) + ' ' + visible(spans.name[i]) + ' \u00b7 '
          + groupedMillis(t - START[i]) + ' of ' + millis(END[i] - START[i])));
        shown++;
      } else {
        more++;
      }
    }
    if (shown === 0) { fragment.appendChild(el('li', '', 'no span running at t')); }
    if (more > 0) { fragment.appendChild(el('li', '', 'and ' + more + ' more running')); }
    summary.replaceChildren(fragment);
  }

  // ---- Selected span.

  var shownSelected = -2;
  function drawSelected() {
    if (shownSelected === cursor.selected) { return; }
    shownSelected = cursor.selected;
    var head = byId('selected-head');
    var list = byId('selected-attrs');
    var i = cursor.selected;
    if (i < 0) {
      head.replaceChildren(document.createTextNode('(none: \u2190/\u2192 selects a span)'));
      list.replaceChildren();
      return;
    }
    var parts = [
      el('span', 'sel-id', 'span ' + spans.id[i]),
      el('span', 'sel-kind', kindName(i)),
      el('span', 'sel-name', visible(spans.name[i])),
      el('span', 'sel-start', 'starts at ' + groupedMillis(START[i])),
      el('span', 'sel-duration', millis(END[i] - START[i]))
    ];
    if (unfinished[i]) { parts.push(el('span', 'sel-error', 'UNFINISHED')); }
    if (spans.error[i]) {
      var message = Object.prototype.hasOwnProperty.call(spans.message, i) ? spans.message[i] : '';
      parts.push(el('span', 'sel-error', 'ERROR ' + visible(message)));
    }
    head.replaceChildren.apply(head, parts);
    var fragment = document.createDocumentFragment();
    var pairs = spans.attrs[i];
    for (var k = 0; k + 1 < pairs.length && k < SELECTED_ATTRS * 2; k += 2) {
      fragment.appendChild(el('dt', '', visible(spans.attrKeys[pairs[k]])));
      fragment.appendChild(el('dd', '', valueText(pairs[k + 1])));
    }
    if (pairs.length > SELECTED_ATTRS * 2) {
      // Said, not dropped: the span's row in the table holds them all.
      fragment.appendChild(el('dt', 'sel-more', '…'));
      fragment.appendChild(el('dd', 'sel-more', 'and ' + (pairs.length / 2 - SELECTED_ATTRS)
          + ' more attributes, in the span\'s row of the table'));
    }
    list.replaceChildren(fragment);
  }

  // ---- Drawing a frame.

  var tText = byId('t-text');
  var playState = byId('play-state');
  var frameCounts = byId('frame-counts');
  var callsLine = byId('calls-so-far');
  var ganttCursor = byId('gantt-cursor');
  var gantt = new VirtualList(byId('gantt-viewport'), byId('gantt-canvas'), byId('gantt-rows'), GANTT_ROW, N, ganttRow);
  var spanTable = new VirtualList(byId('span-viewport'), byId('span-canvas'), byId('span-rows'), TABLE_ROW, N, spanTableRow);
  var callTable = byId('call-viewport')
    ? new VirtualList(byId('call-viewport'), byId('call-canvas'), byId('call-rows'), TABLE_ROW, calls.count, callTableRow)
    : null;
  var lastRedrawMillis = 0;
  var revealed = -1;

  function redraw() {
    var began = performance.now();
    var t = cursor.t;
    tText.textContent = 't = ' + groupedMillis(t) + ' / ' + data.durationText;
    playState.textContent = (cursor.playing ? '\u25b6 playing ' : '\u275a\u275a paused ') + speedText();
    var frame = counts(t);
    frameCounts.textContent = 'active ' + frame.active + ' \u00b7 finished ' + frame.finished
      + ' \u00b7 not started ' + frame.notStarted;
    if (cursor.selected >= 0 && cursor.selected !== revealed) {
      gantt.reveal(cursor.selected);
      spanTable.reveal(cursor.selected);
    }
    revealed = cursor.selected;
    gantt.render();
    ganttCursor.style.left = 'calc(var(--label-w) + (100% - var(--label-w)) * ' + fraction(t) + ')';
    spanTable.render();
    if (callTable) { callTable.render(); }
    drawSelected();
    callsLine.textContent = callsSoFar(t);
    if (term) { drawScreen(t); } else { drawSummary(t); }
    document.body.dataset.t = String(t);
    document.body.dataset.selected = cursor.selected >= 0 ? spans.id[cursor.selected] : '';
    lastRedrawMillis = performance.now() - began;
  }

  var looping = false;
  function loop() {
    advance();
    redraw();
    if (cursor.playing) {
      requestAnimationFrame(loop);
    } else {
      looping = false;
    }
  }

  function handleKey(key) {
    if (!Object.prototype.hasOwnProperty.call(KEYS, key)) { return false; }
    KEYS[key]();
    redraw();
    if (cursor.playing && !looping) {
      looping = true;
      requestAnimationFrame(loop);
    }
    return true;
  }

  document.addEventListener('keydown', function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (handleKey(event.key)) { event.preventDefault(); }
  });

  // A click on a span row selects it and moves to its start, like stepping onto it.
  function onRowClick(event) {
    var row = event.target.closest('[data-index]');
    if (!row) { return; }
    var index = Number(row.dataset.index);
    if (!(index >= 0 && index < N)) { return; }
    pause();
    select(index);
    redraw();
  }
  byId('gantt-rows').addEventListener('click', onRowClick);
  byId('span-rows').addEventListener('click', onRowClick);
  if (callTable) { byId('call-rows').addEventListener('click', onRowClick); }

  if (term) {
    // Blank cells at the end of a row are not stored: the grid keeps the terminal's width.
    screen.style.width = 'calc(' + term.columns + 'ch + 16px)';
  }

  redraw();
  var loadMillis = performance.now();
  document.body.dataset.loadMs = loadMillis.toFixed(1);

  // Read-only hooks for tests and benchmarks.
  Object.defineProperty(window, 'cabPage', {
    value: Object.freeze({
      t: function () { advance(); return cursor.t; },
      selectedIndex: function () { return cursor.selected; },
      selectedSpanId: function () { return cursor.selected >= 0 ? spans.id[cursor.selected] : null; },
      playing: function () { advance(); return cursor.playing; },
      speed: function () { return SPEEDS[cursor.speedIndex]; },
      clockText: function () { return tText.textContent; },
      spanCount: function () { return N; },
      step: function (key) { handleKey(key); return cursor.t; },
      lastRedrawMillis: function () { return lastRedrawMillis; },
      loadMillis: function () { return loadMillis; },
      timings: function () { return { scriptStart: scriptStart, dataParsed: parsed, ready: loadMillis }; }
    }),
    writable: false,
    configurable: false
  });

  // #bench: time key steps, layout included, for PageBenchmark (chromium --dump-dom).
  if (location.hash === '#bench') {
    var keys = ['ArrowRight', '.', 'ArrowLeft', ',', 'G', 'g', 'ArrowRight', 'ArrowRight'];
    var times = [];
    for (var s = 0; s < 64; s++) {
      var began = performance.now();
      handleKey(keys[s % keys.length]);
      void document.body.offsetHeight;
      times.push(performance.now() - began);
    }
    times.sort(function (a, b) { return a - b; });
    document.body.dataset.benchStepMs = times[times.length >> 1].toFixed(2);
    document.body.dataset.benchStepMaxMs = times[times.length - 1].toFixed(2);
  }
}());
