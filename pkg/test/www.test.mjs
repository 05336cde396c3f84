// The checker page end to end: built into pkg/www/, served by
// `rowcheck serve --port 0` as a user would run it, driven in headless
// Chromium. Expected results come from the Node CLI on the same files, never
// from numbers written here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import { launch } from './browser.mjs';
import { manifestBlock } from './worker-page.mjs';
import { startStub } from './labelbox/stub.mjs';
import { assetServer } from './asset-server.mjs';
import { chunkLimits } from 'rowcheck';

// Not support.mjs: these tests need the Node CLI only, not a native build.
const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = join(root, 'pkg');
const bin = join(pkg, 'bin/rowcheck.js');
const artifacts = join(pkg, 'test/artifacts');
const work = mkdtempSync(join(tmpdir(), 'rowcheck-www-'));

let server; // the `rowcheck serve` child
let url;
let browser;

before(async () => {
  execFileSync(process.execPath, [join(pkg, 'scripts/build-www.mjs')], { stdio: 'ignore' });
  server = spawn(process.execPath, [bin, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  url = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (piece) => {
      out += piece;
      const found = /serving the checker page on (http:\/\/\S+)/.exec(out);
      if (found) resolve(found[1]);
    });
    server.once('exit', (code) => reject(new Error(`rowcheck serve exited with ${code}: ${out}`)));
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
});

/** The Node CLI's JSON report for `path` with `flags`. */
function cliReport(path, flags = []) {
  const run = spawnSync(process.execPath, [bin, 'check', path, '--format', 'json', ...flags], { encoding: 'utf8', maxBuffer: 1 << 30 });
  assert.ok(run.status === 0 || run.status === 1, run.stderr);
  return JSON.parse(run.stdout);
}

/** "1 row", "2 rows": the count as the page words it, as a whole phrase. */
function counted(n, noun) {
  return new RegExp(`\\b${n} ${noun}${n === 1 ? '' : 's'}\\b`);
}

function countCodes(diagnostics) {
  const counts = {};
  for (const d of diagnostics) counts[d.code] = (counts[d.code] ?? 0) + 1;
  return counts;
}

/**
 * A fresh page on the checker; `problems` collects console errors, page
 * errors and dialogs (a dialog would mean manifest text ran as script).
 */
async function openPage(t, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  t.after(() => context.close());
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    d.dismiss();
  });
  await page.goto(url);
  return { page, context, problems };
}

/** Pick `path` in the file input and wait for its check to finish. */
async function checkIn(page, path) {
  const name = path.split('/').pop();
  await page.setInputFiles('[data-testid=file-input]', path);
  await page.waitForFunction((name) => document.getElementById('status').textContent.startsWith(`Checked ${name} `), name, { timeout: 60_000 });
  return page.textContent('[data-testid=summary]');
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core on the page as it is now, every rule it has (best practices
 * too), and no violation allowed; `view` names what is on screen. Evaluated
 * through the driver, so the page's Content-Security-Policy stays as it is.
 */
async function assertAccessible(page, view) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const { violations } = await window.axe.run(document, { resultTypes: ['violations'] });
    return violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  assert.deepEqual(violations, [], `axe-core on ${view}`);
}

/** Press Tab (Shift+Tab with `back`) until the focus is on `selector`. */
async function tabTo(page, selector, { back = false, limit = 120 } = {}) {
  for (let i = 0; i < limit; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  assert.fail(`${limit} presses of Tab never reached ${selector}`);
}

const focused = (page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.className);

/** Wait for the check of `name` to finish and its results to be shown. */
function checked(page, name) {
  return page.waitForFunction((name) => document.getElementById('status').textContent.startsWith(`Checked ${name} `), name, { timeout: 60_000 });
}

/** The chart's bars as { code: count }. */
function chartCounts(page) {
  return page.$$eval('#chart .bar', (bars) => Object.fromEntries(bars.map((b) => [b.querySelector('.label').textContent, Number(b.querySelector('.count').textContent)])));
}

/** The value a JSON pointer names in `row`, or undefined. */
function at(row, pointer) {
  let value = row;
  for (const part of pointer.split('/').slice(1)) {
    const key = part.replaceAll('~1', '/').replaceAll('~0', '~');
    if (value === null || typeof value !== 'object' || !(key in value)) return undefined;
    value = value[key];
  }
  return value;
}

test('every example checks with zero errors, and the summary gives the CLI counts', async (t) => {
  const { page, problems } = await openPage(t);
  const examples = readdirSync(join(root, 'examples')).map((f) => join(root, 'examples', f));
  assert.ok(examples.length >= 5);
  for (const path of examples) {
    const expected = cliReport(path);
    const summary = await checkIn(page, path);
    assert.equal(expected.summary.errors, 0, path);
    assert.match(summary, counted(expected.summary.rows, 'row'), path);
    assert.match(summary, counted(0, 'error'), path);
    assert.deepEqual(await chartCounts(page), countCodes(expected.diagnostics), path);
  }
  assert.deepEqual(problems, []);
});

test('infos about rows are counted in the summary; "List each info" lists them as --verbose does', async (t) => {
  const { page, problems } = await openPage(t);
  const path = join(root, 'examples/seed-sdk-bulk-image.json');
  const quiet = cliReport(path);
  assert.match(await checkIn(page, path), /MEDIA_TYPE_INFERRED on 5 rows/);
  assert.equal(await page.locator('[data-testid=diagnostic]').count(), quiet.diagnostics.length);
  await page.check('#verbose');
  const verbose = cliReport(path, ['--verbose']);
  assert.ok(verbose.diagnostics.length > quiet.diagnostics.length);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=diagnostic]').length === n, verbose.diagnostics.length);
  assert.deepEqual(await chartCounts(page), countCodes(verbose.diagnostics));
  assert.deepEqual(problems, []);
});

