// A long list drawn a screenful at a time: the first rows at once, more as the person
// scrolls, presses "Show more" or moves the highlight past the last row drawn.

/** Rows drawn at first, and added each time more are asked for. */
export const PAGE = 60;

/** How many rows to draw so that row `index` is drawn: whole pages, at least one page. */
export function drawnFor(index: number, drawn: number, total: number, page = PAGE): number {
  const need = index + 1 > drawn ? Math.ceil((index + 1) / page) * page : drawn;
  return Math.min(Math.max(need, page), Math.max(total, page));
}

/** One more page drawn (never past the end). */
export function more(drawn: number, total: number, page = PAGE): number {
  return Math.min(drawn + page, Math.max(total, page));
}

/**
 * The highlighted row after moving by `by` rows (negative: up) in a list of `total` rows of
 * which `drawn` are drawn. From nothing highlighted, down starts at the first row and up at
 * the last row drawn (not the end of a long list); otherwise it stops at either end.
 */
export function moved(active: number, by: number, total: number, drawn: number): number {
  if (total === 0) return -1;
  if (active < 0) return by > 0 ? 0 : Math.min(total, Math.max(drawn, 1)) - 1;
  return Math.max(0, Math.min(total - 1, active + by));
}
