// A report's diagnostics in compact form, for a page that shows a large
// report: what rowcheck/worker resolves to with `compact: true`. The worker
// packs them (packDiagnostics) into a few buffers transferred whole: their
// JSON, one byte range each; columns of row, severity and code for filtering
// and sorting; and their text lowercased, for a text filter. The page then
// holds a handful of buffers instead of a million objects (which cost it
// long pauses to receive and to collect), and makes an object only for the
// entry it shows (at()).

const SEVERITIES = ['error', 'warning', 'info'];
/** Diagnostics per block of the lowercased text: one block is searched in a few milliseconds. */
const TEXT_BLOCK = 4096;

const encoder = new TextEncoder();

/** A growable byte buffer written with encodeInto. */
class Bytes {
  bytes;
  length = 0;

  constructor(capacity) {
    this.bytes = new Uint8Array(capacity);
  }

  /** Appends `text` as UTF-8; returns its byte length. */
  write(text) {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const need = this.length + text.length * 3;
    if (need > this.bytes.length) {
      const grown = new Uint8Array(Math.max(need, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    const { written } = encoder.encodeInto(text, this.bytes.subarray(this.length));
    this.length += written;
    return written;
  }

  /** The bytes written, in a buffer of their own size. */
  done() {
    const { buffer } = this.bytes;
    return new Uint8Array(typeof buffer.transfer === 'function' ? buffer.transfer(this.length) : buffer.slice(0, this.length));
  }
}

/**
 * What the text filter searches for a diagnostic: its code, pointer,
 * message and suggestion, apart. A line per diagnostic, so a line break in
 * a value is written as the separator (a search box cannot hold either).
 */
function searchLine(d) {
  const line = `${d.code}\0${d.pointer}\0${d.message}\0${d.suggestion ?? ''}`;
  return line.includes('\n') ? line.replaceAll('\n', '\0') : line;
}

/**
 * The permutation that orders `rows` by row (a problem with the file itself,
 * -1, first), ties in report order; null when they are in that order already.
 */
function orderByRow(rows) {
  let sorted = true;
  for (let i = 1; i < rows.length && sorted; i++) sorted = rows[i - 1] <= rows[i];
  if (sorted) return null;
  // One number per entry, (row + 1) above the bits of its index, sorts natively and stably.
  const scale = 2 ** Math.max(1, Math.ceil(Math.log2(rows.length + 1)));
  const keys = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) keys[i] = (rows[i] + 1) * scale + i;
  keys.sort();
  return Uint32Array.from(keys, (k) => k % scale);
}

/**
 * Pack diagnostic objects; returns `{ packed, transfer }`: `packed` goes
 * through postMessage with `transfer` as its transfer list, and
 * `new DiagnosticList(packed)` on the other side reads it.
 */
export function packDiagnostics(diagnostics) {
  const n = diagnostics.length;
  const rows = new Float64Array(n);
  const severities = new Uint8Array(n);
  const codes = new Uint16Array(n);
  const codeNames = [];
  const codeIds = new Map();
  const starts = new Float64Array(n + 1);
  const json = new Bytes(Math.max(1024, n * 320));
  const text = new Bytes(Math.max(1024, n * 200));
  const textStarts = new Float64Array(Math.ceil(n / TEXT_BLOCK) + 1);
  for (let block = 0; block * TEXT_BLOCK < n; block++) {
    const end = Math.min(n, (block + 1) * TEXT_BLOCK);
    const lines = [];
    for (let i = block * TEXT_BLOCK; i < end; i++) {
      const d = diagnostics[i];
      rows[i] = d.row ?? -1;
      severities[i] = SEVERITIES.indexOf(d.severity);
      let id = codeIds.get(d.code);
      if (id === undefined) codeIds.set(d.code, (id = codeNames.push(d.code) - 1));
      codes[i] = id;
      // Comma-separated: between "[" and "]" the buffer is the report's diagnostics array.
      if (i > 0) json.write(',');
      starts[i] = json.length;
      json.write(JSON.stringify(d));
      lines.push(searchLine(d));
    }
    // Lowered a block at a time: the same as each field apart, since no case mapping looks across a NUL.
    text.write(lines.join('\n').toLowerCase());
    textStarts[block + 1] = text.length;
  }
  // One past the end, as if a comma followed the last entry.
  starts[n] = json.length + 1;
  const packed = { json: json.done(), starts, rows, severities, codes, codeNames, text: text.done(), textStarts, byRow: orderByRow(rows) };
  const transfer = [packed.json, packed.starts, rows, severities, codes, packed.text, textStarts, packed.byRow].filter(Boolean).map((a) => a.buffer);
  return { packed, transfer };
}

const decoder = new TextDecoder();

/**
 * A report's diagnostics, packed. Read-only and array-like: `length`,
 * `at(i)` (the diagnostic object, made on each call), iteration, and
 * `toJSON()` (so `JSON.stringify(report)` is the report). The columns
 * (`rows`, `severities`, `codes`) let a caller filter and count without
 * making objects.
 */
export class DiagnosticList {
  #json;
  #starts;
  #text;
  #textStarts;
  #needle; // the last needle markText() was given, and its UTF-8

  constructor({ json, starts, rows, severities, codes, codeNames, text, textStarts, byRow }) {
    this.#json = json;
    this.#starts = starts;
    this.#text = text;
    this.#textStarts = textStarts;
    /** Each diagnostic's row; -1 for a problem with the file itself. */
    this.rows = rows;
    /** Each diagnostic's severity, an index into `severityNames`. */
    this.severities = severities;
    this.severityNames = SEVERITIES;
    /** Each diagnostic's code, an index into `codeNames`. */
    this.codes = codes;
    this.codeNames = codeNames;
    /** The indices in row order (stable), or null when the list is in row order already. */
    this.byRow = byRow;
    Object.freeze(this);
  }

  get length() {
    return this.rows.length;
  }

  /** The diagnostic at `index` as the report has it, or undefined past the end. */
  at(index) {
    if (!(index >= 0 && index < this.length)) return undefined;
    return JSON.parse(decoder.decode(this.#json.subarray(this.#starts[index], this.#starts[index + 1] - 1)));
  }

  row(index) {
    const row = this.rows[index];
    return row < 0 ? null : row;
  }

  severity(index) {
    return SEVERITIES[this.severities[index]];
  }

  code(index) {
    return this.codeNames[this.codes[index]];
  }

  /** The diagnostics as JSON, comma-separated: what goes between the brackets of the report's array. */
  get json() {
    return this.#json;
  }

  /** Blocks of the lowercased text markText() searches, a few thousand diagnostics each. */
  get textBlocks() {
    return this.#textStarts.length - 1;
  }

  /**
   * Set `marks[i]` to 1 for each diagnostic `i` of text block `block` whose
   * code, pointer, message or suggestion, lowercased, contains `needle`
   * (lowercase it first); a page searches block by block between frames.
   * The search runs on the UTF-8 bytes (a match of valid UTF-8 is a match
   * of the characters), so it makes no string at all.
   */
  markText(needle, marks, block) {
    if (this.#needle?.text !== needle) this.#needle = { text: needle, bytes: encoder.encode(needle) };
    const want = this.#needle.bytes;
    const m = want.length;
    const text = this.#text.subarray(this.#textStarts[block], this.#textStarts[block + 1]);
    const end = text.length;
    let index = block * TEXT_BLOCK;
    let lineEnd = text.indexOf(0x0a);
    if (lineEnd < 0) lineEnd = end;
    for (let at = 0; m > 0 && at + m <= end; ) {
      const hit = text.indexOf(want[0], at);
      if (hit < 0 || hit + m > end) break;
      let k = 1;
      while (k < m && text[hit + k] === want[k]) k++;
      if (k < m) {
        at = hit + 1;
        continue;
      }
      while (lineEnd < hit) {
        index++;
        lineEnd = text.indexOf(0x0a, lineEnd + 1);
        if (lineEnd < 0) lineEnd = end;
      }
      marks[index] = 1;
      // One match marks the line: go on from the next.
      at = lineEnd + 1;
    }
  }

  /** Manifest rows with an error, ascending, each once (what split() leaves out of the chunks). */
  errorRows() {
    const error = SEVERITIES.indexOf('error');
    const found = [];
    for (let i = 0; i < this.length; i++) if (this.severities[i] === error && this.rows[i] >= 0) found.push(this.rows[i]);
    const sorted = Float64Array.from(found).sort();
    const rows = [];
    for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) rows.push(sorted[i]);
    return rows;
  }

  *[Symbol.iterator]() {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }

  toJSON() {
    return [...this];
  }
}