test('a bad manifest: the codes and counts of the CLI, filters, and each row shown with what it is about highlighted', async (t) => {
  const { page, problems } = await openPage(t);
  const path = join(root, 'tests/corpus/combined-row.json');
  const expected = cliReport(path);
  const summary = await checkIn(page, path);
  assert.match(summary, counted(expected.summary.rows, 'row'));
  assert.match(summary, counted(expected.summary.errors, 'error'));
  assert.ok(expected.summary.errors > 0);
  assert.deepEqual(await chartCounts(page), countCodes(expected.diagnostics));
  const rendered = page.locator('[data-testid=diagnostic]');
  assert.equal(await rendered.count(), expected.diagnostics.length);

  await page.selectOption('#filter-severity', 'error');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=diagnostic]').length === n, expected.summary.errors);
  await page.selectOption('#filter-severity', '');
  const code = expected.diagnostics[0].code;
  await page.click(`#chart .bar[data-code="${code}"]`);
  assert.equal(await page.getAttribute(`#chart .bar[data-code="${code}"]`, 'aria-pressed'), 'true');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=diagnostic]').length === n, countCodes(expected.diagnostics)[code]);
  await page.selectOption('#filter-code', '');
  await page.fill('#filter-text', 'combo-2');
  const withText = expected.diagnostics.filter((d) => [d.message, d.code, d.pointer, d.suggestion ?? ''].some((s) => s.toLowerCase().includes('combo-2')));
  assert.ok(withText.length > 0);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=diagnostic]').length === n, withText.length);
  await page.fill('#filter-text', '');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=diagnostic]').length === n, expected.diagnostics.length);

  // Sorting by row, descending, then back.
  await page.click('#sort-row');
  assert.equal(await rendered.first().locator('.r').textContent(), String(expected.diagnostics.at(-1).row));
  await page.click('#sort-row');
  assert.equal(await rendered.first().locator('.r').textContent(), String(expected.diagnostics[0].row));

  // Each diagnostic's row is shown as written, read at the report's offset
  // and length, and the member or element its pointer names is the highlight.
  const text = readFileSync(path);
  const rows = JSON.parse(text);
  let checked = 0;
  for (const [i, d] of expected.diagnostics.entries()) {
    const value = at(rows[d.row], d.pointer);
    if (value === undefined) continue;
    await rendered.nth(i).click();
    await page.waitForFunction(() => document.querySelector('#detail-row mark') !== null);
    assert.equal(await page.textContent('#detail-row'), text.subarray(d.offset, d.offset + d.length).toString(), `${d.code}: the row as written`);
    const mark = await page.textContent('#detail-row mark');
    const segment = d.pointer.split('/').at(-1);
    const marked = d.pointer === '' || /^\d+$/.test(segment) ? JSON.parse(mark) : JSON.parse(`{${mark}}`)[segment];
    assert.deepEqual(marked, value, `${d.code} ${d.pointer}: ${mark}`);
    assert.equal(await page.textContent('#detail-message'), d.message);
    assert.equal(await page.isVisible('#detail-suggestion-box'), d.suggestion !== undefined);
    if (d.suggestion !== undefined) assert.equal(await page.textContent('#detail-suggestion'), d.suggestion);
    checked += 1;
  }
  assert.ok(checked >= 8, `${checked} highlights checked`);

  // Keyboard: the list takes focus and the arrow keys move the selection.
  await page.focus('#table');
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.getAttribute('#table', 'aria-activedescendant'), 'diagnostic-1');
  assert.equal(await page.textContent('#detail-message'), expected.diagnostics[1].message);

  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, 'results.png'), fullPage: true });
  assert.deepEqual(problems, []);
});

/** A minimal RFC 4180 reader: rows of cells. */
function readCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  for (let i = 0, quoted = false; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') cell += '"', i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\r' && text[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    else cell += c;
  }
  return rows;
}

