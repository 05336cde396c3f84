// The worker suite's page, and the long-task measurement it shares with
// bench/worker-longtasks.mjs: check a large manifest with rowcheck/worker
// while the page's main thread is watched.
import { fileURLToPath } from 'node:url';
import { serve } from './browser.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Serve the repository (the page imports pkg/lib/ through an import map and
 * fetches tests/corpus/) and open the worker test page; `errors` collects
 * the page's console errors and uncaught exceptions.
 */
export async function openWorkerPage(browser) {
  const server = await serve(root);
  const page = await browser.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(server.url + 'pkg/test/worker/index.html');
  return {
    page,
    errors,
    close: async () => {
      await page.close();
      await server.close();
    },
  };
}

/**
 * About 1 MiB of NDJSON rows of several media types, with metadata and
 * attachments, that raise no diagnostic at all: repeated, it is a large
 * manifest whose report stays small.
 */
export function manifestBlock() {
  const rows = [];
  let length = 0;
  for (let i = 0; length < 1 << 20; i++) {
    const row = JSON.stringify([
      { row_data: `https://storage.example.com/images/${i}.jpg`, media_type: 'IMAGE', external_id: `img-${i}`, metadata_fields: [{ name: 'split', value: 'train' }, { name: 'tag', value: 'batch-7' }] },
      { row_data: `https://storage.example.com/videos/${i}.mp4`, media_type: 'VIDEO', attachments: [{ type: 'RAW_TEXT', value: 'shot on a phone' }] },
      { row_data: `Inline text number ${i}, to be labeled.`, media_type: 'TEXT', metadata_fields: [{ name: 'captureDateTime', value: '2024-05-01T10:00:00Z' }] },
    ][i % 3]);
    rows.push(row);
    length += row.length + 1;
  }
  return { text: rows.join('\n') + '\n', rows: rows.length };
}

/**
 * checkFile() (with `options`) on a manifest of `blocks` manifestBlock()s
 * made into a Blob in the page, or (`input`) on the file set on the page's
 * file input, while a PerformanceObserver records the main thread's long
 * tasks (over 50 ms) and a 10 ms interval timer measures how late the main
 * thread lets it run. A compact report comes back as the Report it stands
 * for, made once the measurement is over.
 */
export function measureLongTasks(page, { block, blocks, input, options = {} }) {
  return page.evaluate(async ({ block, blocks, input, options }) => {
    const { checkFile } = await import('rowcheck/worker');
    const file = input ? document.querySelector('input[type=file]').files[0] : new Blob(Array(blocks).fill(new TextEncoder().encode(block)));
    const tasks = [];
    const observer = new PerformanceObserver((list) => tasks.push(...list.getEntries()));
    observer.observe({ type: 'longtask', buffered: true });
    // Making the Blob is a long task of its own: end it before the clock starts.
    await new Promise((resolve) => setTimeout(resolve, 0));

    let late = 0;
    let due = performance.now() + 10;
    const timer = setInterval(() => {
      const now = performance.now();
      late = Math.max(late, now - due);
      due = now + 10;
    }, 10);
    const progress = [];
    const progressAt = [];
    const started = performance.now();
    const report = await checkFile(file, {
      ...options,
      onProgress: (p) => {
        progress.push(p);
        progressAt.push(performance.now());
      },
    });
    const ended = performance.now();
    clearInterval(timer);

    // A task known to be long must be recorded too, or "no long tasks" would prove nothing.
    // It runs as a task of its own, after `ended`, so it is not counted below.
    await new Promise((resolve) => setTimeout(resolve, 0));
    const spun = performance.now();
    while (performance.now() - spun < 80);
    const seen = () => tasks.some((t) => t.startTime >= ended && t.duration >= 80);
    for (let waited = 0; !seen() && waited < 3000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    observer.disconnect();
    const during = tasks.filter((t) => t.startTime < ended && t.startTime + t.duration > started);
    return {
      bytes: file.size,
      report: options.compact ? JSON.parse(JSON.stringify(report)) : report,
      seconds: (ended - started) / 1000,
      longest: Math.max(0, ...during.map((t) => t.duration)),
      longTasks: during.length,
      late,
      control: seen(),
      progress,
      progressAt,
    };
  }, { block, blocks, input, options });
}
