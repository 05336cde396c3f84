// A sample consumer: `tsc -p test/types` must accept it, and every line
// marked as an expected error must really be one (tsc fails otherwise).
import { Checker, RowcheckError, check, chunkFileName, chunkLimits, fix, init, normalize, probe, probePlan, split } from 'rowcheck';
import type { Change, ChunkLimits, Code, Diagnostic, Options, ProbePlan, Report } from 'rowcheck';

await init();
await init(new URL('https://example.test/rowcheck.wasm'));

const options: Options = { strict: true, existingKeys: new Set(['a']), maxRows: 1000, maxBytes: 1_000_000 };
const report: Report = check('[]', options);
const first: Diagnostic | undefined = report.diagnostics[0];
const code: Code | undefined = first?.code;
const row: number | null | undefined = first?.row;
const imageRows: number | undefined = report.summary.media_types.IMAGE;

const { bytes } = normalize(new Uint8Array(2), { existingKeys: 'a\nb\n', ontology: '[]' });
const normalized: Uint8Array | null = bytes;
// @ts-expect-error: bytes are null when the file itself failed
const unchecked: Uint8Array = bytes;
const failed: boolean = report.summary.file_failed;
const { chunks } = split(new ArrayBuffer(2), { schema: { type: 'object' } });
const firstChunk: Uint8Array | undefined = chunks[0];
const fileName: string = chunkFileName(0);
const limits: ChunkLimits = chunkLimits();
const rowSpan: [number, number] | undefined = first && [first.offset, first.offset + first.length];
console.log(fileName, limits.maxRowsWithMetadata, rowSpan);

const streaming = new Checker({ strict: true }, { chunks: true });
streaming.push(new Uint8Array(1));
streaming.push('{}');
const ready: Uint8Array[] = streaming.takeChunks();
const streamed: Report = streaming.finish();
const seen: number = streaming.progress.rows;
const void_: boolean = streaming.progress.fileFailed;
streaming.free();
console.log(ready, streamed, seen, void_, unchecked, failed);

const fixed = fix('[{"row_data": "https://h.example/a b.jpg"}]', { strict: true });
const fixedBytes: Uint8Array | null = fixed.bytes;
const change: Change | undefined = fixed.report.fix.changes[0];
const fixedCodes: Code[] | undefined = change?.codes;
const op: 'replace' | 'rename' | undefined = change?.op;
const fixing = new Checker({}, { fixed: true });
fixing.push('[]');
const fixedReport: Report = fixing.finish();
const fixedPiece: Uint8Array = fixing.takeFixed();
console.log(fixedBytes, fixedCodes, op, fixedReport.fix?.rows_changed, fixedPiece, fixed.report.fix.input_errors);
// @ts-expect-error: fixed bytes are null when the file itself failed
const fixedUnchecked: Uint8Array = fixed.bytes;

const clocked: Report = check('[]', { now: '2026-12-01T00:00:00Z', signedUrlMinDays: 3 });
check('[]', { now: new Date() });
const plan: ProbePlan = probePlan('[]', { sample: 10 });
const hosts: string[] = plan.hosts.map((h) => h.origin);
const probed = await probe('[]', { origin: 'https://app.labelbox.com', concurrency: 4, perHost: 2, timeoutMs: 5000, signal: AbortSignal.timeout(60_000), onProgress: ({ probed, total }) => console.log(probed / total) });
const interrupted: boolean = probed.probe.interrupted;
const expired: Code = 'SIGNED_URL_EXPIRED';
console.log(clocked, hosts, interrupted, expired);

try {
  check('[]', { maxRows: 0 });
} catch (e) {
  if (e instanceof RowcheckError) {
    const kind: 'INVALID_INPUT' | 'INVALID_OPTIONS' | 'INVALID_ONTOLOGY' | 'INVALID_SCHEMA' | 'NOT_INITIALIZED' | 'INVALID_STATE' | 'WORKER_FAILED' | 'FILE_FAILED' = e.code;
    console.log(kind, e.message);
  }
}

// @ts-expect-error: not a diagnostic code
const wrong: Code = 'URL_BAD';
// @ts-expect-error: options are checked
check('[]', { strictt: true });
// @ts-expect-error: input is bytes or a string
check(42);
// @ts-expect-error: a Checker is fed Input too
streaming.push([1, 2]);
// @ts-expect-error: a probe's settings are checked too
probe('[]', { perhost: 2 });
// @ts-expect-error: the clock is a time, not a flag
check('[]', { now: true });
// @ts-expect-error: the report is read-only data, summary counts are numbers
const rows: string = report.summary.rows;

console.log(code, row, imageRows, normalized, firstChunk, wrong, rows, fixedUnchecked);
