// The rows a report marks with an error: split() leaves exactly these out of
// the chunks, so the uploader and the CLI place and list rows by them.

/** Manifest indices of the rows with an error diagnostic, ascending, each once. */
export function errorRows(report) {
  // A compact report (rowcheck/worker's `compact: true`) reads its columns.
  if (typeof report?.diagnostics?.errorRows === 'function') return report.diagnostics.errorRows();
  const rows = new Set();
  for (const d of report?.diagnostics ?? []) if (d.severity === 'error' && d.row != null) rows.add(d.row);
  return [...rows].sort((a, b) => a - b);
}
