// The summary and the chart of problems by code: counts only, from the report.
import { plural } from './plural.js';

function item(list, term, value) {
  const dt = document.createElement('dt');
  dt.textContent = term;
  const dd = document.createElement('dd');
  dd.textContent = value;
  list.append(dt, dd);
}

/**
 * What a person came for, first: the counts, then what to do about them.
 * "N rows" and "N errors" stay literal phrases ("1 row", "1 error"): tests
 * and scripts look for them. `report.diagnostics` is a DiagnosticList.
 */
export function renderSummary(element, report, file) {
  const { rows, valid_rows: valid, errors, warnings, media_types: media } = report.summary;
  const headline = document.createElement('p');
  headline.className = errors ? 'headline bad' : 'headline good';
  headline.textContent = `${plural(rows, 'row')}, ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
  const verdict = document.createElement('p');
  // A probe's errors are about assets: those rows still go into the chunks.
  const assetErrors = report.probe ? countErrors(report.diagnostics, (code) => code.startsWith('ASSET_')) : 0;
  const assets = assetErrors ? `${plural(assetErrors, 'asset error says', 'asset errors say')} which assets will not load once imported. ` : '';
  const invalid = rows - valid;
  verdict.textContent = errors > assetErrors
    ? `${assets}${plural(invalid, 'row has', 'rows have')} errors and would be left out of the upload chunks: each problem below says what is wrong and how to fix it; fix ${invalid === 1 ? 'it' : 'them'} and check again${valid ? `, or upload the ${plural(valid, 'valid row')}` : ''}.`
    : assetErrors
      ? `${assets}Every row is valid otherwise; fix the assets, or the URLs, and check again.`
      : rows
      ? `Every row is valid${warnings ? `; the ${warnings === 1 ? 'warning is' : 'warnings are'} worth a look` : ''}.`
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
  if (probe) item(list, 'Assets probed', `${probe.probed} of ${plural(probe.requested, 'URL')} on ${plural(probe.hosts, 'host')}${probe.interrupted ? ' (stopped)' : ''}`);
  element.replaceChildren(headline, verdict, list);
}

/** Error diagnostics whose code passes `which`, counted from the list's columns. */
function countErrors(list, which) {
  const error = list.severityNames.indexOf('error');
  const wanted = list.codeNames.map(which);
  let n = 0;
  for (let i = 0; i < list.length; i++) if (list.severities[i] === error && wanted[list.codes[i]]) n++;
  return n;
}

/** Diagnostics per code, largest first, from the list's columns: [[code, count, severity]]. */
export function countByCode(list) {
  const counts = new Float64Array(list.codeNames.length);
  const severity = new Array(list.codeNames.length);
  for (let i = 0; i < list.length; i++) {
    const code = list.codes[i];
    if (counts[code]++ === 0) severity[code] = list.severityNames[list.severities[i]];
  }
  return list.codeNames.map((code, id) => [code, counts[id], severity[id]]).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

/**
 * One toggle button per code, its visible text (code, count) leading its
 * name; choosing a bar calls `onPick(code)`, or `onPick('')` for the bar
 * already chosen. markChart() shows which is chosen.
 */
export function renderChart(element, counts, onPick) {
  const most = counts.length ? counts[0][1] : 0;
  const items = counts.map(([code, count, severity]) => {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'bar';
    button.dataset.code = code;
    button.setAttribute('aria-pressed', 'false');
    const label = document.createElement('span');
    label.className = 'label';
    label.textContent = code;
    const track = document.createElement('span');
    track.className = 'track';
    track.setAttribute('aria-hidden', 'true');
    const fill = document.createElement('span');
    fill.className = 'fill';
    fill.dataset.severity = severity;
    fill.style.width = `${Math.max(1, (count / most) * 100)}%`;
    track.append(fill);
    const value = document.createElement('span');
    value.className = 'count';
    value.textContent = String(count);
    const what = document.createElement('span');
    what.className = 'visually-hidden';
    what.textContent = ` ${count === 1 ? 'diagnostic' : 'diagnostics'}, ${severity}; list only these`;
    // The spaces keep the code and the count apart in the button's name.
    button.append(label, ' ', track, value, what);
    button.addEventListener('click', () => onPick(button.getAttribute('aria-pressed') === 'true' ? '' : code));
    li.append(button);
    return li;
  });
  if (items.length === 0) {
    const li = document.createElement('li');
    li.className = 'muted';
    li.textContent = 'No problems at all.';
    items.push(li);
  }
  element.replaceChildren(...items);
}

/** Show `code`'s bar as chosen ('' for none). */
export function markChart(element, code) {
  for (const bar of element.querySelectorAll('.bar')) bar.setAttribute('aria-pressed', String(bar.dataset.code === code));
}

export function formatBytes(n) {
  if (n < 1024) return `${n} bytes`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) value /= 1024, unit++;
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
