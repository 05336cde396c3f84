// labelboxTransport against a loopback stub of the Labelbox endpoints the
// Python SDK uses (test/labelbox/stub.mjs). The official SDK, run against a
// second copy of the stub with the same rows, is the reference: our requests
// must carry the same GraphQL operations in the same order per chunk and the
// same rows. Then per-row errors, retries, a refused key and an abort.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { split } from 'rowcheck';
import { labelboxTransport, upload } from 'rowcheck/uploader';
import { fileURLToPath } from 'node:url';
import { startStub } from './labelbox/stub.mjs';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const API_KEY = 'test-key-0123';
const DATASET = 'ckdataset0000000000000001';

// Row 4 has an error, so split() leaves it out and the chunks' rows are not
// contiguous in the manifest; row 6 carries a key the stub says is taken.
const manifest = JSON.stringify([
  { row_data: 'https://example.com/img/0.jpg', global_key: 'k-0', external_id: 'e-0' },
  { row_data: 'https://example.com/img/1.jpg', global_key: 'k-1', attachments: [{ type: 'RAW_TEXT', value: 'a note' }] },
  { row_data: 'plain text to label', global_key: 'k-2', media_type: 'TEXT' },
  { row_data: 'https://example.com/video/3.mp4', external_id: 'e-3' },
  { row_data: 'https://example.com/a b/4.jpg', global_key: 'k-4' },
  { row_data: 'https://example.com/img/5.jpg', global_key: 'k-5' },
  { row_data: 'https://example.com/img/6.jpg', global_key: 'k-6', external_id: 'e-6' },
  { row_data: 'https://example.com/img/7.png', globalKey: 'k-7' },
]);
const TAKEN = 'k-6';

/** The venv bench/run.sh makes (bench/.venv, rebuilt when the pins change), made the same way. */
async function sdkPython() {
  const venv = join(root, 'bench/.venv');
  const pins = join(root, 'bench/labelbox/requirements.txt');
  const python = join(venv, 'bin/python');
  const installed = join(venv, 'requirements.txt');
  if (existsSync(python) && existsSync(installed) && readFileSync(pins).equals(readFileSync(installed))) return { python };
  try {
    await run('python3', ['-m', 'venv', '--clear', venv]);
  } catch (error) {
    return { skip: `python3 cannot make a virtual environment (${error.message.split('\n')[0]}); on Debian: apt-get install python3-venv` };
  }
  await run(join(venv, 'bin/pip'), ['install', '--quiet', '--disable-pip-version-check', '-r', pins], { timeout: 600_000 });
  copyFileSync(pins, join(venv, 'requirements.txt'));
  return { python };
}

/** The operation name and root field of each GraphQL request, in order. */
const opsOf = (stub) => stub.operations.map(({ op, query }) => `${op}:${/\{\s*(\w+)/.exec(query)[1]}`);
const byJson = (rows) => rows.map((row) => JSON.stringify(row)).sort();

