// A loopback server for uploads that injects the faults a test plans:
// 500s, 429 with Retry-After, answers that never come, connections reset
// mid-body, a request applied whose answer is lost, a permanent 400.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = fileURLToPath(new URL('..', import.meta.url));

/**
 * A server that applies each chunk once per Idempotency-Key, after the
 * faults `plan` picks; GET serves the package's files, for the page.
 */
export async function faultyServer(plan) {
  const applied = new Map(); // global_key -> times applied
  const keys = new Set();
  const attempts = new Map();
  const received = [];
  const server = createServer(async (req, res) => {
    if (req.method === 'GET') {
      const path = join(pkg, new URL(req.url, 'http://x').pathname.replace(/^\/+/, ''));
      const type = path.endsWith('.js') ? 'text/javascript' : 'text/html';
      return res.writeHead(200, { 'Content-Type': type }).end(path.startsWith(pkg) && path.endsWith('.js') ? readFileSync(path) : '<!doctype html>');
    }
    const key = req.headers['idempotency-key'];
    const attempt = attempts.get(key) ?? 0;
    attempts.set(key, attempt + 1);
    received.push({ at: performance.now(), key, run: req.headers['x-run'] });
    const fault = plan(key, attempt);
    if (fault === 'reset') {
      req.once('data', () => req.socket.destroy());
      return;
    }
    const body = [];
    req.on('data', (piece) => body.push(piece));
    req.on('end', () => {
      if (fault === 'hang') return;
      if (fault === 500) return res.writeHead(500).end('try again');
      if (fault === 429) return res.writeHead(429, { 'Retry-After': '1' }).end('slow down');
      if (fault === 400) return res.writeHead(400).end('chunk refused for good');
      if (!keys.has(key)) {
        keys.add(key);
        for (const row of JSON.parse(Buffer.concat(body).toString())) applied.set(row.global_key, (applied.get(row.global_key) ?? 0) + 1);
      }
      // Applied, but the answer is lost: only the key saves a second copy.
      if (fault === 'lose-answer') return req.socket.destroy();
      const delay = typeof fault === 'number' ? 0 : fault?.delayMs ?? 0;
      setTimeout(() => res.writeHead(200).end('{}'), delay);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${server.address().port}/rows`;
  return { endpoint, applied, received, close: () => new Promise((resolve) => server.closeAllConnections() || server.close(resolve)) };
}