test('keyboard only: pick a file, read what is wrong first, move through the problems, open one, filter, sort, download; axe-core finds nothing on any view', async (t) => {
  const { page, problems } = await openPage(t);
  const path = join(root, 'tests/corpus/combined-row.json');
  const expected = cliReport(path);
  const ds = expected.diagnostics;
  assert.ok(expected.summary.errors > 0 && ds.some((d) => d.severity !== 'error'));
  await assertAccessible(page, 'the empty page');

  // The file input, reached with Tab and opened with the space bar.
  await tabTo(page, '[data-testid=file-input]');
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Space')]);
  await chooser.setFiles(path);
  await checked(page, 'combined-row.json');

  // What the user came for comes first: the focus is on the results, the summary and the problems are in view, above the downloads and the upload.
  assert.equal(await focused(page), 'results-title');
  const box = async (selector) => page.locator(selector).first().boundingBox();
  const viewport = page.viewportSize();
  for (const selector of ['[data-testid=summary]', '#chart .bar', '[data-testid=diagnostic]']) {
    const b = await box(selector);
    assert.ok(b.y >= 0 && b.y + b.height <= viewport.height, `${selector} is in view (${b.y})`);
  }
  const order = await page.evaluate(() => ['summary', 'chart', 'table', 'detail', 'downloads', 'probe', 'upload'].map((id) => document.getElementById(id).getBoundingClientRect().top));
  assert.deepEqual([...order].sort((a, b) => a - b).slice(0, 2), order.slice(0, 2), 'the summary and the chart lead');
  assert.ok(order[2] < order[4] && order[4] < order[5] && order[5] < order[6], 'problems, then downloads, the probe and the upload');
  assert.match(await page.textContent('[data-testid=summary]'), /each problem below says what is wrong and how to fix it/);
  // The first error is already shown in full: what is wrong, and the fix.
  const firstError = ds.find((d) => d.severity === 'error');
  await page.waitForSelector('#detail-row mark');
  assert.equal(await page.textContent('#detail-message'), firstError.message);
  await assertAccessible(page, 'the results, the first error in the detail pane');

  // A bar of the chart lists only its code; pressed again, all of them.
  const code = ds[0].code;
  const bar = `#chart .bar[data-code="${code}"]`;
  await tabTo(page, bar);
  await page.keyboard.press('Enter');
  const count = countCodes(ds)[code];
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=diagnostic]').length === n, count);
  assert.equal(await focused(page), 'table', 'choosing a bar takes the focus to the list');
  await assertAccessible(page, 'the results filtered by a chart bar');
  await tabTo(page, bar, { back: true });
  await page.keyboard.press('Enter');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=diagnostic]').length === n, ds.length);
  assert.equal(await page.getAttribute(bar, 'aria-pressed'), 'false');

  // The list: Home, the arrows, Enter into the detail pane, Escape back.
  await tabTo(page, '#table');
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.getAttribute('#table', 'aria-activedescendant'), 'diagnostic-1');
  assert.equal(await page.textContent('#detail-message'), ds[1].message);
  await page.keyboard.press('End');
  assert.equal(await page.getAttribute('#table', 'aria-activedescendant'), `diagnostic-${ds.length - 1}`);
  await page.keyboard.press('Enter');
  assert.equal(await focused(page), 'detail-title');
  await page.waitForFunction((m) => document.getElementById('detail-message').textContent === m, ds.at(-1).message);
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'detail-row', 'the row as written can be scrolled from the keyboard');
  await assertAccessible(page, 'the detail pane with a diagnostic selected');
  await page.keyboard.press('Escape');
  assert.equal(await focused(page), 'table');

  // Filters: severity with the arrow keys, text typed; the sort reversed with Enter.
  await tabTo(page, '#filter-severity', { back: true });
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=diagnostic]').length === n, expected.summary.errors);
  await page.keyboard.press('ArrowUp');
  await tabTo(page, '#filter-text');
  await page.keyboard.type('combo-2');
  const withText = ds.filter((d) => [d.message, d.code, d.pointer, d.suggestion ?? ''].some((s) => s.toLowerCase().includes('combo-2')));
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=diagnostic]').length === n, withText.length);
  assert.equal(await page.textContent('#shown'), `${withText.length} of ${ds.length} diagnostics shown`);
  for (let i = 0; i < 'combo-2'.length; i++) await page.keyboard.press('Backspace');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=diagnostic]').length === n, ds.length);
  await tabTo(page, '#sort-row');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('sort-arrow').textContent === '↓');
  assert.equal(await page.locator('[data-testid=diagnostic]').first().locator('.r').textContent(), String(ds.at(-1).row));
  assert.match(await page.textContent('#sort-row'), /^Row.*descending/);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('sort-arrow').textContent === '↑');

  // Downloads, each a button pressed with Enter: the report as the CLI prints it, as CSV, and the rows with errors.
  await tabTo(page, '#dl-report-json');
  const [json] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  assert.deepEqual(JSON.parse(readFileSync(await json.path(), 'utf8')), expected);
  await page.keyboard.press('Tab');
  const [csv] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  const cells = readCsv(readFileSync(await csv.path(), 'utf8'));
  assert.deepEqual(cells[0], ['row', 'severity', 'code', 'pointer', 'line', 'column', 'message', 'suggestion']);
  assert.deepEqual(cells.slice(1).map((c) => [Number(c[0]), c[2], c[6].replace(/^'/, '')]), ds.map((d) => [d.row, d.code, d.message]));
  await page.keyboard.press('Tab');
  const [errorRows] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  const byRow = new Map();
  for (const d of ds.filter((d) => d.severity === 'error')) {
    if (!byRow.has(d.row)) byRow.set(d.row, { line: d.line, codes: new Set() });
    byRow.get(d.row).codes.add(d.code);
  }
  const rows = [...byRow.keys()].sort((a, b) => a - b);
  assert.deepEqual(readCsv(readFileSync(await errorRows.path(), 'utf8')), [['row', 'line', 'codes'], ...rows.map((r) => [String(r), String(byRow.get(r).line), [...byRow.get(r).codes].join(' ')])]);
  assert.equal(await page.textContent('#dl-status'), `${rows.length} ${rows.length === 1 ? 'row has' : 'rows have'} errors.`);
  await assertAccessible(page, 'the downloads');
  assert.deepEqual(problems, []);
});

test('keyboard only: paste a manifest, check it, check its assets load, and upload it to either destination; axe-core finds nothing on any view', async (t) => {
  const assets = await assetServer({ slowMs: 100 });
  t.after(assets.close);
  const server = await ingest(0);
  t.after(server.close);
  const { page, problems } = await openPage(t);
  const manifest = JSON.stringify([
    { row_data: `${assets.base}/ok.jpg`, global_key: 'a', media_type: 'IMAGE' },
    { row_data: `${assets.base}/missing.jpg`, global_key: 'b', media_type: 'IMAGE' },
    { row_data: `${assets.base}/ok.jpg?2`, global_key: 'c', media_type: 'IMAGE' },
  ]);
  const path = join(work, 'pasted.json');
  writeFileSync(path, manifest);
  const expected = cliReport(path, ['--max-rows', '1']);
  assert.deepEqual([expected.summary.errors, expected.summary.warnings], [0, 3], 'http URLs: a warning each');

  await tabTo(page, '#paste-box > summary');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'paste');
  await page.keyboard.insertText(manifest);
  await tabTo(page, '#max-rows');
  await page.keyboard.type('1');
  await tabTo(page, '#check');
  await page.keyboard.press('Enter');
  await checked(page, 'pasted.json');
  assert.equal(await focused(page), 'results-title');
  assert.match(await page.textContent('[data-testid=summary]'), /^3 rows, 0 errors, 3 warningsEvery row is valid; the warnings are worth a look\./);
  await assertAccessible(page, 'the results of a clean manifest');

  // The probe step: its hosts are listed once it is reached, and Enter sends the requests.
  await tabTo(page, '#probe-timeout');
  await page.waitForFunction(() => document.querySelectorAll('#probe-hosts li').length === 1);
  assert.match(await page.textContent('#probe-intro'), /for each of the 3 asset URLs.* to exactly this host, and nowhere else:$/);
  await assertAccessible(page, 'the probe step, its hosts listed');
  await tabTo(page, '[data-testid=probe-start]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid=probe-status]').textContent.startsWith('Probed'), null, { timeout: 60_000 });
  assert.match(await page.textContent('[data-testid=summary]'), /^3 rows, 1 error, 3 warnings1 asset error says which assets will not load/);
  assert.match(await page.textContent('[data-testid=summary]'), /Assets probed3 of 3 URLs on 1 host/);
  assert.deepEqual(await chartCounts(page), { URL_INSECURE: 3, ASSET_NOT_FOUND: 1 });
  await assertAccessible(page, 'the results after the probe');

  // The upload panel, both destinations, chosen with the arrow keys; the HTTP one sends, with Enter.
  await tabTo(page, '#destination');
  await page.keyboard.press('ArrowDown');
  await page.waitForSelector('[data-testid=upload-apiKey]');
  await assertAccessible(page, 'the upload panel, to a Labelbox dataset');
  await page.keyboard.press('ArrowUp');
  await page.waitForSelector('[data-testid=upload-headers]');
  await assertAccessible(page, 'the upload panel, to an HTTP endpoint');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'upload-endpoint');
  await page.keyboard.type(server.endpoint);
  await page.keyboard.press('Tab');
  await page.keyboard.type('Authorization: Bearer keys');
  await tabTo(page, '#upload-start');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('upload-status').textContent.startsWith('Done'), null, { timeout: 60_000 });
  assert.match(await page.textContent('#upload-status'), /^Done: 3 chunks \(3 rows\) sent in/);
  assert.equal(server.applied.size, 3);
  assert.ok(server.received.every((r) => r.authorization === 'Bearer keys'));
  await assertAccessible(page, 'the upload panel, done');
  // Chromium logs each 500 the endpoint answers first, and the probe's 404; anything else is the page's fault.
  assert.deepEqual(problems.filter((p) => !/status of (500|404)/.test(p)), []);
});

