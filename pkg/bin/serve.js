// `rowcheck serve`: the checker page (pkg/www/, built by
// scripts/build-www.mjs) over node:http, with the page's own
// Content-Security-Policy sent as a header too. Read-only, GET and HEAD only.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../www/', import.meta.url));

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

const CSP_META = /(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(")/;

/**
 * The page's policy with `allowOrigins` added to connect-src, so the upload
 * panel may reach them, and with `allowProbe` any http(s) host, so the
 * probe may request assets wherever they are; the same string goes into the
 * page's <meta>, since a browser enforces both policies and the stricter
 * one would win.
 */
export function pagePolicy(html, allowOrigins, allowProbe = false) {
  const policy = CSP_META.exec(html)?.[2];
  if (!policy) throw new Error('the built index.html has no Content-Security-Policy <meta>');
  const added = [...allowOrigins, ...(allowProbe ? ['https:', 'http:'] : [])];
  if (added.length === 0) return policy;
  return policy.replace(/connect-src ([^;]*)/, (_, sources) => `connect-src ${sources} ${added.join(' ')}`);
}

/** An --allow-origin value as a CSP source: its origin, http(s) only. */
export function originOf(text) {
  let url;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
}

/** Start serving; resolves to the node:http server once it listens. */
export async function serve({ port, host, allowOrigins, allowProbe = false }) {
  const index = join(ROOT, 'index.html');
  if (!existsSync(index)) throw new Error('the checker page is not built: run `npm run build:www` in pkg/');
  const original = readFileSync(index, 'utf8');
  const policy = pagePolicy(original, allowOrigins, allowProbe);
  const html = original.replace(CSP_META, (_, before, __, after) => before + policy + after);
  const headers = {
    'Content-Security-Policy': `${policy}; frame-ancestors 'none'`,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    // Revalidate every time: an edited page or a rebuilt wasm is seen at once.
    'Cache-Control': 'no-cache',
  };

  const server = createServer(async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end();
      return;
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400, headers).end();
      return;
    }
    if (pathname.endsWith('/')) pathname += 'index.html';
    const path = resolve(ROOT, `.${pathname}`);
    if (!path.startsWith(ROOT.endsWith(sep) ? ROOT : ROOT + sep)) {
      res.writeHead(404, headers).end();
      return;
    }
    let body;
    try {
      body = path === index ? Buffer.from(html) : await readFile(path);
    } catch {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream', 'Content-Length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolveListen);
  });
  return server;
}
