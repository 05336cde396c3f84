// The selected diagnostic in full, with its row as written in the file and
// the offending value highlighted. Only text nodes: the row is data.
import { rowOf } from './locate.js';

export class Detail {
  #els;
  #file;
  #shown = 0; // a newer selection wins over a slower read

  /** `els.back()` is where Escape inside the pane takes the focus (the list). */
  constructor(els) {
    this.#els = els;
    els.section.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      els.back();
    });
  }

  /** Take the focus to the pane, for the keyboard: its heading, then the row. */
  focus() {
    this.#els.title.focus();
  }

  /** The file rows are read from; clears the panel. */
  reset(file) {
    this.#file = file;
    this.#shown++;
    this.#els.empty.hidden = false;
    this.#els.body.hidden = true;
  }

  async show(d) {
    const ticket = ++this.#shown;
    const { empty, body, code, where, message, suggestionBox, suggestion, note, row } = this.#els;
    empty.hidden = true;
    body.hidden = false;
    code.textContent = `${d.severity} ${d.code}`;
    code.dataset.severity = d.severity;
    where.textContent = `${d.row === null ? 'the file itself' : `row ${d.row}`}${d.pointer ? `, ${d.pointer}` : ''}, line ${d.line}, column ${d.column}`;
    message.textContent = d.message;
    suggestionBox.hidden = d.suggestion === undefined;
    suggestion.textContent = d.suggestion ?? '';
    note.textContent = 'Reading the row…';
    row.replaceChildren();
    let found;
    try {
      found = await rowOf(this.#file, d);
    } catch (e) {
      if (ticket === this.#shown) note.textContent = `The row could not be read from the file: ${e.message}`;
      return;
    }
    if (ticket !== this.#shown) return;
    if (!found) {
      note.textContent = 'The position is past the end of the file.';
      return;
    }
    const { text, mark, whole } = found;
    const marked = document.createElement('mark');
    marked.textContent = text.slice(mark[0], mark[1]);
    row.replaceChildren(text.slice(0, mark[0]), marked, text.slice(mark[1]));
    note.textContent = whole
      ? 'The row as written, the member in question highlighted:'
      : d.row === null ? 'An excerpt of the file around the position, highlighted:' : 'An excerpt of the row, the member in question highlighted:';
    marked.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
  }
}
