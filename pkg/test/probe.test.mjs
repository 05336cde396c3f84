// rowcheck probe against a loopback asset server with one fault per path
// (asset-server.mjs): exactly the expected ASSET_* code on exactly the
// expected row from the npm CLI, the JS API, rowcheck/worker in headless
// Chromium and the checker page; requests made once per URL, HEAD falling
// back to a ranged GET, Retry-After honored, hosts that refuse every
// connection given up on; a manifest that does not parse probes nothing;
// --dry-run sends nothing and --sample picks the same URLs every run;
// Ctrl-C stops and still reports. Loopback only, each run a few seconds.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probe, probePlan } from 'rowcheck';
import { launch } from './browser.mjs';
import { assetFindings, assetServer, faultManifest } from './asset-server.mjs';
import { openWorkerPage } from './worker-page.mjs';
import { root } from './support.mjs';

const bin = join(root, 'pkg/bin/rowcheck.js');
const work = mkdtempSync(join(tmpdir(), 'rowcheck-probe-'));
// Short, so the slow path times out and the suite stays quick; the slow path answers well after.
const TIMEOUT_MS = 500;
const FAST = { timeoutMs: TIMEOUT_MS, backoffMs: 20, maxBackoffMs: 2000 };
const FAST_FLAGS = ['--timeout-ms', String(TIMEOUT_MS)];

let server;
let manifest;
let path;
let browser;

before(async () => {
  server = await assetServer({ slowMs: 4 * TIMEOUT_MS });
  manifest = faultManifest(server);
  path = join(work, 'faults.json');
  writeFileSync(path, manifest.text);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Start the npm CLI: { child, done }, `done` resolving to { status, stdout, stderr, ms }. */
function start(args) {
  const started = performance.now();
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (piece) => (stdout += piece));
  child.stderr.on('data', (piece) => (stderr += piece));
  const done = new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr, ms: performance.now() - started })));
  return { child, done };
}

const cli = (args) => start(args).done;

/** The requests for `p` (a browser's CORS preflights left out), of `method` if given. */
const requestsFor = (p, method) => server.requests.filter((r) => r.path === p && r.method !== 'OPTIONS' && (method === undefined || r.method === method));

/** What every surface must show about the requests themselves. */
function assertRequests(surface) {
  assert.equal(requestsFor('/missing.jpg', 'HEAD').length, 1, `${surface}: a URL in two rows is requested once`);
  const limited = requestsFor('/rate-limited-once.jpg');
  assert.equal(limited.length, 2, `${surface}: 429 is retried once it clears`);
  assert.ok(limited[1].at - limited[0].at >= 900, `${surface}: Retry-After: 1 is honored (${(limited[1].at - limited[0].at).toFixed(0)} ms)`);
  const refused = requestsFor('/head-refused.jpg');
  assert.deepEqual(refused.map((r) => [r.method, r.range]), [['HEAD', undefined], ['GET', 'bytes=0-1023']], `${surface}: HEAD refused, then a ranged GET`);
  assert.equal(requestsFor('/tiles/0/0/0.png').length, 1, `${surface}: one tile, at the lowest zoom`);
  assert.equal(requestsFor('/server-error.jpg', 'HEAD').length, 3, `${surface}: 5xx retried twice`);
}

test('every probe-only code is produced by the fault manifest', () => {
  const codes = readFileSync(join(root, 'pkg/codes.d.ts'), 'utf8').match(/'ASSET_[A-Z_]+'/g).map((c) => c.slice(1, -1));
  assert.ok(codes.length >= 9);
  for (const code of codes) assert.ok(manifest.expected.some((e) => e.includes(` ${code} `)), `${code} is not exercised`);
});

