// The diagnostics list, virtualized: whatever the number of diagnostics,
// only the rows in view (plus a few) exist in the DOM, each decoded from the
// report's compact form (rowcheck/worker's DiagnosticList) as it scrolls
// into view. Filtering and sorting read its columns, in time slices, so a
// million entries never freeze the page.
import { slices } from './slices.js';

const ROW_HEIGHT = 32;
// Browsers cap an element's height (Chrome near 33.5 million px); beyond this
// the scroll position is mapped proportionally onto the list.
const MAX_SPACER = 8_000_000;
const OVERSCAN = 6;

export class DiagnosticTable {
  #viewport;
  #spacer;
  #rows;
  #onSelect;
  #onOpen;
  #onChange;
  #list; // a DiagnosticList
  #visible = new Uint32Array(0); // indices into #list, filtered, in display order
  #descending = false;
  #filter = { severity: '', code: '', text: '' };
  #selected = -1; // position in #visible
  #firstError = -1; // position in #visible
  #generation = 0;
  #buffers = []; // two index arrays: #visible is in one while the other is refilled
  #marks; // a text filter's matches, one byte per diagnostic
  #height = 0; // of the viewport, kept by a ResizeObserver (reading it would force a layout)
  #anchor = 0; // the position the rendered block is placed from
  #shown = new Map(); // position -> its row element, for the rows rendered
  #spare = []; // row elements not in use

