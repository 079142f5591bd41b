// As-you-type requests: wait for a pause in typing, and apply only the newest answer.

export type Latest<Q> = {
  /** Asks for `q` after `delayMs` without another request; older answers are dropped. */
  request(q: Q, delayMs?: number): void;
  /** Drops the pending request and any answer still on its way. */
  cancel(): void;
};

export function latest<Q, R>(
  fetch: (q: Q) => Promise<R>,
  onResult: (r: R, q: Q) => void,
  onError: (e: unknown, q: Q) => void,
): Latest<Q> {
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = (q: Q, mine: number) => {
    fetch(q).then(
      (r) => {
        if (mine === seq) onResult(r, q);
      },
      (e) => {
        if (mine === seq) onError(e, q);
      },
    );
  };
  return {
    request(q, delayMs = 0) {
      const mine = ++seq;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      if (delayMs <= 0) run(q, mine);
      else
        timer = setTimeout(() => {
          timer = undefined;
          run(q, mine);
        }, delayMs);
    },
    cancel() {
      seq++;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
