// `rowcheck upload`, spawned as a user runs it, against the fault-injecting
// loopback server: a manifest with errors sends nothing, --skip-invalid sends
// exactly the valid rows once, a refused chunk is reported with its rows and
// exit 1, an interrupted upload resumes with exactly the missing chunks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { split } from 'rowcheck';
import { idempotencyKey } from 'rowcheck/uploader';
import { faultyServer } from './fault-server.mjs';
import { startStub } from './labelbox/stub.mjs';

const bin = fileURLToPath(new URL('../bin/rowcheck.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'rowcheck-upload-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const ROWS = 300;
const row = (i, bad) =>
  JSON.stringify(bad ? { row_data: `https://example.com/a<b/${i}.jpg`, global_key: `k-${i}` } : { row_data: `https://example.com/img/${i}.jpg`, global_key: `k-${i}`, media_type: 'IMAGE' });
const clean = join(dir, 'clean.ndjson');
writeFileSync(clean, Array.from({ length: ROWS }, (_, i) => row(i, false)).join('\n') + '\n');
const dirty = join(dir, 'dirty.ndjson');
const badRows = [4, 41, 200];
writeFileSync(dirty, Array.from({ length: ROWS }, (_, i) => row(i, badRows.includes(i))).join('\n') + '\n');

/** Run the CLI; `onStart(child)` sees it running. */
function rowcheck(args, onStart, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
    onStart?.(child);
  });
}

const fast = ['--max-rows', '10', '--retries', '8', '--timeout-ms', '400'];

test('a manifest with errors: exit 1, the report, and not one request', async (t) => {
  const server = await faultyServer(() => undefined);
  t.after(server.close);
  const { status, stdout, stderr } = await rowcheck(['upload', dirty, '--endpoint', server.endpoint, ...fast]);
  assert.equal(status, 1, stderr);
  assert.match(stdout, /URL_UNSUPPORTED_CHAR/);
  assert.match(stderr, /nothing was uploaded: the manifest has 3 errors[\s\S]*--skip-invalid/);
  assert.equal(server.received.length, 0);
});

test('--skip-invalid through faults: every valid row applied once, the skipped rows listed', async (t) => {
  const { chunks } = split(readFileSync(dirty), { maxRows: 10 });
  const keys = await Promise.all(chunks.map(idempotencyKey));
  const faults = ['reset', 'hang', 500, 429, 'lose-answer'];
  const server = await faultyServer((key, attempt) => {
    const index = keys.indexOf(key);
    return attempt === 0 && index % 4 === 1 ? faults[index % faults.length] : undefined;
  });
  t.after(server.close);
  const args = ['upload', dirty, '--endpoint', server.endpoint, '--header', 'Authorization: Bearer t0ken', '--skip-invalid', '--format', 'json', ...fast];
  const { status, stdout, stderr } = await rowcheck(args);
  assert.equal(status, 0, stderr);
  const report = JSON.parse(stdout);
  assert.equal(report.summary.errors, badRows.length);
  assert.deepEqual(report.upload.skippedRows, badRows);
  assert.equal(report.upload.rowsSent, ROWS - badRows.length);
  assert.equal(report.upload.chunksSent, chunks.length);
  assert.deepEqual(report.upload.failed, []);
  assert.equal(server.applied.size, ROWS - badRows.length);
  for (const [key, times] of server.applied) assert.equal(times, 1, key);
  for (const bad of badRows) assert.ok(!server.applied.has(`k-${bad}`));
  assert.ok(server.received.length > chunks.length, 'the faults really happened');
});

test('a chunk refused for good: exit 1, the others sent, the refused rows named', async (t) => {
  const { chunks, report } = split(readFileSync(clean), { maxRows: 10 });
  const refusedKey = await idempotencyKey(chunks[3]);
  const server = await faultyServer((key) => (key === refusedKey ? 400 : undefined));
  t.after(server.close);
  const { status, stdout, stderr } = await rowcheck(['upload', clean, '--endpoint', server.endpoint, ...fast]);
  assert.equal(status, 1, stderr);
  const { first_row: first, rows } = report.chunks[3];
  assert.match(stdout, new RegExp(`uploaded ${ROWS - rows} rows in ${chunks.length - 1} chunks`));
  assert.match(stdout, new RegExp(`failed: chunk 4 \\(rows ${first}–${first + rows - 1}\\): 400 chunk refused for good`));
  assert.equal(server.applied.size, ROWS - rows);
});