test('axe-core finds nothing on the other views: an error, a file that fails, an origin the policy refuses, chunk links, a phone', async (t) => {
  const { page, problems } = await openPage(t);
  await page.click('#check');
  assert.match(await page.textContent('#error'), /Choose, drop or paste a manifest first/);
  await assertAccessible(page, 'the error of a check with no manifest');
  await checkIn(page, join(root, 'tests/corpus/file-truncated-row.json'));
  await assertAccessible(page, 'a file that fails');
  await checkIn(page, join(root, 'tests/corpus/combined-urls.json'));
  await page.fill('[data-testid=upload-endpoint]', 'https://ingest.example.com/rows');
  await page.click('#upload-start');
  await page.waitForSelector('#upload-origin:not([hidden])');
  await page.click('[data-testid=download-chunks]');
  await page.waitForSelector('#chunk-links a');
  await assertAccessible(page, 'chunk links and a refused origin');
  await page.setViewportSize({ width: 390, height: 844 });
  await assertAccessible(page, 'a phone-sized screen');
  assert.deepEqual(problems, []);
});

test('option files: existing keys and an ontology give the CLI counts', async (t) => {
  const { page, problems } = await openPage(t);
  const corpus = join(root, 'tests/corpus');
  for (const [file, input, optionFile, flag] of [
    ['global-key-exists.json', '#existing-keys', 'existing-keys.list', '--existing-keys'],
    ['metadata-value-ontology.json', '#ontology', 'metadata.ontology', '--ontology'],
  ]) {
    await page.setInputFiles(input, join(corpus, optionFile));
    const expected = cliReport(join(corpus, file), [flag, join(corpus, optionFile)]);
    const summary = await checkIn(page, join(corpus, file));
    assert.match(summary, counted(expected.summary.errors, 'error'), file);
    assert.deepEqual(await chartCounts(page), countCodes(expected.diagnostics), file);
    await page.setInputFiles(input, []);
  }
  assert.deepEqual(problems, []);
});

