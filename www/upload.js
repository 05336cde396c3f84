// The upload panel: the valid rows, split again in the worker as they are
// sent (so a large manifest is never held), through rowcheck/uploader.
// Pause aborts the upload and keeps an in-memory checkpoint of acknowledged
// chunks; Resume uploads again with it, so only missing chunks go.
import { httpTransport, labelboxTransport, upload } from './lib/uploader.js';
import { splitFile } from './lib/worker.js';
import { allowsConnection, connectSources } from './csp.js';
import { plural } from './summary.js';

const LABELBOX_API = 'https://api.labelbox.com/graphql';

/**
 * Where chunks can go. Each destination names its fields (rendered as
 * labelled inputs, values kept in memory only), the origins it will reach,
 * and how to make its transport.
 */
const DESTINATIONS = {
  http: {
    label: 'An HTTP endpoint (POST, a JSON array per request)',
    fields: [
      { name: 'endpoint', label: 'Endpoint URL', type: 'url', required: true, placeholder: 'https://ingest.example.com/rows' },
      { name: 'headers', label: 'Request headers, one "Name: value" per line (e.g. Authorization)', type: 'textarea', placeholder: 'Authorization: Bearer …' },
    ],
    origins: (values) => [new URL(values.endpoint).origin],
    transport: (values) => httpTransport({ endpoint: values.endpoint, headers: parseHeaders(values.headers) }),
  },
  labelbox: {
    label: 'A Labelbox dataset',
    fields: [
      { name: 'datasetId', label: 'Dataset ID', type: 'text', required: true, placeholder: 'ckxyz…' },
      { name: 'apiKey', label: 'API key (memory only; sent only to the API URL)', type: 'password', required: true },
      { name: 'endpoint', label: 'API URL', type: 'url', required: true, initial: LABELBOX_API },
    ],
    origins: (values) => [new URL(values.endpoint).origin],
    transport: (values) => labelboxTransport({ apiKey: values.apiKey, datasetId: values.datasetId.trim(), endpoint: values.endpoint }),
  },
};

