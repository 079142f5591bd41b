// A list asked for in two steps: its first rows at once (what a first screen draws), then
// the whole of it when `later` allows, each answer replacing the one before. Built on
// `latest`: a newer request drops every answer still on its way for an older one.
import { latest } from './latest';

export type Answer = {
  /** Every row the request matches is in this answer. */
  complete: boolean;
  /** This is the second step's answer (the rows before it were the first ones of these). */
  rest: boolean;
};

export type FirstThenAll<Q> = {
  /** Asks for `q` after `delayMs` without another request. */
  request(q: Q, delayMs?: number): void;
  /** Drops the pending request and any answer still on its way. */
  cancel(): void;
};

/**
 * `fetch(q, limit)` answers at most `limit` rows (all with `null`); `firstOf(q)` is how many
 * to ask for first (`null`: all at once, e.g. a search that is short anyway).
 */
export function firstThenAll<Q, R>(
  fetch: (q: Q, limit: number | null) => Promise<R[]>,
  firstOf: (q: Q) => number | null,
  onResult: (rows: R[], q: Q, answer: Answer) => void,
  onError: (e: unknown, q: Q) => void,
  later: () => Promise<void> = () => Promise.resolve(),
): FirstThenAll<Q> {
  let generation = 0;
  const rest = latest(
    (q: Q) => fetch(q, null),
    (rows: R[], q) => onResult(rows, q, { complete: true, rest: true }),
    onError,
  );
  const head = latest(
    async (q: Q) => {
      const limit = firstOf(q);
      return { rows: await fetch(q, limit), limit };
    },
    ({ rows, limit }, q) => {
      const complete = limit === null || rows.length < limit;
      onResult(rows, q, { complete, rest: false });
      if (complete) return;
      const mine = generation;
      void later().then(() => {
        if (mine === generation) rest.request(q);
      });
    },
    onError,
  );
  return {
    request(q, delayMs = 0) {
      generation++;
      rest.cancel();
      head.request(q, delayMs);
    },
    cancel() {
      generation++;
      rest.cancel();
      head.cancel();
    },
  };
}