  /**
   * `onSelect(diagnostic)` when the selection changes, `onOpen()` on Enter,
   * `onChange(shown, total)` after filtering.
   */
  constructor({ viewport, spacer, rows, onSelect, onOpen, onChange }) {
    this.#viewport = viewport;
    this.#spacer = spacer;
    this.#rows = rows;
    this.#onSelect = onSelect;
    this.#onOpen = onOpen;
    this.#onChange = onChange;
    viewport.addEventListener('scroll', () => this.#render(), { passive: true });
    viewport.addEventListener('keydown', (event) => this.#key(event));
    rows.addEventListener('click', (event) => {
      const row = event.target.closest('[data-position]');
      if (row) this.select(Number(row.dataset.position), false);
    });
    new ResizeObserver(([entry]) => {
      this.#height = entry.contentRect.height;
      this.#render();
    }).observe(viewport);
  }

  /** New diagnostics (a DiagnosticList), shown with `filter`. */
  setData(list, filter) {
    this.#list = list;
    this.#filter = { ...this.#filter, ...filter };
    this.#buffers = [new Uint32Array(list.length), new Uint32Array(list.length)];
    this.#marks = undefined;
    this.#visible = new Uint32Array(0);
    this.#selected = -1;
    return this.refilter();
  }

  setFilter(filter) {
    this.#filter = { ...this.#filter, ...filter };
    return this.refilter();
  }

  get descending() {
    return this.#descending;
  }

  /** The position of the first error in the list as shown, or -1. */
  get firstError() {
    return this.#firstError;
  }

  toggleSort() {
    this.#descending = !this.#descending;
    return this.refilter();
  }

  /**
   * Rebuild the visible index, in slices between which the page answers;
   * a newer call supersedes one still running. Resolves to false when superseded.
   */
  async refilter() {
    const generation = ++this.#generation;
    const current = () => generation === this.#generation;
    const list = this.#list;
    const n = list.length;
    const order = list.byRow;
    const { severity, code } = this.#filter;
    const text = this.#filter.text.trim().toLowerCase();
    let marks;
    if (text) {
      marks = this.#marks ??= new Uint8Array(n);
      marks.fill(0);
      if (!(await slices(list.textBlocks, (block) => list.markText(text, marks, block), { current, stride: 1 }))) return false;
    }
    const severityId = severity ? list.severityNames.indexOf(severity) : -1;
    const codeId = code ? list.codeNames.indexOf(code) : -1;
    // A code or severity no diagnostic has matches none.
    const none = (severity && severityId < 0) || (code && codeId < 0);
    // The buffer #visible is not in.
    const keep = this.#buffers[this.#visible.buffer === this.#buffers[0].buffer ? 1 : 0];
    let kept = 0;
    const { severities, codes } = list;
    const descending = this.#descending;
    const error = list.severityNames.indexOf('error');
    let firstError = -1;
    const done = await slices(none ? 0 : n, (k) => {
      const at = descending ? n - 1 - k : k;
      const i = order ? order[at] : at;
      if (severityId >= 0 && severities[i] !== severityId) return;
      if (codeId >= 0 && codes[i] !== codeId) return;
      if (marks && !marks[i]) return;
      if (firstError < 0 && severities[i] === error) firstError = kept;
      keep[kept++] = i;
    }, { current, stride: 4096 });
    if (!done) return false;
    this.#firstError = firstError;
    const selectedIndex = this.#visible[this.#selected];
    this.#visible = keep.subarray(0, kept);
    this.#selected = selectedIndex === undefined ? -1 : this.#visible.indexOf(selectedIndex);
    this.#spacer.style.height = `${Math.min(kept * ROW_HEIGHT, MAX_SPACER)}px`;
    this.#forget();
    this.#render();
    this.#onChange(kept, n);
    return true;
  }

  #metrics() {
    const count = this.#visible.length;
    const full = count * ROW_HEIGHT;
    const view = this.#height || this.#viewport.clientHeight;
    const spacer = Math.min(full, MAX_SPACER);
    const scale = full > spacer && spacer > view ? (full - view) / (spacer - view) : 1;
    return { count, view, scale };
  }

  /** The positions now mean other diagnostics: every rendered row is refilled. */
  #forget() {
    for (const row of this.#shown.values()) this.#spare.push(row);
    this.#shown.clear();
  }

  /**
   * The rows in view, plus a few. A row still in view keeps its element and
   * text, and the block they sit in moves; only rows coming into view are
   * decoded and filled, so a scroll by a few rows touches a few rows.
   */
  #render() {
    if (!this.#list) return;
    const { count, view, scale } = this.#metrics();
    const top = this.#viewport.scrollTop;
    const virtualTop = top * scale;
    const first = Math.max(0, Math.floor(virtualTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(count, Math.ceil((virtualTop + view) / ROW_HEIGHT) + OVERSCAN);
    for (const [position, row] of this.#shown) {
      if (position >= first && position < last) continue;
      this.#shown.delete(position);
      this.#spare.push(row);
    }
    // Rows sit at (position - anchor) rows into the block; the anchor moves only with a jump.
    if (this.#shown.size === 0 || Math.abs(first - this.#anchor) > 50_000) {
      this.#forget();
      this.#anchor = first;
    }
    this.#rows.style.transform = `translateY(${top + this.#anchor * ROW_HEIGHT - virtualTop}px)`;
    let previous = null;
    for (let p = first; p < last; p++) {
      let row = this.#shown.get(p);
      if (!row) {
        row = this.#spare.pop() ?? makeRow();
        fillRow(row, this.#list.at(this.#visible[p]), p, count);
        row.style.top = `${(p - this.#anchor) * ROW_HEIGHT}px`;
        this.#shown.set(p, row);
      }
      const selected = String(p === this.#selected);
      if (row.getAttribute('aria-selected') !== selected) row.setAttribute('aria-selected', selected);
      // In the page in list order, as a reader (and a test) meets them.
      const next = previous ? previous.nextSibling : this.#rows.firstChild;
      if (row !== next) this.#rows.insertBefore(row, next);
      previous = row;
    }
    for (const row of this.#spare) row.remove();
    const active = this.#selected >= first && this.#selected < last ? `diagnostic-${this.#selected}` : '';
    if (active) this.#viewport.setAttribute('aria-activedescendant', active);
    else this.#viewport.removeAttribute('aria-activedescendant');
  }

  /** Select the diagnostic at `position` in the visible list; `reveal` scrolls it into view. */
  select(position, reveal = true) {
    const count = this.#visible.length;
    if (count === 0) return;
    this.#selected = Math.max(0, Math.min(count - 1, position));
    if (reveal) this.#reveal(this.#selected);
    this.#render();
    this.#onSelect(this.#list.at(this.#visible[this.#selected]));
  }

  #reveal(position) {
    const { view, scale } = this.#metrics();
    const at = position * ROW_HEIGHT;
    const virtualTop = this.#viewport.scrollTop * scale;
    if (at < virtualTop) this.#viewport.scrollTop = at / scale;
    else if (at + ROW_HEIGHT > virtualTop + view) this.#viewport.scrollTop = (at + ROW_HEIGHT - view) / scale;
  }

  #key(event) {
    if (event.key === 'Enter') {
      if (this.#selected < 0) return;
      event.preventDefault();
      this.#onOpen();
      return;
    }
    const page = Math.max(1, Math.floor(this.#viewport.clientHeight / ROW_HEIGHT) - 1);
    const moves = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    let target;
    if (event.key in moves) target = (this.#selected < 0 ? 0 : this.#selected + moves[event.key]);
    else if (event.key === 'Home') target = 0;
    else if (event.key === 'End') target = this.#visible.length - 1;
    else return;
    event.preventDefault();
    this.select(target);
  }
}

function makeRow() {
  const row = document.createElement('div');
  row.setAttribute('role', 'option');
  row.dataset.testid = 'diagnostic';
  row.className = 'row';
  for (const name of ['r', 'severity', 'code', 'where', 'message']) {
    const cell = document.createElement('span');
    cell.className = name;
    row.append(cell);
    // Read as one line by a screen reader: the cells' texts apart.
    row.append(' ');
  }
  return row;
}

// Manifest text reaches the DOM only through textContent: nothing in it is ever markup.
function fillRow(row, d, position, count) {
  row.id = `diagnostic-${position}`;
  row.dataset.position = String(position);
  row.setAttribute('aria-posinset', String(position + 1));
  row.setAttribute('aria-setsize', String(count));
  const [r, severity, code, where, message] = row.querySelectorAll('span');
  r.textContent = d.row === null ? 'file' : String(d.row);
  severity.textContent = d.severity;
  severity.dataset.severity = d.severity;
  code.textContent = d.code;
  where.textContent = d.pointer ? d.pointer : `line ${d.line}`;
  message.textContent = d.message;
}
