// Files the page offers, built as Blobs from parts from the report's
// compact form (a DiagnosticList), so a report of a million diagnostics is
// never one giant string; what must visit every diagnostic runs in slices.
import { slices } from './slices.js';

const PART_CHARS = 1 << 20;

/** Offer `blob` as a download named `name`. */
export function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own reference once started; the URL can go a little later.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * The report as `rowcheck check --format json` prints it: its keys in
 * order, one line; the diagnostics are the list's JSON as it is.
 */
export function reportJson(report) {
  const parts = ['{'];
  Object.entries(report).forEach(([key, value], i) => {
    parts.push(`${i ? ',' : ''}${JSON.stringify(key)}:`);
    if (key === 'diagnostics') parts.push('[', value.json, ']');
    else parts.push(JSON.stringify(value));
  });
  parts.push('}\n');
  return new Blob(parts, { type: 'application/json' });
}

const COLUMNS = ['row', 'severity', 'code', 'pointer', 'line', 'column', 'message', 'suggestion'];

/**
 * A CSV cell: quoted when needed, and text a spreadsheet would run as a
 * formula (=, +, -, @ first) prefixed with a quote so it stays text.
 */
function cell(value) {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Parts of text, each about PART_CHARS long: a Blob of them is never one giant string. */
class Parts {
  list = [];
  #part = '';

  add(text) {
    this.#part += text;
    if (this.#part.length > PART_CHARS) this.list.push(this.#part), (this.#part = '');
  }

  blob(type) {
    this.list.push(this.#part);
    return new Blob(this.list, { type });
  }
}

/** One line per diagnostic (RFC 4180, CRLF line ends). */
export async function reportCsv(list) {
  const parts = new Parts();
  parts.add(COLUMNS.join(',') + '\r\n');
  await slices(list.length, (i) => {
    const d = list.at(i);
    parts.add(COLUMNS.map((c) => cell(d[c])).join(',') + '\r\n');
  });
  return parts.blob('text/csv');
}

/**
 * Each row that has errors, once, with the line of its first error and
 * its error codes: the list to fix before re-checking. Resolves to
 * `{ blob, rows }`.
 */
export async function errorRowsCsv(list) {
  const error = list.severityNames.indexOf('error');
  const rows = new Map();
  await slices(list.length, (i) => {
    if (list.severities[i] !== error || list.rows[i] < 0) return;
    const seen = rows.get(list.rows[i]);
    if (seen) seen.codes.add(list.code(i));
    else rows.set(list.rows[i], { line: list.at(i).line, codes: new Set([list.code(i)]) });
  });
  const parts = new Parts();
  parts.add('row,line,codes\r\n');
  const sorted = Float64Array.from(rows.keys()).sort();
  await slices(sorted.length, (k) => {
    const { line, codes } = rows.get(sorted[k]);
    parts.add(`${sorted[k]},${line},${cell([...codes].join(' '))}\r\n`);
  });
  return { blob: parts.blob('text/csv'), rows: rows.size };
}

/** `manifest.ndjson` → `manifest.normalized.ndjson`. */
export function derivedName(name, suffix, extension) {
  const dot = name.lastIndexOf('.');
  const base = dot > 0 ? name.slice(0, dot) : name;
  return `${base}.${suffix}${extension ?? (dot > 0 ? name.slice(dot) : '')}`;
}
