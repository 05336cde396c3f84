// The summary and the chart of diagnostics by code: counts only, from the report.

function item(list, term, value) {
  const dt = document.createElement('dt');
  dt.textContent = term;
  const dd = document.createElement('dd');
  dd.textContent = value;
  list.append(dt, dd);
}

/** `1 row`, `2 rows`: a count with its noun. */
export const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/** "N rows" and "N errors" stay literal phrases: tests and scripts look for them. */
export function renderSummary(element, report, file) {
  const { rows, valid_rows: valid, errors, warnings, media_types: media } = report.summary;
  const headline = document.createElement('p');
  headline.className = errors ? 'headline bad' : 'headline good';
  headline.textContent = `${plural(rows, 'row', 'rows')}, ${plural(errors, 'error', 'errors')}, ${plural(warnings, 'warning', 'warnings')}`;
  const verdict = document.createElement('p');
  // A probe's errors are about assets: those rows still go into the chunks.
  const assetErrors = report.probe ? report.diagnostics.filter((d) => d.severity === 'error' && d.code.startsWith('ASSET_')).length : 0;
  const assets = assetErrors ? `${assetErrors === 1 ? '1 asset error says which asset' : `${assetErrors} asset errors say which assets`} will not load once imported. ` : '';
  verdict.textContent = errors > assetErrors
    ? `${assets}${plural(rows - valid, 'row has', 'rows have')} errors and would be left out of the upload chunks; fix them and check again${valid ? `, or upload the ${plural(valid, 'valid row', 'valid rows')}` : ''}.`
    : assetErrors
      ? `${assets}Every row is valid otherwise; fix the assets, or the URLs, and check again.`
      : rows
      ? `Every row is valid${warnings ? '; the warnings are worth a look' : ''}.`
      : 'The manifest has no rows.';
  const list = document.createElement('dl');
  item(list, 'File', `${file.name} (${formatBytes(file.size)})`);
  item(list, 'Valid rows', String(valid));
  item(list, 'Upload chunks', String(report.chunks.length));
  const types = Object.entries(media).sort((a, b) => b[1] - a[1]);
  item(list, 'Rows per media type', types.length ? types.map(([type, n]) => `${type} ${n}`).join(', ') : 'none');
  const infos = report.summary.infos ?? [];
  if (infos.length) item(list, 'Infos', infos.map(({ code, rows: n }) => `${code} on ${plural(n, 'row', 'rows')}`).join(', '));
  const probe = report.probe;
  if (probe) item(list, 'Assets probed', `${probe.probed} of ${plural(probe.requested, 'URL', 'URLs')} on ${plural(probe.hosts, 'host', 'hosts')}${probe.interrupted ? ' (stopped)' : ''}`);
  element.replaceChildren(headline, verdict, list);
}

/** Diagnostics per code, largest first: [[code, count, severity]]. */
export function countByCode(diagnostics) {
  const counts = new Map();
  for (const d of diagnostics) {
    const seen = counts.get(d.code);
    if (seen) seen.count += 1;
    else counts.set(d.code, { count: 1, severity: d.severity });
  }
  return [...counts].map(([code, { count, severity }]) => [code, count, severity]).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

/** One bar per code; choosing a bar calls `onPick(code)`. */
export function renderChart(element, counts, onPick) {
  const most = counts.length ? counts[0][1] : 0;
  const items = counts.map(([code, count, severity]) => {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'bar';
    button.setAttribute('aria-label', `${code}: ${count}, show only these`);
    const label = document.createElement('span');
    label.className = 'label';
    label.textContent = code;
    const track = document.createElement('span');
    track.className = 'track';
    const fill = document.createElement('span');
    fill.className = 'fill';
    fill.dataset.severity = severity;
    fill.style.width = `${Math.max(1, (count / most) * 100)}%`;
    track.append(fill);
    const value = document.createElement('span');
    value.className = 'count';
    value.textContent = String(count);
    button.append(label, track, value);
    button.addEventListener('click', () => onPick(code));
    li.append(button);
    return li;
  });
  if (items.length === 0) {
    const li = document.createElement('li');
    li.className = 'muted';
    li.textContent = 'No diagnostics at all.';
    items.push(li);
  }
  element.replaceChildren(...items);
}

export function formatBytes(n) {
  if (n < 1024) return `${n} bytes`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) value /= 1024, unit++;
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
