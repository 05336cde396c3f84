// `rowcheck upload`: a first pass checks the whole file, so a manifest with
// errors sends nothing (unless --skip-invalid) and every chunk's rows are
// known; a second pass splits and sends, streaming, so the manifest is never
// held whole.
import { fileCheckpoint, httpTransport, labelboxTransport, upload } from '../lib/uploader-node.js';
import { takeReadyChunks } from '../lib/core.js';
import { errorRows } from '../lib/error-rows.js';
import { originOf } from './serve.js';
import { plural } from './text.js';

/**
 * The transport the flags ask for: `--labelbox-dataset` (key from
 * LABELBOX_API_KEY, `--endpoint` overriding Labelbox's API) or a plain
 * `--endpoint`. `fatal(message)` throws a usage error.
 */
export function transportFrom(values, env, fatal) {
  const endpoint = values.endpoint === undefined ? undefined : httpUrl(values.endpoint, fatal);
  if (values['labelbox-dataset'] !== undefined) {
    if (values.header.length > 0) fatal('--header is for --endpoint uploads; the Labelbox transport sends its own headers');
    const apiKey = env.LABELBOX_API_KEY;
    if (!apiKey) fatal('--labelbox-dataset needs the API key in the environment variable LABELBOX_API_KEY');
    return labelboxTransport({ apiKey, datasetId: values['labelbox-dataset'], ...(endpoint && { endpoint: endpoint.href }), timeoutMs: values['timeout-ms'] });
  }
  if (endpoint === undefined) fatal("the argument '--endpoint <URL>' (or '--labelbox-dataset <ID>') is required");
  const headers = {};
  for (const header of values.header) {
    const colon = header.indexOf(':');
    if (colon < 1) fatal(`invalid value '${header}' for '--header <HEADER>': write it as 'Name: value'`);
    headers[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
  }
  return httpTransport({ endpoint, headers, timeoutMs: values['timeout-ms'] });
}

function httpUrl(text, fatal) {
  if (originOf(text) === undefined) fatal(`invalid value '${text}' for '--endpoint <URL>': an absolute http:// or https:// URL is required`);
  return new URL(text);
}

/** A one-line upload bar on stderr, only on a terminal. */
function uploadBar(totalChunks) {
  if (!process.stderr.isTTY) return { update() {}, done() {} };
  const started = performance.now();
  let drawn = false;
  return {
    update({ rowsSent, chunksSent, bytesSent, chunksSkipped, failed }) {
      const secs = Math.max((performance.now() - started) / 1000, 1e-3);
      const finished = chunksSent + chunksSkipped + failed;
      const chunks = totalChunks === undefined ? plural(finished, 'chunk', 'chunks') : `${finished}/${plural(totalChunks, 'chunk', 'chunks')}`;
      const eta = totalChunks && chunksSent ? `  ETA ${(((totalChunks - finished) * secs) / Math.max(finished, 1)).toFixed(0)}s` : '';
      process.stderr.write(
        `\r${chunks}  ${plural(rowsSent, 'row', 'rows')}  ${(rowsSent / secs).toFixed(0)} rows/s  ${(bytesSent / 1e6 / secs).toFixed(1)} MB/s${failed ? `  ${failed} failed` : ''}${eta} `,
      );
      drawn = true;
    },
    done() {
      if (drawn) process.stderr.write('\r\x1b[2K');
    },
  };
}

/**
 * Stream the file through a splitting checker, yielding each chunk with its
 * rows as it fills: upload() pulls only as connections free up, so reading
 * waits for the network and the manifest is never held whole.
 */
async function* chunksOf(checker, pieces) {
  for await (const piece of pieces) {
    checker.push(piece);
    yield* takeReadyChunks(checker, true);
  }
  checker.finish();
  yield* takeReadyChunks(checker, true);
}

/**
 * Run the upload. `check(file)` is the first pass (resolves to the checker,
 * finished); `open()` a fresh splitting checker (a promise); `read(file)` the file's
 * pieces. Resolves to the exit status.
 */
export async function runUpload({ file, values, transport, check, open, read, printReport, Fatal }) {
  const checked = await check(file);
  if (checked.errors > 0 && !values['skip-invalid']) {
    printReport(checked);
    process.stderr.write(`rowcheck: nothing was uploaded: the manifest has ${plural(checked.errors, 'error', 'errors')}. Fix them, or pass --skip-invalid to send only the valid rows.\n`);
    return 1;
  }
  if (checked.fileFailed) {
    printReport(checked);
    throw new Fatal('nothing was uploaded: the manifest cannot be read to its end (see the report)');
  }
  // The first pass's report places every chunk and the rows left out, so
  // rows the server refuses are named by their manifest index.
  const checkedJson = checked.report();
  const report = JSON.parse(checkedJson);
  checked.free();

  const checker = await open();
  const controller = new AbortController();
  const interrupt = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', interrupt);
  const bar = uploadBar(report.chunks.length);
  let result;
  try {
    result = await upload(chunksOf(checker, read(file)), {
      transport,
      concurrency: values.concurrency,
      retries: values.retries,
      report,
      checkpoint: values.resume === undefined ? undefined : fileCheckpoint(values.resume),
      signal: controller.signal,
      onProgress: (progress) => bar.update(progress),
    });
  } catch (e) {
    bar.done();
    if (!controller.signal.aborted) throw e;
    const resume = values.resume === undefined ? 'pass --resume FILE next time to be able to continue' : `run the same command again to send the rest (${values.resume} records what was acknowledged)`;
    process.stderr.write(`rowcheck: upload interrupted; ${resume}\n`);
    return 130;
  } finally {
    process.off('SIGINT', interrupt);
  }
  bar.done();

  const skippedRows = errorRows(report);
  printReport(checker, { ...result, skippedRows });
  if (values.format !== 'json') process.stdout.write(summary(result, skippedRows, values));
  // The file changed between the passes: what was sent is no longer what was checked.
  if (checker.report() !== checkedJson) throw new Fatal(`${file} changed while it was being uploaded; check what arrived, then upload again with --resume`);
  return result.failed.length > 0 || result.rowErrors.length > 0 ? 1 : 0;
}

function rowRange(first, rows) {
  if (first === undefined) return 'rows unknown';
  return rows === 1 ? `row ${first}` : `rows ${first}–${first + rows - 1}`;
}

function summary(result, skippedRows, values) {
  const lines = [];
  const from = values.resume === undefined ? '' : ` (${plural(result.chunksSkipped, 'chunk', 'chunks')} skipped: ${values.resume} records them as acknowledged earlier)`;
  lines.push(`uploaded ${plural(result.rowsSent, 'row', 'rows')} in ${plural(result.chunksSent, 'chunk', 'chunks')}, ${plural(result.bytesSent, 'byte', 'bytes')}${from}`);
  if (skippedRows.length > 0) {
    const shown = skippedRows.slice(0, 20).join(', ');
    lines.push(`skipped ${plural(skippedRows.length, 'row', 'rows')} with errors (--skip-invalid): ${shown}${skippedRows.length > 20 ? ', …' : ''}`);
  }
  for (const f of result.failed) lines.push(`failed: chunk ${f.chunk + 1} (${rowRange(f.firstRow, f.rows)}): ${f.status || 'no answer'} ${f.reason}`);
  for (const e of result.rowErrors) lines.push(`refused by the server: row ${e.row ?? '?'} ${e.code}: ${e.message}`);
  return lines.join('\n') + '\n';
}
