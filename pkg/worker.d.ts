// Types for rowcheck/worker: a File checked, split or normalized in a Web Worker.
import type { Options, ProbePlan, ProbeSettings, ProbeSummary, Report } from './index.js';

export type { Options, ProbePlan, ProbeSettings, ProbeSummary, Report } from './index.js';
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

export interface FileOptions extends Options {
  /** Aborting terminates the worker and rejects the call with `signal.reason` (an `AbortError` DOMException unless you give one). */
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /** Where the worker loads rowcheck_bg.wasm from; by default, beside the package's (or the bundle's) worker script. With `schema`, the full build is loaded from rowcheck_full_bg.wasm beside it. */
  wasm?: string | URL;
}

export interface SplitFileOptions extends FileOptions {
  /**
   * Takes each upload chunk (a JSON array; `index` is its report.chunks
   * index) as soon as it fills, instead of collecting them all. Reading
   * waits while a returned promise is pending.
   */
  onChunk?: (chunk: Uint8Array, index: number) => void | Promise<void>;
}

/** Check a File (or any Blob) in a worker; the same report as check(). */
export function checkFile(file: Blob, options?: FileOptions): Promise<Report>;

/**
 * Check and split in a worker; with onChunk the chunks go there as they
 * fill, and are not kept. A file that fails has no chunks; when onChunk had
 * already taken some, the call rejects with FILE_FAILED (`error.report` is
 * the report) so they are discarded.
 */
export function splitFile(file: Blob, options: SplitFileOptions & { onChunk: NonNullable<SplitFileOptions['onChunk']> }): Promise<{ report: Report }>;
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
export function probeFile(file: Blob, options?: ProbeFileOptions): Promise<Report & { probe: ProbeSummary }>;

/** The hosts probeFile() would contact, worked out in a worker, with no request sent. */
export function probePlanFile(file: Blob, options?: ProbeFileOptions): Promise<ProbePlan>;

/** Check and normalize in a worker; the same bytes and report as normalize() (bytes null when the file itself failed). */
export function normalizeFile(file: Blob, options?: FileOptions): Promise<{ bytes: Uint8Array | null; report: Report }>;
