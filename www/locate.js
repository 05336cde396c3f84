// A diagnostic's row, read from the File itself. The report gives each
// diagnostic the byte offset and length of its row in the input, so the
// page reads exactly those bytes (file.slice) and never scans the file; in
// them it follows the diagnostic's JSON Pointer to the member or element it
// names. The page never holds the manifest.

const READ_MAX = 4 << 20; // bytes of a row read at most
const SHOW = 64 * 1024; // characters of a row shown around the mark
const EXCERPT = 2048; // bytes shown either side of a problem with the file itself

const decoder = new TextDecoder();

async function read(file, start, end) {
  return new Uint8Array(await file.slice(start, end).arrayBuffer());
}

/**
 * The row a diagnostic is about: `{ text, mark: [from, to], whole }` where
 * `text` is the row as written (or an excerpt), `mark` the member or
 * element its pointer names, and `whole` whether `text` is the complete row;
 * undefined when the diagnostic lies past the end of the file.
 */
export async function rowOf(file, d) {
  if (d.offset > file.size) return undefined;
  if (d.row === null) return excerpt(file, d.offset);
  const bytes = await read(file, d.offset, d.offset + Math.min(d.length, READ_MAX));
  const text = decoder.decode(bytes);
  const [from, to] = follow(text, d.pointer);
  return cut(text, from, to, d.length <= READ_MAX);
}

/** The text around `offset`, for a problem with the file rather than a row. */
async function excerpt(file, offset) {
  const from = Math.max(0, offset - EXCERPT);
  const bytes = await read(file, from, offset + EXCERPT);
  let skip = 0;
  while (skip < bytes.length && skip < offset - from && (bytes[skip] & 0xc0) === 0x80) skip++; // no half character
  const behind = decoder.decode(bytes.subarray(skip, offset - from));
  const text = behind + decoder.decode(bytes.subarray(offset - from));
  return { text, mark: [behind.length, valueEnd(text, behind.length)], whole: false };
}

/**
 * Where `pointer` leads in `text`, a row as written: `[from, to)` of the
 * member (key and value) or array element it names, or of the deepest one
 * that exists; the whole row for the empty pointer or a row that is not
 * JSON. Of a key given twice, the last: a repeat is what a finding names.
 */
function follow(text, pointer) {
  let start = skipBlank(text, 0);
  let span = [0, text.length];
  for (const raw of pointer ? pointer.split('/').slice(1) : []) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    const found = text[start] === '{' ? member(text, start, segment) : text[start] === '[' ? element(text, start, Number(segment)) : undefined;
    if (!found) break;
    span = found.span;
    start = found.value;
  }
  return span;
}

function member(text, open, name) {
  let found;
  for (let i = skipBlank(text, open + 1); text[i] === '"'; ) {
    const keyEnd = stringEnd(text, i);
    const colon = skipBlank(text, keyEnd);
    if (text[colon] !== ':') break;
    const value = skipBlank(text, colon + 1);
    const end = valueEnd(text, value);
    if (keyOf(text.slice(i, keyEnd)) === name) found = { span: [i, end], value };
    const next = skipBlank(text, end);
    if (text[next] !== ',') break;
    i = skipBlank(text, next + 1);
  }
  return found;
}

function element(text, open, index) {
  if (!Number.isInteger(index)) return undefined;
  for (let i = skipBlank(text, open + 1), n = 0; i < text.length && text[i] !== ']'; n++) {
    const end = valueEnd(text, i);
    if (n === index) return { span: [i, end], value: i };
    const next = skipBlank(text, end);
    if (text[next] !== ',') break;
    i = skipBlank(text, next + 1);
  }
  return undefined;
}

function keyOf(token) {
  try {
    return JSON.parse(token);
  } catch {
    return token.slice(1, -1);
  }
}

function skipBlank(text, i) {
  while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  return i;
}

/** The row, shortened around the mark when huge. */
function cut(text, from, to, complete) {
  let start = 0;
  let end = text.length;
  if (end - start > SHOW) {
    start = Math.max(0, Math.min(from, text.length - SHOW));
    end = Math.min(text.length, start + SHOW);
  }
  const whole = complete && start === 0 && end === text.length;
  return { text: text.slice(start, end), mark: [from - start, Math.min(to, end) - start], whole };
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