function parseHeaders(text) {
  const headers = {};
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    if (!line.trim()) continue;
    const colon = line.indexOf(':');
    if (colon < 1) throw new Error(`header line ${i + 1} is not "Name: value"`);
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/**
 * The chunks of `file` as splitFile makes them, as an async iterable the
 * uploader pulls from: the worker reads on only as chunks are taken.
 */
async function* chunksOf(file, options, signal) {
  const stop = new AbortController();
  let slot;
  let finished = false;
  let failure;
  let wake = () => {};
  splitFile(file, {
    ...options,
    signal: AbortSignal.any([signal, stop.signal]),
    onChunk: (bytes, index) =>
      new Promise((taken) => {
        slot = { bytes, index, taken };
        wake();
      }),
  }).then(
    () => ((finished = true), wake()),
    (error) => ((failure = error), (finished = true), wake()),
  );
  try {
    for (;;) {
      if (slot) {
        const { bytes, index, taken } = slot;
        slot = undefined;
        taken();
        yield { bytes, index };
      } else if (failure) {
        throw failure;
      } else if (finished) {
        return;
      } else {
        await new Promise((resolve) => (wake = resolve));
      }
    }
  } finally {
    stop.abort(); // the uploader stopped early: end the worker too
  }
}

const PAUSED = new DOMException('paused', 'AbortError');

export class UploadPanel {
  #els;
  #job; // { file, options, report } of the last check
  #values = {};
  #checkpoint = { for: '', keys: new Set() };
  #controller;

  constructor(els) {
    this.#els = els;
    for (const [id, { label }] of Object.entries(DESTINATIONS)) els.destination.append(new Option(label, id));
    els.destination.addEventListener('change', () => this.#renderFields());
    els.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#start();
    });
    els.pause.addEventListener('click', () => this.#controller?.abort(PAUSED));
    this.#renderFields();
  }

  /** A new check: its valid rows are what an upload sends. */
  setJob(job) {
    this.#controller?.abort(new DOMException('a new check started', 'AbortError'));
    this.#job = job;
    this.#checkpoint = { for: '', keys: new Set() };
    const { valid_rows: valid, file_failed: failed } = job.report.summary;
    this.#els.start.textContent = 'Upload';
    this.#els.start.disabled = valid === 0 || failed;
    this.#els.status.textContent = failed
      ? 'Nothing can be sent: the file itself cannot be read to its end as a manifest.'
      : valid ? `${plural(valid, 'valid row', 'valid rows')} in ${plural(job.report.chunks.length, 'chunk', 'chunks')} ${valid === 1 ? 'is' : 'are'} ready to send.` : 'There are no valid rows to send.';
    this.#els.failed.replaceChildren();
    this.#els.progress.hidden = true;
  }

  #destination() {
    return DESTINATIONS[this.#els.destination.value];
  }

  /** What was typed for the chosen destination (each keeps its own). */
  #typed() {
    return (this.#values[this.#els.destination.value] ??= {});
  }

  #renderFields() {
    const typed = this.#typed();
    const fields = this.#destination().fields.map((field) => {
      const label = document.createElement('label');
      label.textContent = field.label;
      const input = document.createElement(field.type === 'textarea' ? 'textarea' : 'input');
      if (field.type !== 'textarea') input.type = field.type;
      input.name = field.name;
      input.required = Boolean(field.required);
      input.placeholder = field.placeholder ?? '';
      input.autocomplete = 'off';
      input.spellcheck = false;
      input.dataset.testid = `upload-${field.name}`;
      input.value = typed[field.name] ?? field.initial ?? '';
      typed[field.name] = input.value;
      input.addEventListener('input', () => {
        typed[field.name] = input.value;
        this.#els.origin.hidden = true;
      });
      label.append(input);
      return label;
    });
    this.#els.fields.replaceChildren(...fields);
  }

  async #start() {
    const els = this.#els;
    const destination = this.#destination();
    const typed = this.#typed();
    const values = Object.fromEntries(destination.fields.map((f) => [f.name, typed[f.name] ?? '']));
    let transport;
    let origins;
    try {
      origins = destination.origins(values);
      transport = destination.transport(values);
    } catch (e) {
      els.status.textContent = `Check the settings: ${e.message}`;
      return;
    }
    const blocked = origins.filter((origin) => !allowsConnection(origin));
    if (blocked.length) {
      els.origin.hidden = false;
      els.origin.textContent = `This page may only connect to ${connectSources().join(', ')}, so nothing can be sent to ${blocked.join(', ')}. `
        + `Start the page with "rowcheck serve --allow-origin ${blocked[0]}", or add that origin to connect-src in index.html where you host it. `
        + 'The server must also accept cross-origin requests (CORS) from this page.';
      return;
    }
    // A checkpoint holds acknowledgements from one destination only.
    const target = `${els.destination.value} ${JSON.stringify(values)}`;
    if (this.#checkpoint.for !== target) this.#checkpoint = { for: target, keys: new Set() };

    const { file, options, report } = this.#job;
    const total = report.chunks.length;
    const controller = (this.#controller = new AbortController());
    els.start.disabled = true;
    els.pause.hidden = false;
    els.progress.hidden = false;
    els.progress.value = 0;
    els.failed.replaceChildren();
    els.status.textContent = `Sending ${plural(total, 'chunk', 'chunks')}…`;
    const started = performance.now();
    try {
      const result = await upload(chunksOf(file, options, controller.signal), {
        transport,
        report,
        checkpoint: this.#checkpoint.keys,
        signal: controller.signal,
        onProgress: ({ rowsSent, chunksSent, chunksSkipped, failed }) => {
          els.progress.value = (chunksSent + chunksSkipped + failed) / total;
          els.status.textContent = `${chunksSent + chunksSkipped} of ${plural(total, 'chunk', 'chunks')} sent (${plural(rowsSent, 'row', 'rows')} this time)${failed ? `, ${failed} failed` : ''}…`;
        },
      });
      this.#finished(result, total, performance.now() - started);
    } catch (error) {
      els.start.textContent = 'Resume';
      els.status.textContent = error === PAUSED
        ? `Paused: ${this.#checkpoint.keys.size} of ${plural(total, 'chunk', 'chunks')} acknowledged. Resume sends only the others.`
        : `The upload stopped: ${error?.message ?? error}. ${this.#checkpoint.keys.size} of ${plural(total, 'chunk', 'chunks')} acknowledged; Resume sends only the others.`;
    } finally {
      if (this.#controller === controller) this.#controller = undefined;
      els.start.disabled = false;
      els.pause.hidden = true;
    }
  }

  #finished(result, total, ms) {
    const els = this.#els;
    const { rowsSent, chunksSent, chunksSkipped, failed, rowErrors } = result;
    els.progress.value = 1;
    const skipped = chunksSkipped ? ` ${plural(chunksSkipped, 'chunk had', 'chunks had')} been sent before and ${chunksSkipped === 1 ? 'was' : 'were'} skipped.` : '';
    const refused = rowErrors.length ? ` The server refused ${plural(rowErrors.length, 'row', 'rows')} inside chunks it took (listed below); fix them and upload those rows again.` : '';
    els.status.textContent = failed.length
      ? `Done with failures: ${plural(chunksSent, 'chunk', 'chunks')} (${plural(rowsSent, 'row', 'rows')}) sent, ${failed.length} of ${total} failed (listed below).${skipped}${refused} Upload again to retry only the failed chunks.`
      : `Done: ${plural(chunksSent, 'chunk', 'chunks')} (${plural(rowsSent, 'row', 'rows')}) sent in ${(ms / 1000).toFixed(1)} s.${skipped}${refused}`;
    els.start.textContent = failed.length ? 'Retry failed chunks' : 'Upload';
    els.failed.replaceChildren(
      ...failed.map((f) => {
        const li = document.createElement('li');
        li.textContent = `Chunk ${f.chunk + 1} (rows ${f.firstRow}–${f.firstRow + f.rows - 1}): ${f.status ? `HTTP ${f.status}, ` : ''}${f.reason}`;
        return li;
      }),
      ...rowErrors.map((e) => {
        const li = document.createElement('li');
        li.textContent = `Row ${e.row ?? '?'}: ${e.code}: ${e.message}`;
        return li;
      }),
    );
  }
}
