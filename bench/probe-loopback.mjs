// rowcheck probe at scale: ROWS rows (default 100,000), each a distinct
// asset URL, spread over HOSTS loopback hosts (default 1,000: ten
// 127.0.0.x addresses times a hundred ports), every one answering 200 at
// once. The npm CLI probes them with its defaults (16 in flight, 6 per host,
// 10 s timeout, 2 retries) in a child process, so its peak memory is its
// own. Prints one JSON line: URLs probed per second, wall time, peak RSS.
//
//   node bench/probe-loopback.mjs [ROWS] [HOSTS]
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const rows = Number(process.argv[2] ?? 100_000);
const hostCount = Number(process.argv[3] ?? 1000);
const bin = fileURLToPath(new URL('../pkg/bin/rowcheck.js', import.meta.url));

let answered = 0;
const handle = (req, res) => {
  answered += 1;
  res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': '12345', 'Access-Control-Allow-Origin': '*' }).end();
};
const servers = [];
const hosts = [];
const addresses = Math.min(10, hostCount);
for (let i = 0; i < hostCount; i++) {
  const server = createServer({ keepAliveTimeout: 30_000 }, handle);
  const address = `127.0.0.${1 + (i % addresses)}`;
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, address, resolve));
  servers.push(server);
  hosts.push(`http://${address}:${server.address().port}`);
}

const work = mkdtempSync(join(tmpdir(), 'rowcheck-probe-bench-'));
const manifest = join(work, 'assets.ndjson');
const lines = [];
for (let i = 0; i < rows; i++) lines.push(JSON.stringify({ row_data: `${hosts[i % hostCount]}/images/${i}.jpg`, media_type: 'IMAGE', global_key: `asset-${i}` }));
writeFileSync(manifest, lines.join('\n') + '\n');

/** Peak resident memory of `pid` so far (VmHWM), in MiB. */
function peakRss(pid) {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

const started = performance.now();
const child = spawn(process.execPath, [bin, 'probe', manifest, '--format', 'json'], { stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
child.stdout.on('data', (piece) => (out += piece));
let peak = 0;
const watch = setInterval(() => (peak = Math.max(peak, peakRss(child.pid))), 50);
const status = await new Promise((resolve) => child.on('exit', resolve));
clearInterval(watch);
const seconds = (performance.now() - started) / 1000;
const report = JSON.parse(out);
const findings = report.diagnostics.filter((d) => d.code.startsWith('ASSET_')).length;
for (const server of servers) server.close();
rmSync(work, { recursive: true, force: true });
console.log(
  JSON.stringify({
    rows,
    hosts: report.probe.hosts,
    urls_probed: report.probe.probed,
    requests_answered: answered,
    asset_findings: findings,
    exit_status: status,
    seconds: Number(seconds.toFixed(1)),
    urls_per_s: Math.round(report.probe.probed / seconds),
    peak_rss_mb: Math.round(peak),
  }),
);
if (report.probe.probed !== rows || findings !== 0) process.exitCode = 1;