test('same operations, same order, same rows as the official Python SDK', { timeout: 900_000 }, async (t) => {
  const sdk = await sdkPython();
  if (sdk.skip) return t.skip(sdk.skip);
  const { chunks, report } = split(manifest, { maxRows: 3 });
  assert.equal(chunks.length, 3);
  const rowsOf = chunks.map((chunk) => JSON.parse(new TextDecoder().decode(chunk)));

  const theirs = await startStub({ apiKey: API_KEY, datasetId: DATASET, existingKeys: [TAKEN] });
  const ours = await startStub({ apiKey: API_KEY, datasetId: DATASET, existingKeys: [TAKEN] });
  const dir = mkdtempSync(join(tmpdir(), 'rowcheck-labelbox-'));
  t.after(() => Promise.all([theirs.close(), ours.close(), rmSync(dir, { recursive: true, force: true })]));

  writeFileSync(join(dir, 'chunks.json'), JSON.stringify(rowsOf));
  const script = join(root, 'pkg/test/labelbox/sdk_create.py');
  const out = await run(sdk.python, [script, theirs.endpoint, DATASET, join(dir, 'chunks.json')], {
    env: { ...process.env, LABELBOX_API_KEY: API_KEY },
    timeout: 120_000,
  });
  assert.deepEqual(JSON.parse(out.stdout), { statuses: ['COMPLETE', 'COMPLETE', 'COMPLETE'] });

  const transport = labelboxTransport({ apiKey: API_KEY, datasetId: DATASET, endpoint: ours.endpoint, pollIntervalMs: 20 });
  const result = await upload(chunks, { transport, report, concurrency: 1 });

  const perChunk = ['UploadFile:uploadFile', 'UploadFile:uploadFile', 'UpsertDataRowsPyApi:upsertDataRows', 'GetUserPyApi:user', 'GetUserCreatedTasksPyApi:user', 'FailedDataRowImportsPyApi:failedDataRowImports'];
  assert.deepEqual(opsOf(theirs), ['GetDatasetPyApi:dataset', ...perChunk, ...perChunk, ...perChunk], 'the SDK did what this test expects of 7.17.0');
  assert.deepEqual(opsOf(ours), opsOf(theirs));

  // The SDK prepares rows in a thread pool, so its order within a file may vary.
  assert.equal(ours.upserts.length, 3);
  for (const [i, { specs }] of ours.upserts.entries()) {
    assert.deepEqual(byJson(specs), byJson(theirs.upserts[i].specs), `chunk ${i}`);
    assert.deepEqual(specs.map((s) => s.payload.global_key), rowsOf[i].map((row) => row.global_key), `chunk ${i} keeps manifest order`);
  }
  // descriptor_file_creator.py passes upload_data's filename and content type
  // swapped for the rows files; we send what it means.
  const names = (stub) => [...stub.files.values()].map((file) => [file.name, file.type]);
  const meant = names(theirs).map(([name, type]) => (name === 'application/json' && type === 'json_import.json' ? [type, name] : [name, type]));
  assert.deepEqual(names(ours), meant);
  const manifests = (stub) => [...stub.files.values()].filter((f) => f.name === 'manifest.json').map((f) => JSON.parse(f.bytes));
  assert.deepEqual(manifests(ours).map((m) => [m.source, m.item_count, m.chunk_uris.length]), manifests(theirs).map((m) => [m.source, m.item_count, m.chunk_uris.length]));

  assert.equal(result.chunksSent, 3);
  assert.deepEqual(result.rowErrors, [{ row: 6, chunk: 1, code: 'GLOBAL_KEY_DUPLICATE', message: `Duplicate global key: '${TAKEN}'`, globalKey: TAKEN }]);
});

test('per-row errors: mapped to manifest rows and codes, and the chunk still counts as sent', async (t) => {
  // Row 2 has an error and is never sent, so chunk 0 holds rows 0, 1, 3, 4.
  // Rows 4 and 7 carry taken keys; row 1, without a key, has row data the
  // server cannot fetch (placed by external id and row data).
  const rows = Array.from({ length: 9 }, (_, i) => ({ row_data: `https://example.com/r/${i}.jpg`, global_key: i === 1 ? undefined : `g-${i}`, external_id: `x-${i}` }));
  rows[2] = { row_data: 'https://example.com/bad path/2.jpg', global_key: 'g-2' };
  const { chunks, report } = split(JSON.stringify(rows), { maxRows: 4 });
  const stub = await startStub({ apiKey: API_KEY, datasetId: DATASET, existingKeys: ['g-4', 'G-7'], refusedRowData: [rows[1].row_data], pollsUntilDone: 2 });
  t.after(stub.close);
  const checkpoint = new Set();
  const transport = labelboxTransport({ apiKey: API_KEY, datasetId: DATASET, endpoint: stub.endpoint, pollIntervalMs: 5 });
  const result = await upload(chunks, { transport, report, checkpoint });
  assert.equal(result.chunksSent, chunks.length);
  assert.equal(checkpoint.size, chunks.length, 'a chunk with refused rows is acknowledged, so it is never sent again');
  assert.deepEqual(result.failed, []);
  assert.deepEqual(
    result.rowErrors.map(({ row, code, globalKey }) => [row, code, globalKey]),
    [
      [1, 'SERVER_REJECTED', undefined],
      [4, 'GLOBAL_KEY_DUPLICATE', 'g-4'],
      [7, 'GLOBAL_KEY_DUPLICATE', 'g-7'],
    ],
  );
  assert.equal(stub.upserts.flatMap((u) => u.specs).length, 8, 'the row with an error was never sent');
});

