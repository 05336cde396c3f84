// How the checker page feels on a 1,000,000-row manifest: the time from
// picking the file to the first progress on screen and to the results
// shown, and the main thread's long tasks (over 50 ms) from the pick until
// the page is used; then the long tasks while the diagnostics list is
// scrolled end to end, its sort reversed and back, and filtered by text.
// Writes the manifest (NDJSON; one row in EVERY uses http://, a warning
// each, so the report is large too) to a temporary file, builds the page,
// starts `rowcheck serve --port 0`, picks the file in headless Chromium.
// Prints one JSON line, with the machine's load average before and after.
//
//   node bench/www-longtasks.mjs [ROWS] [EVERY]     (defaults 1000000 and 10)
//
// Needs the built package (pkg/wasm/), pkg/node_modules and Chromium
// (/usr/bin/chromium, or $CHROMIUM).
import { once } from 'node:events';
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from '../pkg/test/browser.mjs';
import { manifestBlock } from '../pkg/test/worker-page.mjs';

const pkg = fileURLToPath(new URL('../pkg/', import.meta.url));
const rows = Number(process.argv[2] ?? 1_000_000);
const every = Number(process.argv[3] ?? 10);
for (const [name, n] of [['ROWS', rows], ['EVERY', every]]) {
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a whole number of at least 1`);
}

async function writeManifest(path) {
  const lines = manifestBlock().text.trimEnd().split('\n');
  const out = createWriteStream(path);
  for (let i = 0; i < rows; i++) {
    const line = lines[i % lines.length];
    const row = i % every === 0 ? line.replace('https://', 'http://') : line;
    if (!out.write(`${row}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

const dir = mkdtempSync(join(tmpdir(), 'rowcheck-www-bench-'));
const loadBefore = loadavg().map((n) => Number(n.toFixed(2)));
execFileSync(process.execPath, [join(pkg, 'scripts/build-www.mjs')], { stdio: 'ignore' });
const server = spawn(process.execPath, [join(pkg, 'bin/rowcheck.js'), 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
try {
  const path = join(dir, 'manifest.ndjson');
  await writeManifest(path);
  const [url] = await new Promise((resolve) => server.stdout.on('data', (piece) => /http:\/\/\S+/.test(piece) && resolve(/http:\/\/\S+/.exec(piece))));
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(url);
    await page.evaluate(() => {
      const bench = (window.bench = { tasks: [] });
      new PerformanceObserver((list) => bench.tasks.push(...list.getEntries().map((t) => ({ start: t.startTime, duration: t.duration })))).observe({ type: 'longtask' });
      document.getElementById('file').addEventListener('change', () => (bench.picked = performance.now()), { capture: true });
      new MutationObserver(() => {
        if (bench.firstProgress === undefined && / rows, /.test(document.getElementById('status').textContent)) bench.firstProgress = performance.now();
        if (bench.shown === undefined && document.querySelector('[data-testid=diagnostic]')) bench.shown = performance.now();
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.setInputFiles('[data-testid=file-input]', path);
    await page.waitForFunction(() => window.bench.shown !== undefined, null, { timeout: 600_000, polling: 100 });
    const summary = await page.textContent('[data-testid=summary]');

    // Then use the list: scroll it end to end in 40 steps, reverse the sort and back, and filter by text.
    const used = await page.evaluate(async () => {
      const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
      // The results are all there once the list says how many it shows.
      while (!/diagnostic/.test(document.getElementById('shown').textContent)) await wait(20);
      await wait(200);
      const start = performance.now();
      const list = document.getElementById('table');
      for (let i = 1; i <= 40; i++) {
        list.scrollTop = (list.scrollHeight * i) / 40;
        await new Promise(requestAnimationFrame);
      }
      for (const arrow of ['↓', '↑']) {
        document.getElementById('sort-row').click();
        while (document.getElementById('sort-arrow').textContent !== arrow) await wait(20);
      }
      const input = document.getElementById('filter-text');
      input.value = '/videos/';
      input.dispatchEvent(new Event('input'));
      while (!/ of \d+ diagnostics shown/.test(document.getElementById('shown').textContent)) await wait(20);
      return { start, end: performance.now(), shown: document.getElementById('shown').textContent };
    });
    const bench = await page.evaluate(() => window.bench);
    const during = (from, to) => bench.tasks.filter((t) => t.start < to && t.start + t.duration > from);
    // Everything from the pick until the list is used: the check, and showing its results.
    const checking = during(bench.picked, used.start);
    const using = during(used.start, used.end);
    console.log(JSON.stringify({
      bytes: statSync(path).size,
      rows,
      diagnostics: Number(/ of (\d+) diagnostics/.exec(used.shown)?.[1]),
      summary: summary.split(' warnings')[0] + ' warnings',
      first_progress_ms: Math.round(bench.firstProgress - bench.picked),
      results_shown_ms: Math.round(bench.shown - bench.picked),
      long_tasks_checking: checking.length,
      longest_task_checking_ms: Math.round(Math.max(0, ...checking.map((t) => t.duration))),
      long_tasks_scroll_and_filter: using.length,
      longest_task_scroll_and_filter_ms: Math.round(Math.max(0, ...using.map((t) => t.duration))),
      filter: used.shown,
      chromium: browser.version(),
      load_before: loadBefore,
      load_after: loadavg().map((n) => Number(n.toFixed(2))),
    }));
  } finally {
    await browser.close();
  }
} finally {
  server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
