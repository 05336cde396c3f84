// Counts in the page's sentences: "1 row", "2 rows". Numbers stay as digits
// ("1000 rows"): tests and scripts read them back.

/** `n` and the noun that agrees with it; `many` when the plural is not `one` + "s". */
export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}