test('npm CLI: exactly the expected code on exactly the expected row, and the requests behind them', async () => {
  server.reset();
  // --verbose: the gs:// URL's ASSET_NOT_PROBED is an info about a row, otherwise only counted.
  const run = await cli(['probe', path, '--format', 'json', '--verbose', ...FAST_FLAGS]);
  assert.equal(run.status, 1, run.stderr);
  const report = JSON.parse(run.stdout);
  assert.deepEqual(assetFindings(report), manifest.expected);
  assert.equal(report.probe.urls, 22);
  assert.equal(report.probe.probed, 22);
  assert.equal(report.probe.not_probed, 1);
  assertRequests('CLI');
  assert.ok(server.requests.every((r) => r.method === 'OPTIONS' || r.origin === 'https://app.labelbox.com'), 'Node claims the app origin');
  // The check's findings are all still there, merged: every row's http URL is URL_INSECURE.
  const check = JSON.parse(spawnSync(process.execPath, [bin, 'check', path, '--format', 'json', '--verbose'], { encoding: 'utf8' }).stdout);
  assert.deepEqual(report.diagnostics.filter((d) => !d.code.startsWith('ASSET_')), check.diagnostics);
  assert.equal(report.summary.errors, check.summary.errors + manifest.expected.filter((e) => e.includes(' error ')).length);
  // An unreachable host never holds the run: the refused port is given up on, the slow path times out.
  assert.ok(run.ms < 15_000, `${run.ms} ms`);

  const text = await cli(['probe', path, ...FAST_FLAGS]);
  assert.match(text.stdout, /^probe: 22 of 22 asset URLs on 2 hosts answered, as https:\/\/app\.labelbox\.com; 1 gs:\/\/ URL not probed$/m);
  assert.match(text.stdout, /infos: (.*, )?ASSET_NOT_PROBED on 1 row \(21\)/);
  assert.doesNotMatch(text.stdout, / info ASSET_NOT_PROBED row /);
  assert.match(text.stdout, /faults\.json:\d+:\d+: error ASSET_FORBIDDEN row 1 \/row_data: ".*forbidden\.jpg" answered 403 Forbidden/);
});

test('JS API: probe() gives the CLI findings; probePlan() names the hosts and sends nothing', async () => {
  server.reset();
  const plan = probePlan(manifest.text);
  assert.deepEqual(plan, { hosts: [{ origin: server.base, urls: 16 }, { origin: server.closedBase, urls: 6 }], urls: 22, notProbed: 1 });
  assert.equal(server.requests.length, 0);
  const progress = [];
  const report = await probe(manifest.text, { ...FAST, verbose: true, onProgress: (p) => progress.push(p) });
  assert.deepEqual(assetFindings(report), manifest.expected);
  assertRequests('API');
  assert.equal(progress.length, 22);
  assert.deepEqual(progress.at(-1), { probed: 22, total: 22 });
  await assert.rejects(probe(manifest.text, { origin: 'not an origin' }), { code: 'INVALID_OPTIONS' });
  await assert.rejects(probe(manifest.text, { perHost: 0 }), { code: 'INVALID_OPTIONS' });
  await assert.rejects(probe(manifest.text, { noSuchOption: 1 }), { code: 'INVALID_OPTIONS' });
});

test('a manifest that does not parse probes nothing and says why', async () => {
  server.reset();
  const broken = join(work, 'broken.json');
  writeFileSync(broken, `[{"row_data": "${server.base}/ok.jpg"},\n{"row_data": "${server.base}/missing.jpg"`);
  const run = await cli(['probe', broken]);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /nothing was probed: the manifest does not parse \(FILE_SYNTAX at line 2, column \d+\)/);
  assert.match(run.stdout, /^probe: nothing probed: /m);
  const report = await probe(readFileSync(broken));
  assert.match(report.probe.refused, /does not parse/);
  assert.equal(report.probe.probed, 0);
  assert.equal(server.requests.length, 0);
});

