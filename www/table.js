// The diagnostics list, virtualized: whatever the number of diagnostics,
// only the rows in view (plus a few) exist in the DOM, and filtering works
// on an index array in time slices so a million entries never freeze the page.

const ROW_HEIGHT = 32;
// Browsers cap an element's height (Chrome near 33.5 million px); beyond this
// the scroll position is mapped proportionally onto the list.
const MAX_SPACER = 8_000_000;
const OVERSCAN = 6;
const SLICE = 20_000;

export class DiagnosticTable {
  #viewport;
  #spacer;
  #rows;
  #onSelect;
  #onChange;
  #diagnostics = [];
  #byRow; // the permutation that sorts by row, computed once when needed
  #visible = new Uint32Array(0); // indices into #diagnostics, filtered, in display order
  #descending = false;
  #filter = { severity: '', code: '', text: '' };
  #selected = -1; // position in #visible
  #generation = 0;
  #pool = [];

  /** `onSelect(diagnostic)` when the selection changes; `onChange(shown, total)` after filtering. */
  constructor({ viewport, spacer, rows, onSelect, onChange }) {
    this.#viewport = viewport;
    this.#spacer = spacer;
    this.#rows = rows;
    this.#onSelect = onSelect;
    this.#onChange = onChange;
    viewport.addEventListener('scroll', () => this.#render(), { passive: true });
    viewport.addEventListener('keydown', (event) => this.#key(event));
    rows.addEventListener('click', (event) => {
      const row = event.target.closest('[data-position]');
      if (row) this.select(Number(row.dataset.position), false);
    });
    new ResizeObserver(() => this.#render()).observe(viewport);
  }

  /** New diagnostics, shown with `filter` (one pass, however many there are). */
  setData(diagnostics, filter) {
    this.#diagnostics = diagnostics;
    this.#filter = { ...this.#filter, ...filter };
    this.#byRow = undefined;
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

  toggleSort() {
    this.#descending = !this.#descending;
    return this.refilter();
  }

  /** Rebuild the visible index; a newer call supersedes one still running. */
  async refilter() {
    const generation = ++this.#generation;
    const all = this.#diagnostics;
    const order = this.#order();
    const { severity, code } = this.#filter;
    const text = this.#filter.text.trim().toLowerCase();
    const keep = new Uint32Array(all.length);
    let kept = 0;
    for (let start = 0; start < all.length; start += SLICE) {
      const end = Math.min(all.length, start + SLICE);
      for (let k = start; k < end; k++) {
        const i = order ? order[this.#descending ? all.length - 1 - k : k] : this.#descending ? all.length - 1 - k : k;
        const d = all[i];
        if (severity && d.severity !== severity) continue;
        if (code && d.code !== code) continue;
        if (text && !matches(d, text)) continue;
        keep[kept++] = i;
      }
      if (end < all.length) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        if (generation !== this.#generation) return;
      }
    }
    const selectedIndex = this.#visible[this.#selected];
    this.#visible = keep.subarray(0, kept);
    this.#selected = selectedIndex === undefined ? -1 : this.#visible.indexOf(selectedIndex);
    this.#spacer.style.height = `${Math.min(kept * ROW_HEIGHT, MAX_SPACER)}px`;
    this.#viewport.setAttribute('aria-setsize', String(kept));
    this.#render();
    this.#onChange(kept, all.length);
  }

  /** Diagnostics usually arrive in row order; sort only when they do not. */
  #order() {
    if (this.#byRow === undefined) {
      const all = this.#diagnostics;
      let sorted = true;
      for (let i = 1; i < all.length && sorted; i++) sorted = rowKey(all[i - 1]) <= rowKey(all[i]);
      if (sorted) {
        this.#byRow = null;
      } else {
        // One numeric key per entry (row, then position) sorts natively, far faster than a comparator.
        const keys = new Float64Array(all.length);
        for (let i = 0; i < all.length; i++) keys[i] = (rowKey(all[i]) + 1) * 2 ** 26 + i;
        keys.sort();
        this.#byRow = Uint32Array.from(keys, (k) => k % 2 ** 26);
      }
    }
    return this.#byRow;
  }

  #metrics() {
    const count = this.#visible.length;
    const full = count * ROW_HEIGHT;
    const view = this.#viewport.clientHeight;
    const spacer = Math.min(full, MAX_SPACER);
    const scale = full > spacer && spacer > view ? (full - view) / (spacer - view) : 1;
    return { count, view, scale };
  }

  #render() {
    const { count, view, scale } = this.#metrics();
    const top = this.#viewport.scrollTop;
    const virtualTop = top * scale;
    const first = Math.max(0, Math.floor(virtualTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(count, Math.ceil((virtualTop + view) / ROW_HEIGHT) + OVERSCAN);
    // The rendered block sits where the visible rows are, whatever the scale.
    this.#rows.style.transform = `translateY(${top + first * ROW_HEIGHT - virtualTop}px)`;
    while (this.#pool.length < last - first) this.#pool.push(makeRow());
    const wanted = this.#pool.slice(0, Math.max(0, last - first));
    for (let p = first; p < last; p++) fillRow(wanted[p - first], this.#diagnostics[this.#visible[p]], p, p === this.#selected);
    this.#rows.replaceChildren(...wanted);
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
    this.#onSelect(this.#diagnostics[this.#visible[this.#selected]]);
  }

  #reveal(position) {
    const { view, scale } = this.#metrics();
    const at = position * ROW_HEIGHT;
    const virtualTop = this.#viewport.scrollTop * scale;
    if (at < virtualTop) this.#viewport.scrollTop = at / scale;
    else if (at + ROW_HEIGHT > virtualTop + view) this.#viewport.scrollTop = (at + ROW_HEIGHT - view) / scale;
  }

  #key(event) {
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

function rowKey(d) {
  return d.row ?? -1;
}

function matches(d, text) {
  return d.message.toLowerCase().includes(text) || d.code.toLowerCase().includes(text) || (d.pointer ?? '').toLowerCase().includes(text) || (d.suggestion ?? '').toLowerCase().includes(text);
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
  }
  return row;
}

// Manifest text reaches the DOM only through textContent: nothing in it is ever markup.
function fillRow(row, d, position, selected) {
  row.id = `diagnostic-${position}`;
  row.dataset.position = String(position);
  row.setAttribute('aria-posinset', String(position + 1));
  row.setAttribute('aria-selected', String(selected));
  const [r, severity, code, where, message] = row.children;
  r.textContent = d.row === null ? 'file' : String(d.row);
  severity.textContent = d.severity;
  severity.dataset.severity = d.severity;
  code.textContent = d.code;
  where.textContent = d.pointer ? d.pointer : `line ${d.line}`;
  message.textContent = d.message;
}
