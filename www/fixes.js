// The "Apply the safe fixes" step: pressing the button runs rowcheck's fix
// in a worker (the same fix as `rowcheck fix`, decided in the core, code by
// code), downloads the fixed manifest, and lists every change it made.
// What has no safe fix is left as written and stays in the fixed
// manifest's report, which the step sums up and can check in place of the
// original.
import { fixFile } from './lib/worker.js';
import { derivedName, save } from './downloads.js';
import { plural } from './plural.js';
import { slices } from './slices.js';

/** Changes listed on the page; the CSV has them all. */
const SHOWN = 500;

/** A value of a change as one line of text: JSON, a long one cut. */
function shown(value) {
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

/** A CSV cell, quoted when needed, never read as a formula by a spreadsheet. */
function cell(text) {
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export class FixPanel {
  #els;
  #job;
  #fixed; // { file, report } of the last fix of this job
  #controller;
  #onCheck;

  /** `onCheck(file)` checks the fixed manifest in place of the original. */
  constructor(els, onCheck) {
    this.#els = els;
    this.#onCheck = onCheck;
    els.start.addEventListener('click', () => this.#start());
    els.csv.addEventListener('click', () => this.#csv());
    els.recheck.addEventListener('click', () => this.#fixed && this.#onCheck(this.#fixed.file));
  }

  /** A new check: nothing fixed yet; a file that failed has nothing to fix. */
  setJob(job) {
    this.#controller?.abort();
    this.#job = job;
    this.#fixed = undefined;
    const els = this.#els;
    const failed = job.report.summary.file_failed;
    els.start.disabled = failed;
    els.status.textContent = failed ? 'The file itself cannot be read to its end as a manifest, so it has no fixed form: fix the error with no row first.' : '';
    els.result.hidden = true;
    els.changes.replaceChildren();
    els.more.textContent = '';
  }

  async #start() {
    const job = this.#job;
    const els = this.#els;
    this.#controller?.abort();
    const controller = (this.#controller = new AbortController());
    els.start.disabled = true;
    els.result.hidden = true;
    els.status.textContent = 'Applying the safe fixes…';
    try {
      const { bytes, report } = await fixFile(job.file, { ...job.options, compact: true, signal: controller.signal });
      if (this.#controller !== controller) return;
      if (bytes === null) {
        els.status.textContent = 'The file itself cannot be read to its end as a manifest, so it has no fixed form.';
        return;
      }
      const name = derivedName(job.file.name, 'fixed');
      const file = new File([bytes], name, { type: job.file.type || 'application/json' });
      this.#fixed = { file, report };
      await this.#show(report, name);
      if (report.fix.changes.length) save(file, name);
    } catch (e) {
      if (this.#controller === controller) els.status.textContent = `The fix failed: ${e?.message ?? e}`;
    } finally {
      if (this.#controller === controller) {
        els.start.disabled = false;
        this.#controller = undefined;
      }
    }
  }

  /** What the fix did, and the changes: the first SHOWN of them, built in slices. */
  async #show(report, name) {
    const els = this.#els;
    const { changes, rows_changed: rowsChanged, input_errors: inputErrors, input_warnings: inputWarnings } = report.fix;
    const { errors, warnings } = report.summary;
    if (!changes.length) {
      els.status.textContent = `No safe fix applies to this manifest: it is unchanged (${plural(errors, 'error')}, ${plural(warnings, 'warning')}). What is left is in the list above, each with what to do.`;
      return;
    }
    const left = errors ? ` The ${plural(errors, 'error')} left ${errors === 1 ? 'has' : 'have'} no safe fix: check the fixed manifest to see what to do.` : '';
    els.status.textContent =
      `${plural(changes.length, 'change')} in ${plural(rowsChanged, 'row')}, saved as ${name}. ` +
      `Before: ${plural(inputErrors, 'error')} and ${plural(inputWarnings, 'warning')}; after: ${plural(errors, 'error')} and ${plural(warnings, 'warning')}.${left}`;
    const items = [];
    const count = Math.min(changes.length, SHOWN);
    await slices(count, (i) => items.push(this.#row(changes[i])), { current: () => this.#fixed?.report === report });
    if (this.#fixed?.report !== report) return;
    els.changes.replaceChildren(...items);
    els.more.textContent = changes.length > SHOWN ? `The first ${SHOWN} of ${plural(changes.length, 'change')}; the CSV lists them all.` : '';
    els.result.hidden = false;
  }

  #row(change) {
    const tr = document.createElement('tr');
    const where = `${change.pointer}${change.op === 'rename' ? ', key renamed' : ''} (line ${change.line})`;
    for (const text of [String(change.row), where, change.codes.join(', '), shown(change.before), shown(change.after)]) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    return tr;
  }

  /** Every change, one line each (RFC 4180, CRLF line ends). */
  async #csv() {
    const fixed = this.#fixed;
    if (!fixed) return;
    const lines = ['row,pointer,op,codes,line,column,before,after\r\n'];
    const { changes } = fixed.report.fix;
    await slices(changes.length, (i) => {
      const c = changes[i];
      const cells = [String(c.row), c.pointer, c.op, c.codes.join(' '), String(c.line), String(c.column), JSON.stringify(c.before), JSON.stringify(c.after)];
      lines.push(cells.map(cell).join(',') + '\r\n');
    });
    save(new Blob(lines, { type: 'text/csv' }), derivedName(this.#job.file.name, 'changes', '.csv'));
  }
}