test('interrupted with SIGINT, then resumed: exactly the missing chunks are sent', async (t) => {
  const { chunks } = split(readFileSync(clean), { maxRows: 10 });
  const keys = await Promise.all(chunks.map(idempotencyKey));
  const server = await faultyServer(() => ({ delayMs: 40 }));
  t.after(server.close);
  const resume = join(dir, 'resume.txt');
  const transport = (run) => ['--endpoint', server.endpoint, '--header', `X-Run: ${run}`, '--resume', resume, '--concurrency', '2', ...fast];
  const first = await rowcheck(['upload', clean, ...transport('first')], (child) => {
    const timer = setInterval(() => {
      if (server.received.length >= 8) {
        clearInterval(timer);
        child.kill('SIGINT');
      }
    }, 5);
  });
  assert.equal(first.status, 130, first.stderr);
  assert.match(first.stderr, /upload interrupted; run the same command again/);
  const recorded = readFileSync(resume, 'utf8').trim().split('\n');
  assert.ok(recorded.length >= 5 && recorded.length < chunks.length, `${recorded.length} recorded`);

  const second = await rowcheck(['upload', clean, ...transport('second')]);
  assert.equal(second.status, 0, second.stderr);
  const sent = server.received.filter((r) => r.run === 'second').map((r) => r.key);
  assert.deepEqual(sent.sort(), keys.filter((key) => !recorded.includes(key)).sort());
  assert.match(second.stdout, new RegExp(`\\(${recorded.length} ${recorded.length === 1 ? 'chunk' : 'chunks'} skipped: `));
  assert.equal(server.applied.size, ROWS);
  for (const [key, times] of server.applied) assert.equal(times, 1, key);
});

test('--labelbox-dataset: the rows go to the dataset; a key Labelbox already has comes back as its manifest row', async (t) => {
  const stub = await startStub({ apiKey: 'lb-key', datasetId: 'ds-1', existingKeys: ['K-77'] });
  t.after(stub.close);
  const args = ['upload', dirty, '--labelbox-dataset', 'ds-1', '--endpoint', stub.endpoint, '--skip-invalid', '--max-rows', '100'];
  const { status, stdout, stderr } = await rowcheck(args, undefined, { LABELBOX_API_KEY: 'lb-key' });
  assert.equal(status, 1, stderr);
  assert.match(stdout, /refused by the server: row 77 GLOBAL_KEY_DUPLICATE: /);
  const created = stub.upserts.flatMap((u) => u.specs.map((spec) => spec.payload.global_key));
  assert.equal(created.length, ROWS - badRows.length);
  for (const bad of badRows) assert.ok(!created.includes(`k-${bad}`));
  assert.ok(stub.operations.every((o) => o.op !== 'anonymous'));

  const missingKey = await rowcheck(['upload', clean, '--labelbox-dataset', 'ds-1', '--endpoint', stub.endpoint], undefined, { LABELBOX_API_KEY: '' });
  assert.equal(missingKey.status, 2);
  assert.match(missingKey.stderr, /LABELBOX_API_KEY/);
});

test('usage mistakes exit 2 before anything is read or sent', async () => {
  for (const [args, message] of [
    [['upload', clean], /'--endpoint <URL>' \(or '--labelbox-dataset <ID>'\) is required/],
    [['upload', clean, '--endpoint', 'ftp://x/'], /http:\/\/ or https:\/\//],
    [['upload', clean, '--endpoint', 'not a url'], /absolute http/],
    [['upload', clean, '--endpoint', 'http://127.0.0.1:9/', '--header', 'no colon'], /'Name: value'/],
    [['upload', '-', '--endpoint', 'http://127.0.0.1:9/', '--skip-invalid'], /not standard input/],
    [['upload', clean, '--endpoint', 'http://127.0.0.1:9/', '--concurrency', '0'], /--concurrency <N>/],
    [['upload', join(dir, 'missing.json'), '--endpoint', 'http://127.0.0.1:9/'], /cannot read/],
  ]) {
    const { status, stderr } = await rowcheck(args);
    assert.equal(status, 2, `${args.join(' ')}: ${stderr}`);
    assert.match(stderr, message);
  }
});