test('--dry-run sends nothing; --sample picks the same URLs on every run', async () => {
  server.reset();
  const dry = await cli(['probe', path, '--dry-run']);
  assert.equal(dry.status, 0, dry.stderr);
  assert.equal(dry.stdout, [
    'rowcheck probe would request 22 asset URLs on 2 hosts, as https://app.labelbox.com:',
    `  ${server.base}  16 URLs`,
    `  ${server.closedBase}  6 URLs`,
    "and not request 1 gs:// URL (they need the platform's Google Cloud integration)",
    '',
  ].join('\n'));
  assert.equal(server.requests.length, 0);
  const sampled = async () => {
    server.reset();
    const run = await cli(['probe', path, '--sample', '5', '--seed', '7', '--format', 'json', ...FAST_FLAGS]);
    const report = JSON.parse(run.stdout);
    assert.equal(report.probe.requested, 5);
    return { findings: assetFindings(report), paths: [...new Set(server.requests.map((r) => r.path))].sort() };
  };
  const first = await sampled();
  assert.deepEqual(await sampled(), first);
  assert.ok(first.findings.every((f) => manifest.expected.includes(f)), 'a sample finds a subset of the findings');
  const bad = await cli(['probe', path, '--sample', '0']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--sample <N>/);
  const origin = await cli(['probe', path, '--origin', 'https://app.example.com/path']);
  assert.equal(origin.status, 2);
  assert.match(origin.stderr, /an origin such as https:\/\/app\.labelbox\.com/);
});

test('Ctrl-C stops the probe at once and prints what was probed', async () => {
  server.reset();
  const slow = join(work, 'slow.json');
  writeFileSync(slow, JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ row_data: `${server.base}/slow.jpg?n=${i}`, media_type: 'IMAGE' }))));
  const { child, done } = start(['probe', slow, '--format', 'json', '--timeout-ms', '60000', '--concurrency', '4']);
  const deadline = Date.now() + 10_000;
  while (server.requests.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const sent = performance.now();
  child.kill('SIGINT');
  const run = await done;
  assert.equal(run.status, 130, run.stderr);
  assert.ok(performance.now() - sent < 3000, 'stops without waiting for the answers');
  assert.match(run.stderr, /probe interrupted after \d+ of 200 URLs; the report covers those/);
  const report = JSON.parse(run.stdout);
  assert.equal(report.probe.interrupted, true);
  assert.ok(report.probe.probed < 200);
  assert.equal(report.summary.rows, 200);
});

test('rowcheck/worker in headless Chromium: probeFile gives the same codes on the same rows, from the page origin', async () => {
  const { page, errors, close } = await openWorkerPage(browser);
  try {
    server.reset();
    const { plan, report, progress } = await page.evaluate(async ({ text, options }) => {
      const { probeFile, probePlanFile } = await import('rowcheck/worker');
      const file = new Blob([text]);
      const plan = await probePlanFile(file);
      const progress = [];
      const report = await probeFile(file, { ...options, verbose: true, onProgress: (p) => p.probe && progress.push(p.probe) });
      return { plan, report, progress };
    }, { text: manifest.text, options: FAST });
    assert.equal(plan.urls, 22);
    assert.deepEqual(assetFindings(report), manifest.expected);
    assert.equal(report.probe.origin, new URL(page.url()).origin, 'CORS is judged for the page, whose origin the browser sends');
    assert.deepEqual(progress.at(-1), { probed: 22, total: 22 });
    assertRequests('Worker');
    // Each failed or blocked request is logged by Chromium itself; nothing else may be.
    assert.deepEqual(errors.filter((e) => !/Failed to load resource|CORS|net::ERR_/.test(e)), []);
    const refused = await page.evaluate(async () => {
      const { probeFile } = await import('rowcheck/worker');
      return probeFile(new Blob(['[]']), { origin: 'https://app.labelbox.com' }).then(() => 'resolved', (e) => e.code);
    });
    assert.equal(refused, 'INVALID_OPTIONS', 'in a browser the origin is the page');

    // Aborting stops the requests, and the call still resolves to what was probed.
    const slow = JSON.stringify(Array.from({ length: 50 }, (_, i) => ({ row_data: `${server.base}/slow.jpg?w=${i}`, media_type: 'IMAGE' })));
    const stopped = await page.evaluate(async (text) => {
      const { probeFile } = await import('rowcheck/worker');
      const controller = new AbortController();
      const started = performance.now();
      const report = probeFile(new Blob([text]), { timeoutMs: 60_000, signal: controller.signal, onProgress: ({ probe }) => probe === undefined && setTimeout(() => controller.abort(), 300) });
      const { probe } = await report;
      return { probe, ms: performance.now() - started };
    }, slow);
    assert.equal(stopped.probe.interrupted, true);
    assert.ok(stopped.probe.probed < 50);
    assert.ok(stopped.ms < 5000, `${stopped.ms} ms`);
  } finally {
    await close();
  }
});

