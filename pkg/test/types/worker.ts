// A sample rowcheck/worker consumer: `tsc -p test/types/tsconfig.worker.json`
// must accept it, and every line marked as an expected error must be one.
import { DiagnosticList, RowcheckError, checkFile, fixFile, normalizeFile, probeFile, probePlanFile, splitFile } from 'rowcheck/worker';
import type { Change, CompactReport, FileOptions, Progress, Report } from 'rowcheck/worker';
import { RowcheckError as SameError } from 'rowcheck';

declare function upload(chunk: Uint8Array, index: number): Promise<void>;

const file = new File(['[]'], 'manifest.json');
const controller = new AbortController();
const options: FileOptions = {
  strict: true,
  existingKeys: ['a'],
  signal: controller.signal,
  onProgress: (p: Progress) => console.log(p.bytesRead / p.totalBytes, p.rows, p.errors),
  wasm: new URL('https://example.test/rowcheck_bg.wasm'),
};

const report: Report = await checkFile(file, options);
const { chunks, report: splitReport } = await splitFile(new Blob(['[]']), { maxRows: 10 });
const firstChunk: Uint8Array | undefined = chunks[0];
const streamed = await splitFile(file, {
  onChunk: (chunk: Uint8Array, index: number) => upload(chunk, index),
});
const streamedReport: Report = streamed.report;
const { bytes }: { bytes: Uint8Array | null } = await normalizeFile(file, { wasm: '/assets/rowcheck_bg.wasm', existingKeys: new File(['a\n'], 'keys.txt') });
const fixed = await fixFile(file, { ...options, onProgress: (p: Progress) => console.log(p.rows) });
const fixedBytes: Uint8Array | null = fixed.bytes;
const changes: Change[] = fixed.report.fix.changes;
console.log(fixedBytes, changes.map((c) => `${c.row} ${c.pointer} ${c.codes.join(',')}`));
const plan = await probePlanFile(file, { now: new Date() });
const probed: Report = await probeFile(file, {
  timeoutMs: 2000,
  signal: controller.signal,
  onProgress: (p: Progress) => p.probe && console.log(p.probe.probed / p.probe.total),
});
console.log(plan.hosts.length, probed.probe?.requested);

// compact: true, for a page that shows a large report: the same report, its diagnostics packed.
const compact: CompactReport = await checkFile(file, { compact: true });
const list: DiagnosticList = compact.diagnostics;
const first = list.at(0);
const codeOfFirst: string | undefined = first?.code;
const rows: Float64Array = list.rows;
const marks = new Uint8Array(list.length);
for (let block = 0; block < list.textBlocks; block++) list.markText('http', marks, block);
for (const d of list) console.log(d.message);
const compactProbe = await probeFile(file, { compact: true });
const compactSplit = await splitFile(file, { compact: true, onChunk: (chunk) => upload(chunk, 0) });
const compactFix = await fixFile(file, { compact: true });
const fixedList: DiagnosticList = compactFix.report.diagnostics;
const compactChanges: Change[] = compactFix.report.fix.changes;
console.log(compact.summary.rows, codeOfFirst, rows, compactProbe.probe.probed, compactSplit.report.diagnostics.length, list.byRow?.length, fixedList.length, compactChanges.length);
// @ts-expect-error: a compact report's diagnostics are not an array
const asArray: Report['diagnostics'] = compact.diagnostics;
// @ts-expect-error: compact is true or false
await checkFile(file, { compact: 'yes' });
// @ts-expect-error: in a browser, requests come from the page's origin
probeFile(file, { origin: 'https://app.labelbox.com' });

try {
  await checkFile(file, { signal: AbortSignal.timeout(1000) });
} catch (e) {
  if (e instanceof RowcheckError && e.code === 'WORKER_FAILED') console.log(e.message);
  if (e instanceof SameError) console.log('one RowcheckError class for both entries', e.code);
}

// @ts-expect-error: a File or Blob, not bytes (check() takes bytes)
await checkFile(new Uint8Array(2));
// @ts-expect-error: onChunk is for splitFile only
await checkFile(file, { onChunk: () => {} });
// @ts-expect-error: a fix's output is whole, not chunks
await fixFile(file, { onChunk: () => {} });
// @ts-expect-error: with onChunk the chunks are not kept
const kept: Uint8Array[] = streamed.chunks;
// @ts-expect-error: progress counts are numbers
await checkFile(file, { onProgress: (p: { rows: string }) => p });
// @ts-expect-error: signal is an AbortSignal
await checkFile(file, { signal: controller });

console.log(report, splitReport, firstChunk, streamedReport, bytes, kept, asArray);