test('manifest text is never markup: an HTML global key shows as text and runs nothing', async (t) => {
  const { page, problems } = await openPage(t);
  const key = '<img src=x onerror=alert(1)>';
  const path = join(work, 'injection.json');
  writeFileSync(path, JSON.stringify([
    { row_data: 'https://example.com/a.jpg', global_key: key },
    { row_data: '<script>window.ran = true</script>', global_key: key.toUpperCase(), external_id: '<b onmouseover=alert(2)>x</b>' },
  ], null, 1));
  const expected = cliReport(path);
  const summary = await checkIn(page, path);
  assert.match(summary, counted(expected.summary.errors, 'error'));
  const texts = await page.locator('[data-testid=diagnostic] .message').allTextContents();
  assert.ok(texts.some((text) => text.includes(key)), 'the key is shown as text');
  for (let i = 0; i < texts.length; i++) {
    await page.locator('[data-testid=diagnostic]').nth(i).click();
    await page.waitForFunction(() => document.getElementById('detail-note').textContent !== 'Reading the row…');
  }
  assert.match(await page.textContent('#detail-row'), /<img src=x onerror=alert\(1\)>|<IMG SRC=X ONERROR=ALERT\(1\)>/);
  assert.equal(await page.locator('main img, main script, main b').count(), 0, 'no element was made from the manifest');
  assert.equal(await page.evaluate(() => window.ran), undefined);
  assert.deepEqual(problems, []);
});

test('cancel mid-way: the check stops, no result is shown, and the next check works', async (t) => {
  const { page, problems } = await openPage(t);
  const block = manifestBlock();
  const path = join(work, 'large.ndjson');
  writeFileSync(path, block.text.repeat(96));
  await page.setInputFiles('[data-testid=file-input]', path);
  await page.waitForFunction(() => {
    const value = document.querySelector('[data-testid=progress]').value;
    return value > 0 && value < 0.5;
  }, null, { timeout: 30_000, polling: 10 });
  await page.click('#cancel');
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Cancelled'));
  assert.equal(await page.isVisible('#results'), false);
  assert.equal(await page.isVisible('#cancel'), false);
  const example = join(root, 'examples/seed-image.json');
  assert.match(await checkIn(page, example), counted(cliReport(example).summary.rows, 'row'));
  assert.deepEqual(problems, []);
});

/** The files of a store-only ZIP, CRCs checked. */
function unzip(bytes) {
  const files = new Map();
  for (let at = 0; bytes.readUInt32LE(at) === 0x04034b50; ) {
    assert.equal(bytes.readUInt16LE(at + 8), 0, 'stored');
    const size = bytes.readUInt32LE(at + 18);
    const nameLength = bytes.readUInt16LE(at + 26);
    const start = at + 30 + nameLength + bytes.readUInt16LE(at + 28);
    const body = bytes.subarray(start, start + size);
    assert.equal(crc32(body), bytes.readUInt32LE(at + 14));
    files.set(bytes.subarray(at + 30, at + 30 + nameLength).toString(), body);
    at = start + size;
  }
  return files;
}

/** 400 rows, every 37th invalid, so chunk boundaries and row indices differ. */
function mixedManifest() {
  return JSON.stringify(Array.from({ length: 400 }, (_, i) =>
    i % 37 === 5 ? { row_data: `https://example.com/a<b/${i}.jpg`, global_key: `k-${i}` } : { row_data: `https://example.com/img/${i}.jpg`, global_key: `k-${i}`, media_type: 'IMAGE' }));
}

test('the chunks download: the files `rowcheck split` writes, byte for byte', async (t) => {
  const { page, problems } = await openPage(t);
  const path = join(work, 'mixed.json');
  writeFileSync(path, mixedManifest());
  const out = join(work, 'split');
  const cli = spawnSync(process.execPath, [bin, 'split', path, '--out', out, '--max-rows', '25'], { encoding: 'utf8' });
  assert.equal(cli.status, 1, cli.stderr);
  await page.fill('#max-rows', '25');
  await checkIn(page, path);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-chunks]')]);
  assert.equal(download.suggestedFilename(), 'mixed.chunks.zip');
  const files = unzip(readFileSync(await download.path()));
  const expected = readdirSync(out).sort();
  assert.ok(expected.length > 10);
  assert.deepEqual([...files.keys()].sort(), expected);
  for (const name of expected) assert.ok(files.get(name).equals(readFileSync(join(out, name))), name);
  assert.equal(await page.locator('#chunk-links a').count(), expected.length - 1);

  const [report] = await Promise.all([page.waitForEvent('download'), page.click('#dl-report-json')]);
  assert.ok(readFileSync(await report.path()).equals(readFileSync(join(out, 'report.json'))), 'the report download is report.json');
  assert.deepEqual(problems, []);
});

