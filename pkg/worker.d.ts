// Types for rowcheck/worker: a File checked, split, normalized or fixed in a Web Worker.
import type { Code, Diagnostic, FixSummary, Options, ProbePlan, ProbeSettings, ProbeSummary, Report, Severity } from './index.js';

export type { Change, FixSummary, Options, ProbePlan, ProbeSettings, ProbeSummary, Report } from './index.js';
export { RowcheckError } from './index.js';

/** Posted at most every 100 ms while the file is read, and once at the end. */
export interface Progress {
  /** Bytes of the file read and checked so far; equals totalBytes in the last event. */
  bytesRead: number;
  /** The file's size. */
  totalBytes: number;
  /** Rows seen so far. */
  rows: number;
  /** Error diagnostics so far. */
  errors: number;
  /** probeFile() only, once the file is read: URLs judged so far, of `total`. */
  probe?: { probed: number; total: number };
}

/**
 * A report's diagnostics in compact form: what `compact: true` gives in
 * place of the array. One buffer of their JSON and a few columns, made in
 * the worker and transferred whole, so a page holds a million diagnostics
 * without a million objects; an object is made only when one is read.
 */
export class DiagnosticList implements Iterable<Diagnostic> {
  private constructor();
  readonly length: number;
  /** The diagnostic at `index`, as the report has it (a new object each call); undefined past either end. */
  at(index: number): Diagnostic | undefined;
  row(index: number): number | null;
  severity(index: number): Severity;
  code(index: number): Code;
  /** Each diagnostic's row; -1 for a problem with the file itself. */
  readonly rows: Float64Array;
  /** Each diagnostic's severity, an index into `severityNames`. */
  readonly severities: Uint8Array;
  readonly severityNames: readonly Severity[];
  /** Each diagnostic's code, an index into `codeNames`. */
  readonly codes: Uint16Array;
  readonly codeNames: readonly Code[];
  /** The indices in row order (ties in report order), or null when the list is in row order already. */
  readonly byRow: Uint32Array | null;
  /** The diagnostics' JSON, comma-separated: what the report's array holds between its brackets. */
  readonly json: Uint8Array;
  /** How many blocks markText() searches. */
  readonly textBlocks: number;
  /**
   * Set `marks[i]` to 1 for each diagnostic `i` of block `block` whose code,
   * pointer, message or suggestion, lowercased, contains `needle` (give it
   * lowercased); search block by block to keep a page responsive.
   */
  markText(needle: string, marks: Uint8Array, block: number): void;
  /** Manifest rows with an error, ascending, each once. */
  errorRows(): number[];
  [Symbol.iterator](): Iterator<Diagnostic>;
  /** The array: `JSON.stringify(report)` gives the report. */
  toJSON(): Diagnostic[];
}

/** A Report whose diagnostics are a DiagnosticList. */
export type CompactReport<R extends Report = Report> = Omit<R, 'diagnostics'> & { diagnostics: DiagnosticList };

export interface FileOptions extends Omit<Options, 'existingKeys'> {
  /** As check() takes it, or a key-list File (any Blob), which the worker streams into its key index without holding it whole. */
  existingKeys?: Options['existingKeys'] | Blob;
  /** Aborting terminates the worker and rejects the call with `signal.reason` (an `AbortError` DOMException unless you give one). */
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /** Where the worker loads rowcheck_bg.wasm from; by default, beside the package's (or the bundle's) worker script. With `schema`, and for `probeFile()`, the full build is loaded from rowcheck_full_bg.wasm beside it. */
  wasm?: string | URL;
  /** The report's diagnostics as a DiagnosticList instead of an array (for a page that shows a large report). */
  compact?: boolean;
}

type Compact = { compact: true };

export interface SplitFileOptions extends FileOptions {
  /**
   * Takes each upload chunk (a JSON array; `index` is its report.chunks
   * index) as soon as it fills, instead of collecting them all. Reading
   * waits while a returned promise is pending.
   */
  onChunk?: (chunk: Uint8Array, index: number) => void | Promise<void>;
}

/** Check a File (or any Blob) in a worker; the same report as check(). */
export function checkFile(file: Blob, options: FileOptions & Compact): Promise<CompactReport>;
export function checkFile(file: Blob, options?: FileOptions): Promise<Report>;

/**
 * Check and split in a worker; with onChunk the chunks go there as they
 * fill, and are not kept. A file that fails has no chunks; when onChunk had
 * already taken some, the call rejects with FILE_FAILED (`error.report` is
 * the report) so they are discarded.
 */
export function splitFile(file: Blob, options: SplitFileOptions & Compact & { onChunk: NonNullable<SplitFileOptions['onChunk']> }): Promise<{ report: CompactReport }>;
export function splitFile(file: Blob, options: SplitFileOptions & { onChunk: NonNullable<SplitFileOptions['onChunk']> }): Promise<{ report: Report }>;
export function splitFile(file: Blob, options: SplitFileOptions & Compact): Promise<{ chunks: Uint8Array[]; report: CompactReport }>;
export function splitFile(file: Blob, options?: SplitFileOptions): Promise<{ chunks: Uint8Array[]; report: Report }>;

export interface ProbeFileOptions extends FileOptions, Omit<ProbeSettings, 'origin' | 'signal' | 'onProgress'> {}

/**
 * Check, then request every asset URL from the worker with this browser's
 * fetch in CORS mode (what the labeling editor's own requests meet), from
 * this page's origin: the same findings as probe(), except that CORS is
 * judged for this page's origin. The page's Content-Security-Policy must let
 * it connect to every host (see probePlanFile()). After `signal` aborts, the
 * requests stop and it resolves to what was probed.
 */
export function probeFile(file: Blob, options: ProbeFileOptions & Compact): Promise<CompactReport & { probe: ProbeSummary }>;
export function probeFile(file: Blob, options?: ProbeFileOptions): Promise<Report & { probe: ProbeSummary }>;

/** The hosts probeFile() would contact, worked out in a worker, with no request sent. */
export function probePlanFile(file: Blob, options?: ProbeFileOptions): Promise<ProbePlan>;

/** Check and normalize in a worker; the same bytes and report as normalize() (bytes null when the file itself failed). */
export function normalizeFile(file: Blob, options: FileOptions & Compact): Promise<{ bytes: Uint8Array | null; report: CompactReport }>;
export function normalizeFile(file: Blob, options?: FileOptions): Promise<{ bytes: Uint8Array | null; report: Report }>;

/**
 * Apply every safe fix in a worker; the same bytes and report as fix():
 * the fixed manifest (null when the file itself failed) and its report,
 * with every change in `report.fix`.
 */
export function fixFile(file: Blob, options: FileOptions & Compact): Promise<{ bytes: Uint8Array | null; report: CompactReport<Report & { fix: FixSummary }> }>;
export function fixFile(file: Blob, options?: FileOptions): Promise<{ bytes: Uint8Array | null; report: Report & { fix: FixSummary } }>;
