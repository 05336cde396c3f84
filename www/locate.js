// A diagnostic's row, read from the File itself: the page never holds the
// manifest, so it reads only bounded slices (file.slice) around the
// diagnostic's line and column and finds the row's brackets there. JSON
// strings cannot hold a raw newline, so every line starts outside a string:
// scanning from a line start is always in step with the JSON.

const SLICE = 1 << 20;
const MAX_BEHIND = 4 << 20; // bytes read before the position, at most
const AHEAD = 1 << 20; // bytes read after it
const SHOW = 64 * 1024; // characters of a row shown around the value
const EXCERPT = 2048;
const NEWLINE = 10;

const decoder = new TextDecoder();

async function read(file, start, end) {
  return new Uint8Array(await file.slice(start, end).arrayBuffer());
}

/**
 * Where lines start, learnt by scanning forward only as far as a lookup
 * needs and remembered every megabyte or so, so the next lookup starts
 * from a nearby line instead of the top of the file.
 */
export class Lines {
  #file;
  #marks = [{ offset: 0, line: 1 }]; // line starts, in increasing order

  constructor(file) {
    this.#file = file;
  }

  get file() {
    return this.#file;
  }

  /** The byte offset where 1-based `line` starts, or undefined past the end. */
  async start(line) {
    const marks = this.#marks;
    let lo = 0;
    let hi = marks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (marks[mid].line <= line) lo = mid;
      else hi = mid - 1;
    }
    let { offset, line: at } = marks[lo];
    let lastMark = offset;
    const extending = lo === marks.length - 1;
    while (at < line) {
      if (offset >= this.#file.size) return undefined;
      const bytes = await read(this.#file, offset, offset + SLICE);
      let i = 0;
      for (; at < line; ) {
        const n = bytes.indexOf(NEWLINE, i);
        if (n < 0) break;
        i = n + 1;
        at += 1;
        if (extending && offset + i - lastMark >= SLICE) {
          lastMark = offset + i;
          marks.push({ offset: lastMark, line: at });
        }
      }
      offset += at < line ? bytes.length : i;
    }
    return offset;
  }

  /** The byte offset of 1-based `line` and `column` (columns count characters). */
  async offset(line, column) {
    let offset = await this.start(line);
    if (offset === undefined) return undefined;
    for (let left = column - 1; left > 0 && offset < this.#file.size; ) {
      const bytes = await read(this.#file, offset, offset + SLICE);
      let i = 0;
      // A character starts at every byte that is not a UTF-8 continuation byte.
      for (; i < bytes.length; i++) {
        if ((bytes[i] & 0xc0) !== 0x80) {
          if (left === 0) break;
          left -= 1;
        }
      }
      offset += i;
      if (i < bytes.length) break;
    }
    return offset;
  }
}

/**
 * The row a diagnostic is about: `{ text, mark: [from, to], whole }` where
 * `text` is the row as written (or an excerpt), `mark` the offending value
 * within it and `whole` whether `text` is the complete row.
 */
export async function rowOf(lines, d) {
  const file = lines.file;
  const position = await lines.offset(d.line, d.column);
  if (position === undefined) return undefined;
  if (d.row !== null) {
    const depth = d.pointer ? d.pointer.split('/').length - 1 : 0;
    let previous = -1;
    for (const back of [0, 64, 4096, 65536]) {
      const from = Math.max(1, d.line - back);
      const start = await lines.start(from);
      if (position - start > MAX_BEHIND) break;
      const behind = decoder.decode(await read(file, start, position));
      const text = behind + decoder.decode(await read(file, position, position + AHEAD));
      const at = behind.length;
      const open = openers(text, at);
      const enough = depth === 0 || open.length >= depth || open.length === previous || from === 1;
      if (enough) return cut(text, rowStart(text, at, open, depth), at);
      previous = open.length;
    }
  }
  // A file-level problem, or a row too long to place: the text around the position.
  const from = Math.max(0, position - EXCERPT);
  const bytes = await read(file, from, position + EXCERPT);
  let skip = 0;
  while (skip < bytes.length && skip < position - from && (bytes[skip] & 0xc0) === 0x80) skip++; // no half character
  const behind = decoder.decode(bytes.subarray(skip, position - from));
  const text = behind + decoder.decode(bytes.subarray(position - from));
  return { text, mark: [behind.length, valueEnd(text, behind.length)], whole: false };
}

/** Positions of the brackets still open at `at`, outermost first. */
function openers(text, at) {
  const stack = [];
  for (let i = 0; i < at; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) i = stringEnd(text, i) - 1;
    else if (c === 0x7b || c === 0x5b) stack.push(i);
    else if (c === 0x7d || c === 0x5d) stack.pop(); // a closer of something begun before the window: nothing to pop
  }
  return stack;
}

/**
 * Each pointer segment is one level of nesting, so the row opens `depth`
 * brackets out. A member that is missing is reported at the object that
 * lacks it, one level in from where the pointer points: so step inwards to
 * the nearest object, or to the value at the position itself.
 */
function rowStart(text, at, open, depth) {
  if (depth === 0) return at;
  let j = Math.max(0, open.length - depth);
  while (j < open.length && text[open[j]] !== '{') j++;
  if (j < open.length) return open[j];
  return text[at] === '{' ? at : lineStart(text, at);
}

function lineStart(text, at) {
  return text.lastIndexOf('\n', at - 1) + 1;
}

/** The row from `start`, with the value at `at` marked, shortened around the mark when huge. */
function cut(text, start, at) {
  const bracket = text[start] === '{' || text[start] === '[';
  let end = bracket ? valueEnd(text, start) : text.indexOf('\n', at);
  if (end < 0 || end > text.length) end = text.length;
  const complete = bracket ? end <= text.length && closes(text, end) : true;
  let from = start;
  let to = end;
  let whole = complete;
  if (to - from > SHOW) {
    from = Math.max(start, at - SHOW / 2);
    to = Math.min(end, from + SHOW);
    whole = false;
  }
  const markEnd = Math.min(valueEnd(text, at), to);
  return { text: text.slice(from, to).replace(/\r$/, ''), mark: [at - from, markEnd - from], whole };
}

function closes(text, end) {
  const c = text[end - 1];
  return c === '}' || c === ']';
}

/** Index just past the string that opens at `i`, or the text's end. */
function stringEnd(text, i) {
  for (let k = i + 1; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === 0x5c) k++;
    else if (c === 0x22) return k + 1;
    else if (c === 0x0a) return k; // an unterminated string ends with its line
  }
  return text.length;
}

/** Index just past the JSON value (or bare token) that starts at `at`. */
function valueEnd(text, at) {
  const c = text[at];
  if (c === '"') return stringEnd(text, at);
  if (c === '{' || c === '[') {
    let depth = 0;
    for (let i = at; i < text.length; i++) {
      const k = text.charCodeAt(i);
      if (k === 0x22) i = stringEnd(text, i) - 1;
      else if (k === 0x7b || k === 0x5b) depth++;
      else if ((k === 0x7d || k === 0x5d) && --depth === 0) return i + 1;
    }
    return text.length;
  }
  const stop = /[,\]}\r\n]/g;
  stop.lastIndex = at;
  const found = stop.exec(text);
  return found ? found.index : text.length;
}