test('apply fixes, by keyboard: the download is `rowcheck fix`\'s output byte for byte, every change listed, the fixed manifest checked in its place; axe-core finds nothing', async (t) => {
  const { page, problems } = await openPage(t);
  const corpus = join(root, 'tests/corpus');
  const cases = readdirSync(corpus).filter((f) => f.startsWith('fix-') && /\.(json|ndjson|txt)$/.test(f)).sort();
  assert.ok(cases.length >= 6);
  for (const name of cases) {
    const path = join(corpus, name);
    const ontology = name === 'fix-metadata.json' ? [join(corpus, 'metadata.ontology')] : [];
    await page.setInputFiles('#ontology', ontology);
    const flags = ontology.length ? ['--ontology', ontology[0]] : [];
    const cli = spawnSync(process.execPath, [bin, 'fix', path, '--format', 'json', ...flags], { maxBuffer: 1 << 28 });
    const expected = JSON.parse(cli.stderr.toString().split('\n')[0]);
    const { changes } = expected.fix;
    await checkIn(page, path);
    await tabTo(page, '#fix-start');
    const base = name.replace(/\.[^.]+$/, '');
    const fixedName = `${base}.fixed${name.slice(base.length)}`;
    if (!changes.length) {
      const downloads = [];
      page.on('download', (d) => downloads.push(d.suggestedFilename()));
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => /No safe fix applies/.test(document.getElementById('fix-status').textContent));
      assert.ok(await page.isHidden('#fix-result'), `${name}: no changes to list`);
      assert.deepEqual(downloads, [], `${name}: nothing to download`);
      await assertAccessible(page, `${name}: no safe fix applies`);
      continue;
    }
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    assert.equal(download.suggestedFilename(), fixedName);
    const bytes = readFileSync(await download.path());
    assert.ok(bytes.equals(cli.stdout), `${name}: the download is rowcheck fix's output`);
    assert.ok(bytes.equals(readFileSync(path.replace(/\.[^.]+$/, '.fixed'))), `${name}: the download is its .fixed`);
    await page.waitForSelector('#fix-result:not([hidden])');
    const status = await page.textContent('[data-testid=fix-status]');
    assert.match(status, counted(changes.length, 'change'), `${name}: ${status}`);
    assert.match(status, new RegExp(`after: ${expected.summary.errors} errors?`), `${name}: ${status}`);
    const rows = await page.$$eval('[data-testid=fix-changes] tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    assert.deepEqual(rows.map((r) => [Number(r[0]), r[2], r[3], r[4]]), changes.map((c) => [c.row, c.codes.join(', '), JSON.stringify(c.before), JSON.stringify(c.after)]), `${name}: the changes listed`);
    await assertAccessible(page, `${name}: the changes`);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#fix-csv')]);
    assert.equal(csv.suggestedFilename(), `${base}.changes.csv`);
    assert.equal(readFileSync(await csv.path(), 'utf8').split('\r\n').filter(Boolean).length, changes.length + 1, `${name}: a CSV line per change`);
    // The fixed manifest, checked in place of the original: the report the fix gave.
    await tabTo(page, '#fix-recheck');
    await page.keyboard.press('Enter');
    await checked(page, fixedName);
    assert.deepEqual(await chartCounts(page), countCodes(expected.diagnostics), `${name}: the fixed manifest's findings`);
  }
  // A file that fails has no fixed form.
  await page.setInputFiles('#ontology', []);
  await checkIn(page, join(corpus, 'file-truncated-row.json'));
  assert.ok(await page.isDisabled('#fix-start'));
  assert.match(await page.textContent('[data-testid=fix-status]'), /no fixed form/);
  assert.deepEqual(problems, []);
});

