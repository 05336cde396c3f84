// Files the page offers: built as Blobs from parts, a few thousand
// diagnostics per part, so a report of a million diagnostics is never one
// giant string.

const PER_PART = 10_000;

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

/** The report as `rowcheck check --format json` prints it: its keys in order, one line. */
export function reportJson(report) {
  const parts = ['{'];
  Object.entries(report).forEach(([key, value], i) => {
    parts.push(`${i ? ',' : ''}${JSON.stringify(key)}:`);
    if (key !== 'diagnostics') {
      parts.push(JSON.stringify(value));
      return;
    }
    parts.push('[');
    for (let start = 0; start < value.length; start += PER_PART) {
      const slice = value.slice(start, start + PER_PART).map((d) => JSON.stringify(d));
      parts.push((start ? ',' : '') + slice.join(','));
    }
    parts.push(']');
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

/** One line per diagnostic (RFC 4180, CRLF line ends). */
export function reportCsv(diagnostics) {
  const parts = [COLUMNS.join(',') + '\r\n'];
  for (let start = 0; start < diagnostics.length; start += PER_PART) {
    let part = '';
    for (const d of diagnostics.slice(start, start + PER_PART)) part += COLUMNS.map((c) => cell(d[c])).join(',') + '\r\n';
    parts.push(part);
  }
  return new Blob(parts, { type: 'text/csv' });
}

/**
 * Each row that has errors, once, with the line of its first error and
 * its error codes: the list to fix before re-checking.
 */
export function errorRowsCsv(diagnostics) {
  const rows = new Map();
  for (const d of diagnostics) {
    if (d.severity !== 'error' || d.row === null) continue;
    const seen = rows.get(d.row);
    if (seen) seen.codes.add(d.code);
    else rows.set(d.row, { line: d.line, codes: new Set([d.code]) });
  }
  const parts = ['row,line,codes\r\n'];
  let part = '';
  for (const row of [...rows.keys()].sort((a, b) => a - b)) {
    const { line, codes } = rows.get(row);
    part += `${row},${line},${cell([...codes].join(' '))}\r\n`;
    if (part.length > 1 << 20) parts.push(part), (part = '');
  }
  parts.push(part);
  return { blob: new Blob(parts, { type: 'text/csv' }), rows: rows.size };
}

/** `manifest.ndjson` → `manifest.normalized.ndjson`. */
export function derivedName(name, suffix, extension) {
  const dot = name.lastIndexOf('.');
  const base = dot > 0 ? name.slice(0, dot) : name;
  return `${base}.${suffix}${extension ?? (dot > 0 ? name.slice(dot) : '')}`;
}
