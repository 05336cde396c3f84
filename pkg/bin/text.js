// Words for the command's messages.

/** `1 row`, `2 rows`: a count with its noun. */
export const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