test('a file that fails (truncated, broken between rows): no normalized manifest, no chunks, no upload, and the page says why', async (t) => {
  const { page, problems } = await openPage(t);
  // The limits the page shows are the core's.
  const limits = chunkLimits();
  await page.waitForFunction(() => document.getElementById('max-rows-default').textContent !== '');
  assert.equal(await page.textContent('#max-rows-default'), `(default ${limits.maxRows.toLocaleString('en-US')}; ${limits.maxRowsWithMetadata.toLocaleString('en-US')} with metadata)`);
  assert.equal(await page.getAttribute('#max-bytes', 'min'), String(limits.minBytes));
  for (const name of ['file-truncated-row.json', 'file-syntax-between.json']) {
    const path = join(root, 'tests/corpus', name);
    const expected = cliReport(path);
    assert.equal(expected.summary.file_failed, true, name);
    await checkIn(page, path);
    assert.deepEqual(await chartCounts(page), countCodes(expected.diagnostics), `${name}: the findings are shown`);
    for (const id of ['#dl-normalized', '[data-testid=download-chunks]', '#upload-start']) assert.ok(await page.isDisabled(id), `${name}: ${id} is disabled`);
    assert.ok(await page.isVisible('[data-testid=no-output]'), name);
    assert.match(await page.textContent('[data-testid=no-output]'), /cannot be read to its end as a manifest.*no normalized manifest.*no upload chunks/);
    assert.match(await page.textContent('#upload-status'), /Nothing can be sent/);
    const downloads = [];
    page.on('download', (d) => downloads.push(d.suggestedFilename()));
    await page.click('#dl-normalized', { force: true });
    await page.click('[data-testid=download-chunks]', { force: true });
    await page.waitForTimeout(300);
    assert.deepEqual(downloads, [], `${name}: nothing to download`);
    // The report itself is still there to download.
    const [report] = await Promise.all([page.waitForEvent('download'), page.click('#dl-report-json')]);
    assert.deepEqual(JSON.parse(readFileSync(await report.path(), 'utf8')), expected);
  }
  // A sound file after a broken one gets its downloads back.
  await checkIn(page, join(root, 'examples/seed-image.json'));
  assert.ok(!(await page.isDisabled('#dl-normalized')) && !(await page.isDisabled('[data-testid=download-chunks]')));
  assert.ok(!(await page.isVisible('[data-testid=no-output]')));
  assert.deepEqual(problems, []);
});

/**
 * A loopback ingest endpoint on another port, with CORS as a real one needs
 * for a page: applies each chunk once per Idempotency-Key, answers after
 * `delayMs`, and fails each chunk's first attempt with a 500.
 */
