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
import { ONTOLOGY, startStub } from './labelbox/stub.mjs';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const API_KEY = 'test-key-0123';
const DATASET = 'ckdataset0000000000000001';

// The stub's metadata schema ids, by field name and option name.
const idOf = (name, option) => {
  const field = ONTOLOGY.find((f) => f.name === name);
  return option === undefined ? field.id : field.options.find((o) => o.name === option).id;
};
// The custom fields in the form split()'s `ontology` takes, so rowcheck
// normalizes their datetimes as it does the reserved captureDateTime.
const CUSTOM = ONTOLOGY.filter((f) => !f.reserved).map(({ id, name, kind, options }) => ({ schema_id: id, name, kind, ...(options.length > 0 && { options: options.map((o) => ({ schema_id: o.id, name: o.name })) }) }));

// Row 4 has an error, so split() leaves it out and the chunks' rows are not
// contiguous in the manifest; row 6 carries a key the stub says is taken.
// Chunk 0 has no metadata, so the ontology is first needed by chunk 1;
// rows 3, 5, 6 and 7 hold every kind of field, by name and by schema id.
const manifest = JSON.stringify([
  { row_data: 'https://example.com/img/0.jpg', global_key: 'k-0', external_id: 'e-0' },
  { row_data: 'https://example.com/img/1.jpg', global_key: 'k-1', attachments: [{ type: 'RAW_TEXT', value: 'a note' }] },
  { row_data: 'plain text to label', global_key: 'k-2', media_type: 'TEXT' },
  {
    row_data: 'https://example.com/video/3.mp4',
    external_id: 'e-3',
    metadata_fields: [
      { name: 'tag', value: 'night' },
      { schema_id: idOf('split'), value: idOf('split', 'valid') },
      { name: 'captureDateTime', value: '2022-06-01T12:30:00.25+02:00' },
    ],
    embeddings: [{ embedding_id: 'clembedding0000000000000a', vector: [0.5, 1, -2], clusters: [3] }],
  },
  { row_data: 'https://example.com/a<b/4.jpg', global_key: 'k-4' },
  {
    row_data: 'https://example.com/img/5.jpg',
    global_key: 'k-5',
    metadata_fields: [
      { name: 'split', value: 'train' },
      { name: 'score', value: 4 },
      { schema_id: idOf('notes'), value: 'checked twice' },
      { name: 'reviewedAt', value: '2023-01-02 03:04:05-05:00' },
    ],
    attachments: [{ type: 'IMAGE_OVERLAY', value: 'https://example.com/overlay/5.png' }, { type: 'TEXT', value: 'a text attachment' }],
  },
  { row_data: 'https://example.com/img/6.jpg', global_key: 'k-6', external_id: 'e-6', metadata_fields: [{ name: 'quality', value: 'good' }, { schema_id: idOf('score'), value: 2.5 }] },
  {
    row_data: 'https://example.com/img/7.png',
    globalKey: 'k-7',
    metadata_fields: [
      { schema_id: idOf('quality'), value: idOf('quality', 'bad') },
      { name: 'split', value: idOf('split', 'test') },
      { schema_id: idOf('reviewedAt'), value: '2023-07-08T09:10:11Z' },
    ],
    embeddings: [{ embedding_id: 'clembedding0000000000000a', vector: [1, 2], clusters: [] }],
  },
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
const ONTOLOGY_OP = 'GetMetadataOntologyBetaPyApi:customMetadataOntology';
// Each SDK thread preparing a row with metadata fetches the ontology while
// the client's cache is still empty, so it may ask several times in a row
// where once is what it means (and what we do).
const askedOnce = (ops) => ops.filter((op, i) => op !== ONTOLOGY_OP || ops[i - 1] !== op);
// The SDK prepares rows in a thread pool, so its order within a file may vary.
const byRow = (specs) => specs.toSorted((a, b) => (JSON.stringify([a.payload.global_key, a.payload.row_data]) < JSON.stringify([b.payload.global_key, b.payload.row_data]) ? -1 : 1));

test('same operations, same order, same rows as the official Python SDK', { timeout: 900_000 }, async (t) => {
  const sdk = await sdkPython();
  if (sdk.skip) return t.skip(sdk.skip);
  const { chunks, report } = split(manifest, { maxRows: 3, ontology: CUSTOM });
  assert.deepEqual(report.diagnostics.filter((d) => d.severity === 'error').map((d) => d.row), [4], 'only row 4 is refused by rowcheck');
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
  const expected = ['GetDatasetPyApi:dataset', ...perChunk, ONTOLOGY_OP, ...perChunk, ...perChunk];
  assert.deepEqual(askedOnce(opsOf(theirs)), expected, 'the SDK did what this test expects of 7.17.0');
  assert.deepEqual(opsOf(ours), expected);

  // Parsed JSON, so 4 and Python's 4.0 are the same number.
  assert.equal(ours.upserts.length, 3);
  for (const [i, { specs }] of ours.upserts.entries()) {
    assert.deepEqual(byRow(specs), byRow(theirs.upserts[i].specs), `chunk ${i}`);
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
  rows[2] = { row_data: 'https://example.com/bad<path/2.jpg', global_key: 'g-2' };
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

test('metadata and embeddings the SDK would raise for: those rows reported, the others created', async (t) => {
  // split() is given no ontology, so it lets unknown custom fields through
  // as strings and numbers; the organization's ontology is the stub's.
  const added = { id: 'clnewfield000000000000000', name: 'batch', kind: 'CustomMetadataString', reserved: false, options: [] };
  const rows = [
    { row_data: 'https://example.com/m/0.jpg', global_key: 'm-0', metadata_fields: [{ name: 'notes', value: 'fine' }] },
    { row_data: 'https://example.com/m/1.jpg', global_key: 'm-1', metadata_fields: [{ name: 'colour', value: 'red' }] },
    { row_data: 'https://example.com/m/2.jpg', global_key: 'm-2', metadata_fields: [{ name: 'quality', value: 'excellent' }] },
    { row_data: 'https://example.com/m/3.jpg', global_key: 'm-3', metadata_fields: [{ name: 'notes', value: 5 }] },
    { row_data: 'https://example.com/m/4.jpg', global_key: 'm-4', metadata_fields: [{ schema_id: added.id, value: 'b-7' }] },
    { row_data: 'https://example.com/m/5.jpg', global_key: 'm-5', metadata_fields: [{ name: 'embedding', value: Array.from({ length: 128 }, (_, i) => i / 4) }] },
    { row_data: 'https://example.com/m/6.jpg', global_key: 'm-6', metadata_fields: [{ name: 'colour', value: 'blue' }] },
    { row_data: 'https://example.com/m/7.jpg', global_key: 'm-7', embeddings: [{ embedding_id: 'clembedding0000000000000a', vector: ['x'] }] },
  ];
  const { chunks, report } = split(JSON.stringify(rows), { maxRows: 3 });
  // A vector that holds a string is refused by the check itself, so it
  // never reaches the transport.
  assert.deepEqual(report.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.row, d.code]), [[7, 'EMBEDDING_VALUE']]);
  assert.equal(chunks.length, 3);
  const ontology = structuredClone(ONTOLOGY);
  // An admin adds the field row 4 uses once chunk 0 (and its ontology fetch) is done.
  const fault = (op, count) => void (op === 'UpsertDataRowsPyApi' && count === 0 && ontology.push(added));
  const stub = await startStub({ apiKey: API_KEY, datasetId: DATASET, ontology, fault });
  t.after(stub.close);
  const transport = labelboxTransport({ apiKey: API_KEY, datasetId: DATASET, endpoint: stub.endpoint, pollIntervalMs: 5 });
  const result = await upload(chunks, { transport, report, concurrency: 1 });

  assert.equal(result.chunksSent, 3, 'a chunk whose rows are all refused is acknowledged too: sending it again cannot help');
  assert.deepEqual(result.failed, []);
  assert.deepEqual(
    result.rowErrors.map(({ row, code, globalKey }) => [row, code, globalKey]),
    [
      [1, 'METADATA_UNKNOWN_FIELD', 'm-1'],
      [2, 'METADATA_UNKNOWN_FIELD', 'm-2'],
      [3, 'METADATA_VALUE', 'm-3'],
      [6, 'METADATA_UNKNOWN_FIELD', 'm-6'],
    ],
  );
  const message = (row) => result.rowErrors.find((e) => e.row === row).message;
  assert.match(message(1), /metadata_fields\[0\].*no metadata field named "colour"/);
  assert.match(message(2), /enum "quality" has no option "excellent" \(its options: good, bad\)/);
  assert.match(message(3), /metadata_fields\[0\] \(notes, CustomMetadataString\): the value must be a string, not 5/);

  // The ontology is asked once, then again only when a chunk names what it lacks.
  const perChunk = ['UploadFile', 'UploadFile', 'UpsertDataRowsPyApi', 'GetUserPyApi', 'GetUserCreatedTasksPyApi', 'FailedDataRowImportsPyApi'];
  const ask = 'GetMetadataOntologyBetaPyApi';
  assert.deepEqual(stub.operations.map((o) => o.op), ['GetDatasetPyApi', ask, ...perChunk, ask, ...perChunk, ask]);
  const sent = stub.upserts.map(({ specs }) => specs.map(({ payload }) => [payload.global_key, payload.metadata_fields]));
  assert.deepEqual(sent, [
    [['m-0', [{ schemaId: idOf('notes'), value: 'fine' }]]],
    [
      ['m-4', [{ schemaId: added.id, value: 'b-7' }]],
      ['m-5', [{ schemaId: idOf('embedding'), value: rows[5].metadata_fields[0].value }]],
    ],
  ]);
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
    ['GetDatasetPyApi', 'GetMetadataOntologyBetaPyApi', 'UploadFile', 'UploadFile', 'UploadFile', 'UpsertDataRowsPyApi', 'GetUserPyApi', 'GetUserCreatedTasksPyApi', 'GetUserCreatedTasksPyApi', 'GetUserCreatedTasksPyApi', 'FailedDataRowImportsPyApi'],
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
