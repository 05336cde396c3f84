// A loopback asset server for the probe's tests: one path per fault an
// asset's storage can have (each status, a login page, a size over the
// limit, a redirect to another host, missing or wrong CORS, answers past the
// timeout, dropped connections, 429 with Retry-After, HEAD refused), and
// the manifest whose rows point at each, with the findings every surface
// must give for it.
import { createServer } from 'node:http';

/** Every answer the browser may read carries these unless a path says otherwise. */
const CORS = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': 'Retry-After, Content-Range' };

/**
 * Start the server on 127.0.0.1 (and on ::1 where there is one, so
 * `localhost` is another host on the same port); `slowMs` is how late the
 * slow path answers. Resolves to { base, closedBase, requests, close }.
 */
export async function assetServer({ slowMs }) {
  const requests = [];
  const seen = new Map(); // path -> requests so far
  const pending = new Set();
  const handle = (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const n = (seen.get(path) ?? 0) + 1;
    seen.set(path, n);
    requests.push({ path, method: req.method, range: req.headers.range, origin: req.headers.origin, host: req.headers.host, at: performance.now() });
    if (req.method === 'OPTIONS') {
      return res.writeHead(204, { ...CORS, 'Access-Control-Allow-Methods': 'GET, HEAD', 'Access-Control-Allow-Headers': 'range' }).end();
    }
    const send = (status, headers = {}, cors = CORS) => res.writeHead(status, { ...cors, ...headers }).end(req.method === 'HEAD' ? undefined : '');
    const image = { 'Content-Type': 'image/jpeg' };
    switch (path) {
      case '/forbidden.jpg':
        return send(403, { 'Content-Type': 'application/xml' });
      case '/missing.jpg':
        return send(404, { 'Content-Type': 'application/xml' });
      case '/teapot.jpg':
        return send(418);
      case '/server-error.jpg':
        return send(500);
      case '/rate-limited.jpg':
        return send(429, { 'Retry-After': '0' });
      case '/rate-limited-once.jpg':
        return n === 1 ? send(429, { 'Retry-After': '1' }) : send(200, image);
      case '/login.jpg':
        return send(200, { 'Content-Type': 'text/html; charset=utf-8' });
      case '/huge.mp4':
        // The header alone: the probe never reads a body.
        res.writeHead(200, { ...CORS, 'Content-Type': 'video/mp4', 'Content-Length': String(2 ** 31) });
        return res.end();
      case '/redirect.jpg':
        return send(302, { Location: `http://localhost:${req.socket.localPort}/ok.jpg` });
      case '/cors-missing.jpg':
        return send(200, image, {});
      case '/cors-wrong.jpg':
        return send(200, image, { 'Access-Control-Allow-Origin': 'https://other.example' });
      case '/slow.jpg': {
        const timer = setTimeout(() => send(200, image), slowMs);
        pending.add(timer);
        return undefined;
      }
      case '/drop.jpg':
        return req.socket.destroy();
      case '/head-refused.jpg':
        if (req.method === 'HEAD') return send(405, { Allow: 'GET' });
        return send(206, { ...image, 'Content-Range': 'bytes 0-1023/5000' });
      default:
        return path === '/ok.jpg' || path.startsWith('/tiles/') ? send(200, path.endsWith('.png') ? { 'Content-Type': 'image/png' } : image) : send(404);
    }
  };
  const server = createServer(handle);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  const v6 = createServer(handle);
  await new Promise((resolve) => v6.once('error', resolve).listen(port, '::1', resolve));
  // A port that was just free: nothing listens there, so connections are refused.
  const spare = createServer();
  await new Promise((resolve) => spare.listen(0, '127.0.0.1', resolve));
  const closedPort = spare.address().port;
  await new Promise((resolve) => spare.close(resolve));
  return {
    base: `http://127.0.0.1:${port}`,
    closedBase: `http://127.0.0.1:${closedPort}`,
    requests,
    reset: () => {
      requests.length = 0;
      seen.clear();
    },
    close: async () => {
      for (const timer of pending) clearTimeout(timer);
      for (const s of [server, v6]) {
        s.closeAllConnections?.();
        await new Promise((resolve) => (s.listening ? s.close(resolve) : resolve()));
      }
    },
  };
}

/**
 * The manifest (a JSON array) pointing at every path, and the ASSET_*
 * findings it must give, as "row severity CODE pointer" strings.
 */
export function faultManifest({ base, closedBase }) {
  const rows = [];
  const expected = [];
  const row = (value, findings = []) => {
    const index = rows.push(value) - 1;
    for (const f of findings) expected.push(`${index} ${f}`);
  };
  const image = (path, findings) => row({ row_data: `${base}${path}`, media_type: 'IMAGE', global_key: `k${rows.length}` }, findings);
  image('/ok.jpg');
  image('/forbidden.jpg', ['error ASSET_FORBIDDEN /row_data']);
  image('/missing.jpg', ['error ASSET_NOT_FOUND /row_data']);
  image('/teapot.jpg', ['error ASSET_HTTP_ERROR /row_data']);
  image('/server-error.jpg', ['warning ASSET_HTTP_ERROR /row_data']);
  image('/rate-limited-once.jpg');
  image('/rate-limited.jpg', ['warning ASSET_HTTP_ERROR /row_data']);
  image('/login.jpg', ['error ASSET_CONTENT_TYPE /row_data']);
  row({ row_data: `${base}/huge.mp4`, media_type: 'VIDEO' }, ['error ASSET_TOO_LARGE /row_data']);
  image('/redirect.jpg', ['warning ASSET_REDIRECT /row_data']);
  image('/cors-missing.jpg', ['warning ASSET_CORS /row_data']);
  image('/cors-wrong.jpg', ['warning ASSET_CORS /row_data']);
  image('/slow.jpg', ['error ASSET_UNREACHABLE /row_data']);
  image('/drop.jpg', ['error ASSET_UNREACHABLE /row_data']);
  image('/head-refused.jpg');
  for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) {
    row({ row_data: `${closedBase}/${name}.jpg`, media_type: 'IMAGE' }, ['error ASSET_UNREACHABLE /row_data']);
  }
  row({ row_data: 'gs://a-bucket/a.jpg', media_type: 'IMAGE' }, ['info ASSET_NOT_PROBED /row_data']);
  row({
    media_type: 'TMS_SIMPLE',
    row_data: { tile_layer_url: `${base}/tiles/{z}/{x}/{y}.png`, bounds: [[0, 0], [1000, 1000]], min_zoom: 0, max_zoom: 3, epsg: 'Simple' },
  });
  // The same URL as row 2, as an attachment: requested once, reported on both rows.
  row({ row_data: `${base}/ok.jpg`, media_type: 'IMAGE', attachments: [{ type: 'IMAGE_OVERLAY', value: `${base}/missing.jpg` }] }, ['error ASSET_NOT_FOUND /attachments/0/value']);
  return { text: JSON.stringify(rows, null, 1), rows, expected: expected.sort() };
}

/** A report's ASSET_* findings in the form faultManifest() expects. */
export function assetFindings(report) {
  return report.diagnostics
    .filter((d) => d.code.startsWith('ASSET_'))
    .map((d) => `${d.row} ${d.severity} ${d.code} ${d.pointer}`)
    .sort();
}