async function ingest(delayMs) {
  const applied = new Map();
  const keys = new Set();
  const received = [];
  const http = createServer((req, res) => {
    const cors = { 'Access-Control-Allow-Origin': new URL(url).origin, 'Access-Control-Allow-Headers': 'content-type, idempotency-key, authorization', 'Access-Control-Allow-Methods': 'POST' };
    if (req.method === 'OPTIONS') return res.writeHead(204, cors).end();
    const key = req.headers['idempotency-key'];
    received.push({ key, authorization: req.headers.authorization });
    const body = [];
    req.on('data', (piece) => body.push(piece));
    req.on('end', () => {
      if (received.filter((r) => r.key === key).length === 1) return res.writeHead(500, cors).end('try again');
      if (!keys.has(key)) {
        keys.add(key);
        for (const row of JSON.parse(Buffer.concat(body))) applied.set(row.global_key, (applied.get(row.global_key) ?? 0) + 1);
      }
      setTimeout(() => res.writeHead(200, cors).end('{}'), delayMs);
    });
  });
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${http.address().port}/rows`, applied, received, close: () => new Promise((r) => http.closeAllConnections() || http.close(r)) };
}

test('upload to a loopback server, paused and resumed: every valid row applied once, only missing chunks sent again', async (t) => {
  const server = await ingest(60);
  t.after(server.close);
  const { page, problems } = await openPage(t);
  const path = join(work, 'upload.json');
  writeFileSync(path, mixedManifest());
  const expected = cliReport(path, ['--max-rows', '10']);
  await page.fill('#max-rows', '10');
  await checkIn(page, path);

  // An origin the policy does not allow is explained, not attempted.
  await page.fill('[data-testid=upload-endpoint]', 'https://ingest.example.com/rows');
  await page.click('#upload-start');
  assert.match(await page.textContent('#upload-origin'), /--allow-origin https:\/\/ingest\.example\.com/);

  await page.fill('[data-testid=upload-endpoint]', server.endpoint);
  await page.fill('[data-testid=upload-headers]', 'Authorization: Bearer page-test');
  await page.click('#upload-start');
  await page.waitForFunction(() => /^[1-9]\d* of/.test(document.getElementById('upload-status').textContent), null, { polling: 5 });
  await page.click('#upload-pause');
  await page.waitForFunction(() => document.getElementById('upload-status').textContent.startsWith('Paused'));
  const pausedAt = server.received.length;
  assert.equal(await page.textContent('#upload-start'), 'Resume');
  await page.click('#upload-start');
  await page.waitForFunction(() => document.getElementById('upload-status').textContent.startsWith('Done'), null, { timeout: 60_000 });
  const status = await page.textContent('#upload-status');
  const skipped = Number(/(\d+) chunks? had been sent before/.exec(status)?.[1]);
  assert.ok(skipped >= 1, status);
  const total = expected.chunks.length;
  assert.ok(total > 20);
  // After the pause, each chunk was asked for (twice: the first attempt fails) unless it had been acknowledged.
  const resent = new Set(server.received.slice(pausedAt).map((r) => r.key));
  assert.ok(resent.size <= total - skipped, `${resent.size} chunks sent again, ${skipped} skipped of ${total}`);
  assert.equal(server.applied.size, expected.summary.valid_rows);
  for (const [key, times] of server.applied) assert.equal(times, 1, key);
  assert.ok(server.received.every((r) => r.authorization === 'Bearer page-test'));
  // Chromium logs each injected 500 itself; anything else is the page's fault.
  assert.deepEqual(problems.filter((p) => !p.includes('status of 500')), []);
});

test('upload to a Labelbox dataset (a loopback stub): rows created, a key Labelbox already has listed by manifest row', async (t) => {
  const stub = await startStub({ apiKey: 'lb-page-key', datasetId: 'ds-page', existingKeys: ['K-3'], cors: true, pollsUntilDone: 0 });
  t.after(stub.close);
  const { page, problems } = await openPage(t);
  const path = join(work, 'labelbox.json');
  writeFileSync(path, mixedManifest());
  const expected = cliReport(path, ['--max-rows', '50']);
  await page.fill('#max-rows', '50');
  await checkIn(page, path);
  await page.selectOption('#destination', 'labelbox');
  assert.equal(await page.inputValue('[data-testid=upload-endpoint]'), 'https://api.labelbox.com/graphql', 'the real API by default');
  await page.fill('[data-testid=upload-datasetId]', 'ds-page');
  await page.fill('[data-testid=upload-apiKey]', 'lb-page-key');
  await page.fill('[data-testid=upload-endpoint]', stub.endpoint);
  await page.click('#upload-start');
  await page.waitForFunction(() => document.getElementById('upload-status').textContent.startsWith('Done'), null, { timeout: 60_000 });
  const created = stub.upserts.flatMap((u) => u.specs.map((spec) => spec.payload.global_key));
  assert.equal(created.length, expected.summary.valid_rows);
  assert.ok(created.includes('k-3'), 'the row is sent: only Labelbox knows the key is taken');
  assert.match(await page.textContent('#upload-status'), /refused 1 row inside/);
  assert.match(await page.textContent('#upload-failed'), /^Row 3: GLOBAL_KEY_DUPLICATE: /);
  assert.deepEqual(problems, []);
});

test('a phone-sized screen: the results fit the width', async (t) => {
  const { page, problems } = await openPage(t, { width: 390, height: 844 });
  await checkIn(page, join(root, 'tests/corpus/combined-urls.json'));
  await page.locator('[data-testid=diagnostic]').first().click();
  await page.waitForSelector('#detail-row mark');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, 'results-phone.png'), fullPage: true });
  assert.deepEqual(problems, []);
});

test('offline once loaded: with the network gone, the page reloads and checks', async (t) => {
  const { page, context, problems } = await openPage(t);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null || document.getElementById('offline').textContent.includes('offline'));
  await page.evaluate(() => navigator.serviceWorker.ready);
  await context.setOffline(true);
  await page.reload();
  const example = join(root, 'examples/seed-video.json');
  assert.match(await checkIn(page, example), counted(cliReport(example).summary.rows, 'row'));
  assert.deepEqual(problems, []);
});

test('a hundred thousand diagnostics: only the rows in view are in the page, and the end is reachable', async (t) => {
  const { page, problems } = await openPage(t);
  const rows = 50_000;
  const path = join(work, 'many.ndjson');
  writeFileSync(path, Array.from({ length: rows }, (_, i) => `{"row_data":"http://h.example/i/${i}.jpg","global_key":"g-${i}"}\n`).join(''));
  // A warning and, listed one by one, an info on every row.
  const expected = cliReport(path, ['--verbose']);
  assert.ok(expected.diagnostics.length >= 100_000);
  await page.check('#verbose');
  await checkIn(page, path);
  assert.ok(await page.locator('[data-testid=diagnostic]').count() < 60);
  await page.focus('#table');
  await page.keyboard.press('End');
  await page.waitForFunction((row) => document.querySelector('#rows [aria-selected=true] .r')?.textContent === String(row), expected.diagnostics.at(-1).row);
  await page.waitForSelector('#detail-row mark');
  // The last row, read at its offset in the file (the end of 3 MB), not found by scanning to it.
  assert.equal(await page.textContent('#detail-row mark'), `"row_data":${JSON.stringify(`http://h.example/i/${rows - 1}.jpg`)}`);
  assert.deepEqual(problems, []);
});

test('rowcheck serve: the page policy as a header and in the page, MIME types, --allow-origin, nothing outside the page', async (t) => {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--allow-origin', 'https://ingest.example.com/rows'], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => child.kill('SIGTERM'));
  const base = await new Promise((resolve) => child.stdout.on('data', (piece) => /on (http:\/\/\S+)/.test(piece) && resolve(/on (http:\/\/\S+)/.exec(piece)[1])));
  const page = await fetch(base);
  const csp = page.headers.get('content-security-policy');
  assert.match(csp, /connect-src 'self' http:\/\/localhost:\* http:\/\/127\.0\.0\.1:\* https:\/\/ingest\.example\.com;/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.ok((await page.text()).includes(`content="${csp.replace("; frame-ancestors 'none'", '')}"`), 'the <meta> carries the same policy');
  assert.equal((await fetch(new URL('wasm/rowcheck_bg.wasm', base))).headers.get('content-type'), 'application/wasm');
  assert.match((await fetch(new URL('lib/worker.js', base))).headers.get('content-type'), /^text\/javascript/);
  assert.equal((await fetch(new URL('%2e%2e/package.json', base))).status, 404);
  assert.equal((await fetch(base, { method: 'POST' })).status, 405);
  const bad = spawnSync(process.execPath, [bin, 'serve', '--allow-origin', 'ftp://x'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
});
