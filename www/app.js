// The checker page: a thin UI over rowcheck/worker and rowcheck/uploader.
// Every rule is in the wasm core; the page picks the file, shows what the
// worker reports, and builds downloads from the worker's output.
import { checkFile, normalizeFile, splitFile } from './lib/worker.js';
import { chunkFileName, chunkLimits, init } from './lib/browser.js';
import { reportFileName } from './lib/core.js';
import { DiagnosticTable } from './table.js';
import { Detail } from './detail.js';
import { countByCode, formatBytes, markChart, renderChart, renderSummary } from './summary.js';
import { derivedName, errorRowsCsv, reportCsv, reportJson, save } from './downloads.js';
import { ZipWriter } from './zip.js';
import { UploadPanel } from './upload.js';
import { ProbePanel } from './probe.js';
import { FixPanel } from './fixes.js';
import { plural } from './plural.js';
import { nextFrame, pause } from './slices.js';

const $ = (id) => document.getElementById(id);

let source; // the File to check: picked, dropped, or made from pasted text
let job; // { file, options, report } of the last finished check
let shown; // the report on screen: the check's, or a probe's with the check's merged in
// Reports are compact (rowcheck/worker's `compact: true`): `report.diagnostics`
// is a DiagnosticList, columns and one JSON buffer, decoded as the list scrolls.
let running; // the AbortController of the check in progress

const table = new DiagnosticTable({
  viewport: $('table'),
  spacer: $('spacer'),
  rows: $('rows'),
  onSelect: (d) => detail.show(d),
  onOpen: () => detail.focus(),
  onChange: (shown, total) => ($('shown').textContent = shown === total ? plural(total, 'diagnostic') : `${shown} of ${plural(total, 'diagnostic')} shown`),
});
const detail = new Detail({
  section: $('detail'),
  title: $('detail-title'),
  back: () => $('table').focus(),
  empty: $('detail-empty'),
  body: $('detail-body'),
  code: $('detail-code'),
  where: $('detail-where'),
  message: $('detail-message'),
  suggestionBox: $('detail-suggestion-box'),
  suggestion: $('detail-suggestion'),
  note: $('detail-note'),
  row: $('detail-row'),
});
const uploader = new UploadPanel({
  form: $('upload'),
  destination: $('destination'),
  fields: $('destination-fields'),
  origin: $('upload-origin'),
  start: $('upload-start'),
  pause: $('upload-pause'),
  progress: $('upload-progress'),
  status: $('upload-status'),
  failed: $('upload-failed'),
});
const prober = new ProbePanel(
  {
    section: $('probe'),
    intro: $('probe-intro'),
    policy: $('probe-policy'),
    hosts: $('probe-hosts'),
    timeout: $('probe-timeout'),
    start: $('probe-start'),
    stop: $('probe-stop'),
    progress: $('probe-progress'),
    status: $('probe-status'),
  },
  (report) => showReport(report, job.file),
);
const fixer = new FixPanel(
  {
    start: $('fix-start'),
    status: $('fix-status'),
    result: $('fix-result'),
    recheck: $('fix-recheck'),
    csv: $('fix-csv'),
    changes: $('fix-changes'),
    more: $('fix-more'),
  },
  (file) => choose(file),
);
// The steps after the results, each given every finished check with setJob(job).
const steps = [fixer, prober, uploader];

// ---- input: pick, drop, paste ----

function choose(file) {
  source = file;
  $('file-name').textContent = `${file.name}, ${formatBytes(file.size)}`;
  check({ reveal: true });
}

