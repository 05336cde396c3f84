// The uploader's scale figure: a manifest streamed from disk through the
// streaming Checker into rowcheck/uploader, to a loopback server that
// acknowledges each chunk, with the process's peak memory. Prints one JSON
// line.
//
//   node bench/upload-loopback.mjs MANIFEST [CONCURRENCY]
//   (make one with: cargo run --release --example gen -- --rows 1000000 --format ndjson --seed 42 --out /tmp/m.ndjson)
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { Checker } from '../pkg/lib/node.js';
import { httpTransport, upload } from '../pkg/lib/uploader-node.js';

const [path, concurrency = '4'] = process.argv.slice(2);
if (!path) {
  console.error('usage: node bench/upload-loopback.mjs MANIFEST [CONCURRENCY]');
  process.exit(2);
}

let received = 0;
const server = createServer((req, res) => {
  req.on('data', (piece) => (received += piece.length));
  req.on('end', () => res.writeHead(200).end('{}'));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

// Chunks are produced only as the uploader asks for them, so the file is
// read as fast as the connections drain, never ahead of them.
async function* chunks(checker) {
  for await (const piece of createReadStream(path, { highWaterMark: 1 << 20 })) {
    checker.push(piece);
    yield* checker.takeChunks({ info: true });
  }
  checker.finish();
  yield* checker.takeChunks({ info: true });
}

const started = performance.now();
const checker = new Checker({}, { chunks: true });
const result = await upload(chunks(checker), {
  transport: httpTransport({ endpoint: `http://127.0.0.1:${server.address().port}/rows` }),
  concurrency: Number(concurrency),
});
const seconds = (performance.now() - started) / 1000;
const report = checker.finish();
server.close();
const bytes = statSync(path).size;
console.log(
  JSON.stringify({
    rows: report.summary.rows,
    valid_rows: report.summary.valid_rows,
    chunks_planned: report.chunks.length,
    chunks_sent: result.chunksSent,
    rows_sent: result.rowsSent,
    failed: result.failed.length,
    bytes_received: received,
    seconds: Number(seconds.toFixed(2)),
    manifest_mb_per_s: Number((bytes / 1e6 / seconds).toFixed(1)),
    rows_per_s: Math.round(report.summary.rows / seconds),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
