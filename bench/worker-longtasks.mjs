// Does the page stay responsive while rowcheck/worker checks a 1 GB file?
// Writes a manifest of N blocks of about 1 MiB (default 1024) to a
// temporary file, picks it through the worker test page's file input in
// headless Chromium (a real File on disk, as a user's would be), checks it
// with checkFile() and records the main thread's long tasks meanwhile.
// Prints one JSON line; exits 1 if any long task was seen.
//
//   node bench/worker-longtasks.mjs [BLOCKS]
//
// Needs the built package (pkg/wasm/), pkg/node_modules and Chromium
// (/usr/bin/chromium, or $CHROMIUM).
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch } from '../pkg/test/browser.mjs';
import { manifestBlock, measureLongTasks, openWorkerPage } from '../pkg/test/worker-page.mjs';

const blocks = Number(process.argv[2] ?? 1024);
if (!Number.isSafeInteger(blocks) || blocks < 1) throw new Error(`BLOCKS must be a whole number of at least 1, not ${process.argv[2]}`);

async function writeManifest(path, text, count) {
  const out = createWriteStream(path);
  const bytes = Buffer.from(text);
  for (let i = 0; i < count; i++) if (!out.write(bytes)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

const dir = mkdtempSync(join(tmpdir(), 'rowcheck-longtasks-'));
try {
  const block = manifestBlock();
  const path = join(dir, 'manifest.ndjson');
  await writeManifest(path, block.text, blocks);
  const browser = await launch();
  try {
    const { page, close } = await openWorkerPage(browser);
    await page.setInputFiles('input[type=file]', path);
    const got = await measureLongTasks(page, { input: true });
    await close();
    if (!got.control) throw new Error('the long-task observer missed a known 80 ms task: no measurement');
    const { rows } = got.report.summary;
    const found = got.report.diagnostics.length;
    if (rows !== block.rows * blocks || found !== 0) throw new Error(`expected ${block.rows * blocks} rows and no diagnostics, got ${rows} and ${found}`);
    console.log(JSON.stringify({
      bytes: got.bytes,
      rows,
      seconds: Number(got.seconds.toFixed(2)),
      mb_per_s: Number((got.bytes / 1e6 / got.seconds).toFixed(1)),
      longest_task_ms: got.longest,
      long_tasks: got.longTasks,
      max_timer_delay_ms: Number(got.late.toFixed(1)),
      progress_events: got.progress.length,
      chromium: browser.version(),
    }));
    process.exitCode = got.longTasks === 0 ? 0 : 1;
  } finally {
    await browser.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