/** Serve the built page with `rowcheck serve` (and `flags`); resolves to { url, stop }. */
async function servePage(flags = []) {
  spawnSync(process.execPath, [join(root, 'pkg/scripts/build-www.mjs')], { stdio: 'ignore' });
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', ...flags], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (piece) => {
      out += piece;
      const found = /serving the checker page on (http:\/\/\S+)/.exec(out);
      if (found) resolve(found[1]);
    });
    child.once('exit', (code) => reject(new Error(`rowcheck serve exited with ${code}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

async function openChecker(t, url) {
  const context = await browser.newContext({ acceptDownloads: true });
  t.after(() => context.close());
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && !/Failed to load resource|CORS|net::ERR_/.test(m.text()) && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(url);
  return { page, problems };
}

async function checkIn(page, file) {
  const name = file.split('/').pop();
  await page.setInputFiles('[data-testid=file-input]', file);
  await page.waitForFunction((name) => document.getElementById('status').textContent.startsWith(`Checked ${name} `), name);
  // The hosts are worked out once the step is in view.
  await page.locator('#probe').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => document.getElementById('probe-hosts').childElementCount > 0 || /^(The manifest names|Nothing can be probed|The probe cannot)/.test(document.getElementById('probe-intro').textContent));
}

test('the checker page: the hosts are named before anything is sent, one press probes, the report download holds the findings', async (t) => {
  const served = await servePage();
  t.after(served.stop);
  const { page, problems } = await openChecker(t, served.url);
  server.reset();
  await page.check('#verbose');
  await checkIn(page, path);
  assert.deepEqual(await page.locator('[data-testid=probe-hosts] li').allTextContents(), [`${server.base} 16 URLs`, `${server.closedBase} 6 URLs`]);
  assert.match(await page.textContent('#probe-intro'), /exactly these 2 hosts, and nowhere else/);
  assert.equal(server.requests.length, 0, 'nothing is requested before the button is pressed');
  assert.equal(await page.isVisible('#probe-policy'), false, 'no --allow-probe, and the page does not claim it');
  await page.fill('#probe-timeout', String(TIMEOUT_MS / 1000));
  await page.click('[data-testid=probe-start]');
  await page.waitForFunction(() => document.querySelector('[data-testid=probe-status]').textContent.startsWith('Probed'), null, { timeout: 60_000 });
  assert.match(await page.textContent('[data-testid=summary]'), /Assets probed22 of 22 URLs on 2 hosts/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#dl-report-json')]);
  const report = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.deepEqual(assetFindings(report), manifest.expected);
  assertRequests('page');
  assert.deepEqual(problems, []);
});

test('the checker page: hosts outside its policy turn the button off and say why; --allow-probe lets it reach them and says so', async (t) => {
  const elsewhere = join(work, 'elsewhere.json');
  writeFileSync(elsewhere, JSON.stringify([{ row_data: 'https://assets.example.com/a.jpg', media_type: 'IMAGE' }]));
  const strict = await servePage();
  t.after(strict.stop);
  const { page, problems } = await openChecker(t, strict.url);
  await checkIn(page, elsewhere);
  assert.equal(await page.isDisabled('[data-testid=probe-start]'), true);
  assert.match(await page.textContent('[data-testid=probe-status]'), /cannot reach https:\/\/assets\.example\.com\. Start it with "rowcheck serve --allow-probe"/);

  const open = await servePage(['--allow-probe']);
  t.after(open.stop);
  const csp = (await fetch(open.url)).headers.get('content-security-policy');
  assert.match(csp, /connect-src 'self' http:\/\/localhost:\* http:\/\/127\.0\.0\.1:\* https: http:;/);
  const second = await openChecker(t, open.url);
  await checkIn(second.page, elsewhere);
  assert.equal(await second.page.isVisible('#probe-policy'), true);
  assert.match(await second.page.textContent('#probe-policy'), /--allow-probe/);
  assert.equal(await second.page.isDisabled('[data-testid=probe-start]'), false, 'enabled, and not pressed: the suite stays on loopback');
  assert.deepEqual([...problems, ...second.problems], []);
});
