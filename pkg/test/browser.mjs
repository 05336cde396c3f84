// Headless Chromium (Debian's, driven by playwright-core) and a loopback
// static server, for the suites that run the package in a page.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

/**
 * Serve `dir` on 127.0.0.1; resolves to { url, close, requests }: every
 * path asked for, in order (`/__mark` answers 204, so a page can mark a
 * moment in that list).
 */
export async function serve(dir) {
  const requests = [];
  const server = createServer(async (req, res) => {
    requests.push(new URL(req.url, 'http://x').pathname);
    if (req.url === '/__mark') return res.writeHead(204).end();
    let path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    if (path.endsWith('/')) path += 'index.html';
    try {
      const body = await readFile(join(dir, path));
      res.writeHead(200, { 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)), requests };
}

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/**
 * Open `url`, wait for the page to set `window.rowcheckResult`, and return
 * it with every console error and page error seen on the way.
 */
export async function resultOf(browser, url) {
  const page = await browser.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await page.goto(url);
    await page.waitForFunction(() => 'rowcheckResult' in window, null, { timeout: 30_000 });
    return { result: await page.evaluate(() => window.rowcheckResult), errors };
  } finally {
    await page.close();
  }
}
