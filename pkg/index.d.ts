// Types for the rowcheck package. The Code union is generated (codes.d.ts).

import type { Code } from './codes.js';
export type { Code };

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  code: Code;
  severity: Severity;
  /** 0-based row index; null for a problem with the file itself. */
  row: number | null;
  /** JSON Pointer into the row as written ('' is the whole row). */
  pointer: string;
  /** 1-based line in the input. */
  line: number;
  /** 1-based column, in Unicode characters. */
  column: number;
  /**
   * Byte offset of the row in the input (its first byte); with `length`,
   * `input.subarray(offset, offset + length)` (or `file.slice(…)`) is the
   * row as written, without scanning for it. For a problem with the file
   * itself (row null), the byte where it was found.
   */
  offset: number;
  /** Bytes of the row as written; 0 for a problem with the file itself. */
  length: number;
  message: string;
  /**
   * A suggested fix: the new value itself (for the URL codes exactly the
   * replacement URL, already checked to pass the rule it fixes), or
   * `rename "a" to "b"`. fix() applies it when the code's fix is safe (see
   * docs/codes.md); otherwise it is only offered.
   */
  suggestion?: string;
}

/** One edit fix() made. */
export interface Change {
  /** 0-based row index, the same in the input and the output. */
  row: number;
  /** JSON Pointer of the value (for a rename, of the member) in the input row, as the diagnostic it fixes names it: a field given by its alias (`mediaType`) is named by the field (`/media_type`). */
  pointer: string;
  /** `replace`: the value became `after`; `rename`: the member's key became `after`, its value kept. */
  op: 'replace' | 'rename';
  /** The findings this edit fixes (one percent-encoding fixes a URL's URL_UNSUPPORTED_CHAR and its URL_SPACE). */
  codes: Code[];
  /** 1-based line and column (in Unicode characters) of the new value or key in the output. */
  line: number;
  column: number;
  /** The value (for a rename, the key) before and after. */
  before: unknown;
  after: unknown;
}

/** What fix() changed. */
export interface FixSummary {
  changes: Change[];
  /** Rows with at least one change. */
  rows_changed: number;
  /** Errors and warnings the manifest had before it was fixed. */
  input_errors: number;
  input_warnings: number;
}

export interface ChunkInfo {
  /** 0-based; the CLI writes chunk i to chunk-{i+1, 4 digits}.json. */
  index: number;
  first_row: number;
  rows: number;
  bytes: number;
}

export interface InfoCount {
  code: Code;
  /** Rows with at least one such info. */
  rows: number;
  /** The first five of them (fewer if there are fewer), in file order. */
  first_rows: number[];
}

export interface Report {
  version: 1;
  summary: {
    rows: number;
    valid_rows: number;
    errors: number;
    warnings: number;
    /**
     * The file itself could not be read to its end as a manifest (truncated,
     * broken between rows, not UTF-8, not a manifest): it has no normalized
     * form and no chunks. A diagnostic with `row: null` says why.
     */
    file_failed: boolean;
    media_types: Partial<Record<MediaType, number>>;
    /**
     * Each info code reported about rows (an inferred media type, say), in
     * the order the codes first appear. Unless `verbose` is set, these are
     * not listed in `diagnostics`: an info that holds for every row would
     * drown the findings.
     */
    infos: InfoCount[];
  };
  diagnostics: Diagnostic[];
  chunks: ChunkInfo[];
  /**
   * Only in a fix's report, whose diagnostics, positions and summary are
   * the fixed manifest's (what check() of the output gives): what was changed.
   */
  fix?: FixSummary;
  /** Only in a probe's report: what was requested. */
  probe?: ProbeSummary;
}

export interface ProbeSummary {
  /** Distinct http(s) asset URLs in the manifest. */
  urls: number;
  /** Of those, the ones requested (all, or `sample`). */
  requested: number;
  /** Requests answered (or failed) and judged. */
  probed: number;
  /** Hosts contacted. */
  hosts: number;
  /** gs:// URLs: they need the platform's Google Cloud integration, and are listed (ASSET_NOT_PROBED) but not requested. */
  not_probed: number;
  /** The origin whose CORS answer was judged (in a browser, the page's). */
  origin: string;
  /** Stopped (signal) before every URL was probed. */
  interrupted: boolean;
  /** Why nothing was probed: the manifest cannot be read to its end. */
  refused?: string;
}

