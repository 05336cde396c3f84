import type { ChunkInfo, RowcheckError } from './index.js';
import type { TransportCode } from './transport-codes.js';

export type { RowcheckError, TransportCode };

/** A chunk from `split()` or `Checker.takeChunks()`, or the same with its place in the manifest. */
export type UploadChunk = Uint8Array | { bytes: Uint8Array; index?: number; firstRow?: number; rows?: number };

/**
 * A row the server refused inside a chunk, as a transport reports it:
 * `position` is its 0-based place in the chunk (null when the server's answer
 * names no row of it).
 */
export interface TransportRowError {
  position: number | null;
  /** labelboxTransport's codes are TransportCode; a transport of your own may give its own. */
  code: TransportCode | (string & {});
  message: string;
  globalKey?: string;
}

/** What a transport says about one attempt to send one chunk. */
export type SendOutcome =
  | { ok: true; status?: number; rowErrors?: TransportRowError[] }
  | { ok: false; retry: boolean; status: number; reason: string; retryAfterMs?: number; rowErrors?: TransportRowError[] };

/** A refused row in the upload result, placed in the manifest. */
export interface RowError {
  /** Manifest row index (null when the chunk's firstRow or the row's place is unknown). */
  row: number | null;
  chunk: number;
  /** The transport's code for the row (TransportCode from labelboxTransport). */
  code: TransportCode | (string & {});
  message: string;
  globalKey?: string;
}

export interface Transport {
  /** Send one chunk once; throw only for an abort (with `signal.reason`). `key` is its idempotency key. */
  send(request: { bytes: Uint8Array; index: number; key: string; signal?: AbortSignal }): Promise<SendOutcome>;
}

export interface UploadProgress {
  rowsSent: number;
  chunksSent: number;
  bytesSent: number;
  /** Chunks the checkpoint holds as acknowledged in an earlier run. */
  chunksSkipped: number;
  failed: number;
}

/** Acknowledged chunk keys kept across runs: send only what is missing. */
export interface Checkpoint {
  has(key: string): boolean | Promise<boolean>;
  /** Called once a chunk is acknowledged, before it is counted as sent. */
  add(key: string): unknown;
}

export interface UploadOptions {
  transport: Transport;
  /** Chunks in flight at once (default 4). */
  concurrency?: number;
  /** Rejects the upload with `signal.reason`; no request starts after it. */
  signal?: AbortSignal;
  /** After each chunk is acknowledged or has failed. */
  onProgress?(progress: UploadProgress): void;
  /** Retries per chunk after the first attempt (default 6). */
  retries?: number;
  /** Backoff before retry n: a random wait up to min(maxBackoffMs, backoffMs × 2^n), or Retry-After if longer (defaults 250 and 30,000). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** The report `split()` returned: gives plain Uint8Array chunks their `firstRow` and `rows`. */
  report?: { chunks: ChunkInfo[] };
  /** Skip chunks acknowledged in an earlier run, record the ones acknowledged now. */
  checkpoint?: Checkpoint;
}

export interface UploadResult {
  rowsSent: number;
  chunksSent: number;
  bytesSent: number;
  chunksSkipped: number;
  /** Chunks that failed for good (a 4xx other than 408/429, or retries exhausted), by chunk index. */
  failed: { chunk: number; firstRow?: number; rows?: number; status: number; reason: string }[];
  /** Rows the server refused inside chunks, by manifest row; those in acknowledged chunks are not re-sent. */
  rowErrors: RowError[];
}

export function upload(chunks: Iterable<UploadChunk> | AsyncIterable<UploadChunk>, options: UploadOptions): Promise<UploadResult>;

export interface HttpTransportOptions {
  endpoint: string | URL;
  headers?: Record<string, string>;
  /** Per attempt, headers and body included (default 60,000). */
  timeoutMs?: number;
}

/** POST each chunk as `application/json` with an `Idempotency-Key` (hex SHA-256 of its bytes). */
export function httpTransport(options: HttpTransportOptions): Transport;

export interface LabelboxTransportOptions {
  /** A Labelbox API key; kept in memory and sent only to `endpoint`. */
  apiKey: string;
  /** The existing dataset the rows go to. */
  datasetId: string;
  /** The GraphQL API (default https://api.labelbox.com/graphql, the SDK's). */
  endpoint?: string | URL;
  /** Between task polls (default 2,000, the SDK's). */
  pollIntervalMs?: number;
  /** Per request, body included (default 60,000). */
  timeoutMs?: number;
  /** How long a task may stay IN_PROGRESS before the chunk is reported failed (default 300,000). */
  taskTimeoutMs?: number;
  /** Used instead of globalThis.fetch. */
  fetch?: typeof fetch;
}

/** Create each chunk's rows in a Labelbox dataset as the official Python SDK does; per-row errors come back as `rowErrors`. */
export function labelboxTransport(options: LabelboxTransportOptions): Transport;

/** The hex SHA-256 of a chunk, as sent in `Idempotency-Key`. */
export function idempotencyKey(bytes: Uint8Array): Promise<string>;

/** Node only: a checkpoint kept in a file, one acknowledged chunk key per line. */
export function fileCheckpoint(path: string): Checkpoint;

/**
 * Browsers: a checkpoint kept in IndexedDB under `name` (one per manifest and
 * destination), so a reload or a crashed tab resumes. Throws `INVALID_OPTIONS` where there is no IndexedDB.
 */
export function indexedDbCheckpoint(name: string): Checkpoint & {
  /** Forget this checkpoint's keys: the next upload sends everything. */
  clear(): Promise<void>;
};