$('file').addEventListener('change', () => $('file').files[0] && choose($('file').files[0]));
const drop = $('drop');
// Anywhere on the page: a file dropped beside the box must not navigate away from it.
document.addEventListener('dragover', (event) => {
  event.preventDefault();
  drop.classList.add('over');
});
document.addEventListener('dragleave', (event) => event.relatedTarget === null && drop.classList.remove('over'));
document.addEventListener('drop', (event) => {
  event.preventDefault();
  drop.classList.remove('over');
  const file = event.dataTransfer?.files[0];
  if (file) choose(file);
});
$('paste').addEventListener('input', () => {
  source = $('paste').value.trim() ? new File([$('paste').value], 'pasted.json', { type: 'application/json' }) : undefined;
  $('file-name').textContent = source ? `pasted text, ${formatBytes(source.size)}` : '';
});
$('check').addEventListener('click', () => (source ? check({ reveal: true }) : showError('Choose, drop or paste a manifest first.')));
$('cancel').addEventListener('click', () => running?.abort());

// ---- options ----

// The chunk limits are the core's: the page loads it (the worker has its own
// copy) to show the defaults and refuse what no chunk could hold.
init().then(() => {
  const limits = chunkLimits();
  // Grouped by hand: the first toLocaleString() loads locale data, a long task of its own.
  const grouped = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  $('max-rows-default').textContent = `(default ${grouped(limits.maxRows)}; ${grouped(limits.maxRowsWithMetadata)} with metadata)`;
  $('max-bytes-default').textContent = `(default ${grouped(limits.maxBytes)})`;
  $('max-rows').min = limits.minRows;
  $('max-bytes').min = limits.minBytes;
  $('max-bytes').placeholder = limits.maxBytes;
}, (e) => showError(`The checker could not load its core: ${e?.message ?? e}`));

async function textOf(id, what) {
  const file = $(id).files[0];
  if (!file) return undefined;
  try {
    return await file.text();
  } catch (e) {
    throw new Error(`the ${what} file ${file.name} could not be read: ${e.message}`);
  }
}

/** The check options the inputs describe, as check() takes them. */
async function readOptions() {
  const options = { strict: $('strict').checked, verbose: $('verbose').checked };
  // The File itself: the worker streams it, and an organization's list can be longer than a string.
  const existingKeys = $('existing-keys').files[0];
  const ontology = await textOf('ontology', 'ontology');
  const schema = await textOf('schema', 'schema');
  if (existingKeys !== undefined) options.existingKeys = existingKeys;
  if (ontology !== undefined) options.ontology = ontology;
  if (schema !== undefined) options.schema = schema;
  for (const [id, name] of [['max-rows', 'maxRows'], ['max-bytes', 'maxBytes']]) {
    if ($(id).value !== '') options[name] = Number($(id).value);
  }
  return options;
}

const OPTION_INPUTS = ['existing-keys', 'ontology', 'schema', 'strict', 'verbose', 'max-rows', 'max-bytes'];

/** What the option inputs hold, to tell a real change from a change event on blur. */
function optionState() {
  return JSON.stringify(OPTION_INPUTS.map((id) => {
    const input = $(id);
    if (input.type === 'file') return [...input.files].map((f) => [f.name, f.size, f.lastModified]);
    return input.type === 'checkbox' ? input.checked : input.value;
  }));
}

// Re-check when an option changes after a check, so results never describe other options.
for (const id of OPTION_INPUTS) {
  $(id).addEventListener('change', () => job && source && optionState() !== job.optionState && check());
}

// ---- the check ----

const WHAT = { INVALID_ONTOLOGY: 'The ontology file', INVALID_SCHEMA: 'The JSON Schema file', INVALID_OPTIONS: 'The options' };

function showError(message) {
  $('error').hidden = !message;
  $('error').textContent = message ?? '';
}