export type MediaType =
  | 'IMAGE' | 'VIDEO' | 'AUDIO' | 'TEXT' | 'HTML' | 'DICOM' | 'PDF' | 'TMS_GEO' | 'TMS_SIMPLE' | 'CONVERSATIONAL';

export interface OntologyField {
  schema_id?: string;
  name: string;
  kind: 'string' | 'number' | 'datetime' | 'enum' | 'embedding' | string;
  options?: { schema_id: string; name: string }[];
}

export interface Options {
  /** GLOBAL_KEY_CHARS and URL_SPACE become errors. */
  strict?: boolean;
  /**
   * List each info about a row in `diagnostics`. By default they are only
   * counted, per code, in `summary.infos` (as the CLI's --verbose).
   */
  verbose?: boolean;
  /**
   * Global keys that already exist in the organization (compared case-insensitively):
   * an iterable of keys, or the text or bytes of a key-list file (one key per line, or a JSON array).
   */
  existingKeys?: Iterable<string> | string | Uint8Array;
  /** The organization's metadata schema, or its JSON text; unknown fields become METADATA_UNKNOWN_FIELD. */
  ontology?: OntologyField[] | string;
  /** An extra JSON Schema every (normalized) row must satisfy (SCHEMA diagnostics), or its JSON text. */
  schema?: object | boolean | string;
  /** Rows per chunk, overriding the defaults (see chunkLimits()). */
  maxRows?: number;
  /** Bytes of JSON per chunk (the default: chunkLimits().maxBytes). */
  maxBytes?: number;
  /**
   * The check's clock for signed-URL expiry (SIGNED_URL_EXPIRED, SIGNED_URL_EXPIRING):
   * a Date, a date-time string such as '2026-12-01T00:00:00Z', or milliseconds since 1970.
   * Default: the current time; give one for reproducible results.
   */
  now?: Date | string | number;
  /** A signed URL that expires within this many days of `now` is a warning (default 7). */
  signedUrlMinDays?: number;
}

/** How probe() requests the assets. */
export interface ProbeSettings {
  /**
   * Node only: the labeling app's origin, sent as `Origin` and judged in CORS answers
   * (default 'https://app.labelbox.com'). In a browser, requests come from the page's origin.
   */
  origin?: string;
  /** Requests in flight at once (default 16). */
  concurrency?: number;
  /** Requests in flight to one host (default 6). */
  perHost?: number;
  /** Per request (default 10,000). */
  timeoutMs?: number;
  /** Retries for 408, 429, 5xx and dropped connections, honoring Retry-After (default 2). */
  retries?: number;
  /** First backoff, doubled per retry, with full jitter (default 250). */
  backoffMs?: number;
  /** Longest wait between attempts; a Retry-After above it is not waited for (default 10,000). */
  maxBackoffMs?: number;
  /** Probe only this many of the distinct URLs, picked by `seed` (the same ones every run). */
  sample?: number;
  /** Which sample (default 0). */
  seed?: number;
  /** Stops the requests; the call then resolves to what was probed. */
  signal?: AbortSignal;
  /** After each URL is judged. */
  onProgress?: (progress: { probed: number; total: number }) => void;
}

export interface ProbeOptions extends Options, ProbeSettings {}

/** What a probe would request: every host it contacts, and nothing else. */
export interface ProbePlan {
  hosts: { origin: string; urls: number }[];
  /** URLs that would be requested. */
  urls: number;
  /** gs:// URLs listed but not requested. */
  notProbed: number;
  /** Why nothing would be probed. */
  refused?: string;
}

export type Input = Uint8Array | ArrayBuffer | string;

/**
 * Codes of the errors a caller can cause; WORKER_FAILED (rowcheck/worker:
 * the worker could not start, load the wasm or read the file, or crashed);
 * and FILE_FAILED, when output already handed out (by a Checker, or to
 * splitFile's onChunk) turns out to come from a file that failed, and must
 * be discarded. Other manifest problems are never thrown.
 */
export type RowcheckErrorCode =
  | 'INVALID_INPUT' | 'INVALID_OPTIONS' | 'INVALID_ONTOLOGY' | 'INVALID_SCHEMA' | 'NOT_INITIALIZED' | 'INVALID_STATE'
  | 'WORKER_FAILED' | 'FILE_FAILED';

export class RowcheckError extends Error {
  readonly name: 'RowcheckError';
  readonly code: RowcheckErrorCode;
  /** With FILE_FAILED from splitFile: the report, whose diagnostics say why. */
  readonly report?: Report;
}

