// A sample rowcheck/uploader consumer: `tsc -p test/types/tsconfig.uploader.json`
// must accept it, and every line marked as an expected error must be one.
import { Checker, split } from 'rowcheck';
import { httpTransport, idempotencyKey, indexedDbCheckpoint, labelboxTransport, upload } from 'rowcheck/uploader';
import type { Transport, TransportCode, UploadResult } from 'rowcheck/uploader';
import type { Code } from 'rowcheck';

const { chunks, report } = split('[]');
const controller = new AbortController();
const transport = httpTransport({ endpoint: 'https://example.com/rows', headers: { Authorization: 'Bearer x' }, timeoutMs: 5_000 });
const result: Promise<UploadResult> = upload(chunks, {
  transport,
  concurrency: 2,
  signal: controller.signal,
  report,
  onProgress: ({ rowsSent, chunksSent, bytesSent, failed }) => console.log(rowsSent + chunksSent + bytesSent + failed),
});
result.then(({ failed }) => failed.map((f) => `${f.chunk} ${f.firstRow ?? '?'} ${f.status} ${f.reason}`));
const refused: TransportCode = 'SERVER_REJECTED';
// @ts-expect-error: transport codes are not diagnostic codes
const diagnostic: Code = refused;
console.log(diagnostic);

async function* stream() {
  yield { bytes: new Uint8Array(), index: 0, firstRow: 0, rows: 0 };
}
upload(stream(), { transport });

const checker = new Checker({}, { chunks: true });
const described = checker.takeChunks({ info: true });
described.map(({ bytes, index, firstRow, rows }) => bytes.length + index + firstRow + rows);
const plain: Uint8Array[] = checker.takeChunks();
upload(described, { transport, checkpoint: indexedDbCheckpoint('manifest') });
indexedDbCheckpoint('manifest').clear().then(() => plain.length);

const custom: Transport = {
  async send({ bytes }) {
    return bytes.length ? { ok: true } : { ok: false, retry: true, status: 503, reason: 'busy', retryAfterMs: 1_000 };
  },
};
upload([new Uint8Array()], { transport: custom });
idempotencyKey(new Uint8Array()).then((key: string) => key.length);

// @ts-expect-error a transport is required
upload(chunks, {});
// @ts-expect-error chunks are bytes, not strings
upload(['[]'], { transport });
// @ts-expect-error an outcome that failed says whether to retry
const wrong: Transport = { send: async () => ({ ok: false, status: 500, reason: 'x' }) };
// @ts-expect-error the endpoint is required
httpTransport({ timeoutMs: 1 });

import { fileCheckpoint } from 'rowcheck/uploader';
upload(chunks, { transport, checkpoint: fileCheckpoint('upload.checkpoint') });
upload(chunks, { transport, checkpoint: new Set<string>() });
// @ts-expect-error a checkpoint needs has() and add()
upload(chunks, { transport, checkpoint: {} });

const labelbox = labelboxTransport({ apiKey: 'key', datasetId: 'ds', pollIntervalMs: 2_000 });
upload(chunks, { transport: labelbox, report }).then(({ rowErrors }) => rowErrors.map((e) => `${e.row ?? '?'} ${e.chunk} ${e.code} ${e.globalKey ?? ''} ${e.message}`));
// @ts-expect-error the dataset is required
labelboxTransport({ apiKey: 'key' });
// @ts-expect-error a row error's place is a number
const badRowError: Transport = { send: async () => ({ ok: true, rowErrors: [{ position: 'first', code: 'X', message: 'm' }] }) };