test('500 and 429 are retried (Retry-After honored) without creating the rows twice', async (t) => {
  const { chunks, report } = split(manifest, { maxRows: 10 });
  const stub = await startStub({
    apiKey: API_KEY,
    datasetId: DATASET,
    pollsUntilDone: 2,
    fault: (op, count) => {
      if (op === 'UploadFile' && count === 0) return { status: 500, body: { message: 'upstream connect error' } };
      if (op === 'GetUserCreatedTasksPyApi' && count === 0) return { status: 429, headers: { 'Retry-After': '1' }, body: { message: 'slow down' } };
      return undefined;
    },
  });
  t.after(stub.close);
  const transport = labelboxTransport({ apiKey: API_KEY, datasetId: DATASET, endpoint: stub.endpoint, pollIntervalMs: 5 });
  const result = await upload(chunks, { transport, report, backoffMs: 1 });
  assert.equal(result.chunksSent, 1);
  assert.deepEqual(result.failed, []);
  assert.equal(stub.upserts.length, 1, 'the retry after the task existed polled it instead of creating the rows again');
  const polls = stub.operations.filter((o) => o.op === 'GetUserCreatedTasksPyApi');
  assert.ok(polls[1].at - polls[0].at >= 950, `the retry waited for Retry-After (${polls[1].at - polls[0].at} ms)`);
  assert.deepEqual(
    stub.operations.map((o) => o.op),
    ['GetDatasetPyApi', 'UploadFile', 'UploadFile', 'UploadFile', 'UpsertDataRowsPyApi', 'GetUserPyApi', 'GetUserCreatedTasksPyApi', 'GetUserCreatedTasksPyApi', 'GetUserCreatedTasksPyApi', 'FailedDataRowImportsPyApi'],
  );
});

test('a refused API key fails every chunk at once with the server message, never retried', async (t) => {
  const { chunks, report } = split(manifest, { maxRows: 3 });
  const stub = await startStub({ apiKey: API_KEY, datasetId: DATASET });
  t.after(stub.close);
  const transport = labelboxTransport({ apiKey: 'wrong-key', datasetId: DATASET, endpoint: stub.endpoint });
  const result = await upload(chunks, { transport, report, backoffMs: 1 });
  assert.equal(result.chunksSent, 0);
  assert.equal(result.failed.length, chunks.length);
  for (const failure of result.failed) {
    assert.equal(failure.status, 401);
    assert.match(failure.reason, /AUTHENTICATION_ERROR: Invalid API key/);
    assert.match(failure.reason, /check apiKey/);
  }
  assert.deepEqual(stub.operations.map((o) => o.op), ['GetDatasetPyApi'], 'one refusal is enough for every chunk');
});

test('an abort while the task is polled rejects with the reason and sends nothing more', async (t) => {
  const { chunks, report } = split(manifest, { maxRows: 10 });
  const stub = await startStub({ apiKey: API_KEY, datasetId: DATASET, pollsUntilDone: Infinity });
  t.after(stub.close);
  const controller = new AbortController();
  const transport = labelboxTransport({ apiKey: API_KEY, datasetId: DATASET, endpoint: stub.endpoint, pollIntervalMs: 30 });
  const polled = new Promise((resolve) => {
    const timer = setInterval(() => stub.operations.some((o) => o.op === 'GetUserCreatedTasksPyApi') && (clearInterval(timer), resolve()), 2);
  });
  const pending = upload(chunks, { transport, report, signal: controller.signal });
  await polled;
  const reason = new Error('user stopped');
  controller.abort(reason);
  await assert.rejects(pending, (error) => error === reason);
  const seen = stub.operations.length;
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(stub.operations.length, seen, 'no request after the abort');
});

test('bad options are refused before any request', () => {
  assert.throws(() => labelboxTransport({ datasetId: DATASET }), { code: 'INVALID_OPTIONS', message: /apiKey/ });
  assert.throws(() => labelboxTransport({ apiKey: API_KEY }), { code: 'INVALID_OPTIONS', message: /datasetId/ });
  assert.throws(() => labelboxTransport({ apiKey: API_KEY, datasetId: DATASET, pollIntervalMs: 0 }), { code: 'INVALID_OPTIONS', message: /pollIntervalMs/ });
  assert.throws(() => labelboxTransport({ apiKey: API_KEY, datasetId: DATASET, headers: {} }), { code: 'INVALID_OPTIONS', message: /unknown option "headers"/ });
});
