// Long loops over a large report, run in slices of a few milliseconds with
// the page answering between them, so no loop is a long task.

const BUDGET_MS = 8;

/** Let the page run (render, answer input) before going on: a task boundary. */
export function pause() {
  return globalThis.scheduler?.yield ? globalThis.scheduler.yield() : new Promise((resolve) => setTimeout(resolve, 0));
}

/** After the next frame is drawn: what was just shown is laid out in a task of its own. */
export function nextFrame() {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

/**
 * `step(i)` for each i in [0, n), the clock read every `stride` steps; after
 * each pause, `current()` says whether the work is still wanted. Resolves to
 * true when done, false when abandoned.
 */
export async function slices(n, step, { current = () => true, stride = 256 } = {}) {
  let deadline = performance.now() + BUDGET_MS;
  for (let i = 0; i < n; i++) {
    step(i);
    if (i % stride === stride - 1 && i + 1 < n && performance.now() > deadline) {
      await pause();
      if (!current()) return false;
      deadline = performance.now() + BUDGET_MS;
    }
  }
  return true;
}