/** Check `source`; `reveal` takes the page (and the focus) to the results, as for a file just chosen. */
async function check({ reveal = false } = {}) {
  running?.abort();
  const controller = (running = new AbortController());
  const file = source;
  showError();
  const state = optionState();
  let options;
  try {
    options = await readOptions();
  } catch (e) {
    showError(e.message);
    return;
  }
  const progress = $('progress');
  $('progress-box').hidden = false;
  $('cancel').hidden = false;
  progress.value = 0;
  $('status').textContent = `Checking ${file.name}…`;
  const started = performance.now();
  try {
    const report = await checkFile(file, {
      ...options,
      compact: true,
      signal: controller.signal,
      onProgress: ({ bytesRead, totalBytes, rows, errors }) => {
        progress.value = totalBytes ? bytesRead / totalBytes : 1;
        $('status').textContent = `Checking ${file.name}: ${formatBytes(bytesRead)} of ${formatBytes(totalBytes)}, ${plural(rows, 'row')}, ${plural(errors, 'error')} so far…`;
      },
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    $('cancel').hidden = true;
    const done = await show({ file, options, report, optionState: state }, reveal);
    if (done && running === controller) $('status').textContent = `Checked ${file.name} in ${seconds} s.`;
  } catch (e) {
    if (e?.name === 'AbortError') {
      $('status').textContent = `Cancelled: ${file.name} was not checked to the end.`;
      progress.value = 0;
    } else {
      $('status').textContent = '';
      showError(`${WHAT[e?.code] ?? 'The check failed'}: ${e?.message ?? e}`);
    }
  } finally {
    if (running === controller) running = undefined;
    $('cancel').hidden = true;
  }
}

/**
 * Show a finished check: the results first (`reveal` takes the page and
 * the focus there: what the user came for), then the steps after them.
 * A step at a time, each in a task of its own, so even a huge report never
 * holds the page; resolves to false when a newer check took over.
 */
async function show(result, reveal) {
  job = result;
  const { file, report } = result;
  await pause();
  if (job !== result) return false;
  for (const step of document.querySelectorAll('[data-needs-report]')) step.hidden = false;
  // The results, laid out in a frame of their own before anything is drawn into them.
  await nextFrame();
  if (job !== result) return false;
  if (reveal) $('results-title').focus();
  await showReport(report, file);
  if (job !== result) return false;
  offerOutputs();
  const unavailable = $('dl-unavailable');
  unavailable.hidden = !report.summary.file_failed;
  unavailable.textContent = report.summary.file_failed ? NO_OUTPUT : '';
  $('dl-status').textContent = '';
  for (const link of $('chunk-links').querySelectorAll('a')) URL.revokeObjectURL(link.href);
  $('chunk-links').replaceChildren();
  // The uploader places rows by the check's report: a probe's findings do not change the chunks.
  for (const step of steps) {
    await pause();
    if (job !== result) return false;
    step.setJob(result);
  }
  return true;
}

/**
 * The summary, chart, table and detail for `report` (the check's, or a
 * probe's merged one); the first error (or else the first diagnostic) is
 * shown in full at once: what is wrong, and the fix.
 */
async function showReport(report, file) {
  shown = report;
  renderSummary($('summary'), report, file);
  detail.reset(file);
  await nextFrame();
  if (shown !== report) return;
  const counts = countByCode(report.diagnostics);
  renderChart($('chart'), counts, (code) => {
    $('filter-code').value = code;
    filterCode(code);
    $('table').focus();
  });
  const codeSelect = $('filter-code');
  codeSelect.replaceChildren(new Option('all codes', ''), ...counts.map(([code, count]) => new Option(`${code} (${count})`, code)));
  for (const id of ['filter-severity', 'filter-text']) $(id).value = '';
  await nextFrame();
  if (shown !== report) return;
  if (!(await table.setData(report.diagnostics, { severity: '', code: '', text: '' })) || shown !== report) return;
  if (report.diagnostics.length) table.select(Math.max(0, table.firstError));
}

function filterCode(code) {
  markChart($('chart'), code);
  table.setFilter({ code });
}

// ---- filters ----

$('filter-severity').addEventListener('change', () => table.setFilter({ severity: $('filter-severity').value }));
$('filter-code').addEventListener('change', () => filterCode($('filter-code').value));
let typing;
$('filter-text').addEventListener('input', () => {
  clearTimeout(typing);
  typing = setTimeout(() => table.setFilter({ text: $('filter-text').value }), 150);
});
$('sort-row').addEventListener('click', async () => {
  await table.toggleSort();
  $('sort-arrow').textContent = table.descending ? '↓' : '↑';
  $('sort-state').textContent = `, ${table.descending ? 'descending' : 'ascending'}; press to reverse`;
});

// ---- downloads ----

const NO_OUTPUT =
  'The file itself cannot be read to its end as a manifest (the error with no row above): there is no normalized manifest and there are no upload chunks, since they would hold only part of it. Fix the file and check it again.';

/** A file that failed has no normalized form and no chunks: those downloads are off. */
function offerOutputs() {
  for (const id of ['dl-normalized', 'dl-chunks']) $(id).disabled = job.report.summary.file_failed;
}

/** Run a download job with its button disabled and its progress told. */
async function busy(button, work) {
  button.disabled = true;
  try {
    await work();
  } catch (e) {
    $('dl-status').textContent = `${button.textContent} failed: ${e?.message ?? e}`;
  } finally {
    button.disabled = false;
    offerOutputs();
  }
}

$('dl-report-json').addEventListener('click', () => save(reportJson(shown), derivedName(job.file.name, 'report', '.json')));
$('dl-report-csv').addEventListener('click', (event) =>
  busy(event.currentTarget, async () => {
    $('dl-status').textContent = 'Writing the report…';
    save(await reportCsv(shown.diagnostics), derivedName(job.file.name, 'report', '.csv'));
    $('dl-status').textContent = `The report holds ${plural(shown.diagnostics.length, 'diagnostic')}.`;
  }),
);
$('dl-error-rows').addEventListener('click', (event) =>
  busy(event.currentTarget, async () => {
    const { blob, rows } = await errorRowsCsv(shown.diagnostics);
    $('dl-status').textContent = `${plural(rows, 'row has', 'rows have')} errors.`;
    save(blob, derivedName(job.file.name, 'rows-with-errors', '.csv'));
  }),
);
$('dl-normalized').addEventListener('click', (event) =>
  busy(event.currentTarget, async () => {
    const { file, options } = job;
    $('dl-status').textContent = 'Normalizing…';
    const { bytes, report } = await normalizeFile(file, { ...options, compact: true });
    const rowsWithErrors = report.summary.rows - report.summary.valid_rows;
    $('dl-status').textContent = `Normalized manifest ready${rowsWithErrors ? `; ${plural(rowsWithErrors, 'row with errors is', 'rows with errors are')} copied as written` : ''}.`;
    save(new Blob([bytes], { type: file.type || 'application/json' }), derivedName(file.name, 'normalized'));
  }),
);
$('dl-chunks').addEventListener('click', (event) =>
  busy(event.currentTarget, async () => {
    const { file, options } = job;
    const zip = new ZipWriter();
    const links = [];
    $('dl-status').textContent = 'Splitting…';
    const { report } = await splitFile(file, {
      ...options,
      compact: true,
      onChunk: (bytes, index) => {
        zip.add(chunkFileName(index), bytes);
        links.push(chunkLink(bytes, index));
        $('dl-status').textContent = `Splitting: ${plural(index + 1, 'chunk')} so far…`;
      },
    });
    // The same files `rowcheck split --out DIR` writes: the chunks, then report.json.
    zip.add(reportFileName(), new Uint8Array(await reportJson(report).arrayBuffer()));
    $('chunk-links').replaceChildren(...links);
    $('dl-status').textContent = `${plural(report.chunks.length, 'chunk')} of ${plural(report.summary.valid_rows, 'valid row')}, in ${derivedName(file.name, 'chunks', '.zip')}; or save them one by one below.`;
    save(zip.blob(), derivedName(file.name, 'chunks', '.zip'));
  }),
);

function chunkLink(bytes, index) {
  const li = document.createElement('li');
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([bytes], { type: 'application/json' }));
  a.download = chunkFileName(index);
  a.textContent = chunkFileName(index);
  li.append(a, ` ${formatBytes(bytes.length)}`);
  return li;
}

// ---- offline ----

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('sw.js').then(
    () => ($('offline').textContent = 'once loaded, it also works offline.'),
    () => ($('offline').textContent = 'this browser cannot keep it for offline use.'),
  );
}