/** Where a .wasm comes from. */
export type WasmSource = string | URL | Response | BufferSource | WebAssembly.Module;

/**
 * Load the wasm. Idempotent; resolves at once in Node. In the browser a
 * call with the `schema` option needs the full build, loaded (and fetched)
 * only by `init({ schema: true })`; `schema` may also be its source.
 * `probe()` fetches the full build by itself the first time.
 */
export function init(source?: WasmSource | { wasm?: WasmSource; schema?: boolean | WasmSource }): Promise<void>;

/** Check a manifest (JSON array, NDJSON or URL list). */
export function check(input: Input, options?: Options): Report;

/**
 * Check and normalize; bytes hold the normalized manifest in the input's
 * container, or are null when the file itself failed (`report.summary.file_failed`).
 */
export function normalize(input: Input, options?: Options): { bytes: Uint8Array | null; report: Report };

/**
 * Check, then request every distinct asset URL (HEAD, or a ranged GET where
 * HEAD does not tell) and judge each answer: the check's report with the
 * ASSET_* findings merged in, and `probe` saying what was requested. Pass
 * the check's report, not this one, to upload(): a probe's findings do not
 * change the chunks.
 */
export function probe(input: Input, options?: ProbeOptions): Promise<Report & { probe: ProbeSummary }>;

/** The hosts probe() would contact, with no request sent. */
export function probePlan(input: Input, options?: ProbeOptions): ProbePlan;

/**
 * Apply every safe fix (docs/codes.md says which): bytes hold the fixed
 * manifest in the input's container, the input byte for byte but where a
 * fix changed a value, or are null when the file itself failed. The report
 * is the fixed manifest's, with every change in `report.fix`.
 */
export function fix(input: Input, options?: Options): { bytes: Uint8Array | null; report: Report & { fix: FixSummary } };

/** Check and split the valid rows into upload chunks (each a JSON array); none when the file itself failed. */
export function split(input: Input, options?: Options): { chunks: Uint8Array[]; report: Report };

/** The file name `rowcheck split` gives chunk `index` (0-based): `chunk-0001.json` for 0. */
export function chunkFileName(index: number): string;

/** The chunk limits: the defaults and the smallest values `maxRows` and `maxBytes` may take. */
export interface ChunkLimits {
  /** Rows per chunk by default. */
  maxRows: number;
  /** Rows per chunk by default once a row of the chunk has metadata. */
  maxRowsWithMetadata: number;
  /** Bytes of JSON per chunk by default. */
  maxBytes: number;
  minRows: number;
  minBytes: number;
}

export function chunkLimits(): ChunkLimits;

/** A chunk with its place in the manifest, as `report.chunks[index]` will describe it. */
export interface DescribedChunk {
  bytes: Uint8Array;
  index: number;
  firstRow: number;
  rows: number;
}

/** What a Checker keeps besides the report. */
export interface CheckerOutput {
  /** Keep upload chunks for takeChunks(). */
  chunks?: boolean;
  /** Keep the normalized manifest for takeNormalized(). */
  normalized?: boolean;
  /** Fix the manifest for takeFixed(); finish() then gives the fixed manifest's report. */
  fixed?: boolean;
}

/**
 * A manifest fed in pieces of any size (file reads, stream chunks, fetch
 * bodies): the same report as check() on the whole input, in bounded memory.
 *
 * Output leaves as it is produced, before the end of the input is known to
 * be sound. Once the file itself fails (`progress.fileFailed`, and
 * `report.summary.file_failed`), takeChunks() and takeNormalized() throw a
 * RowcheckError FILE_FAILED: what they gave before is part of a broken file
 * and must be discarded.
 */
export class Checker {
  constructor(options?: Options, output?: CheckerOutput);
  push(piece: Input): void;
  /** The input has ended: the report (the same object on every call). */
  finish(): Report;
  /** The chunks completed since the last call, each a JSON array, in order. */
  takeChunks(options?: { info?: false }): Uint8Array[];
  /** The same, each with its place in the manifest: what `upload()` takes. */
  takeChunks(options: { info: true }): DescribedChunk[];
  /** The normalized manifest produced since the last call. */
  takeNormalized(): Uint8Array;
  /** The fixed manifest produced since the last call (with `output.fixed`). */
  takeFixed(): Uint8Array;
  readonly progress: { bytesRead: number; rows: number; errors: number; fileFailed: boolean };
  /** Release the wasm memory now rather than when garbage-collected. */
  free(): void;
}
