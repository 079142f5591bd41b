// The first screen, as start-up time counts it: the window's first page with its content
// drawn and taking keys. A page that fetches what it shows holds the report until that is
// drawn (the student list's first rows); the shell logs the time when the app reports it.

/**
 * Marks a step of start-up on the page's own timeline (`performance.getEntriesByType('mark')`,
 * read by a profiler or a WebDriver session): `rollbook:<step>`.
 */
export function mark(step: string): void {
  try {
    performance.mark(`rollbook:${step}`);
  } catch {
    // No performance timeline here (unit tests): nothing to mark.
  }
}

let holds = 0;
let reported = false;
let drawnWaiters: (() => void)[] = [];
let shownWaiters: (() => void)[] = [];

/**
 * Holds the first-screen report until the returned function is called (once is enough;
 * more calls do nothing). After the report, holding does nothing.
 */
export function holdFirstScreen(): () => void {
  if (reported) return () => {};
  holds++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    holds--;
    if (holds === 0) {
      const waiting = drawnWaiters;
      drawnWaiters = [];
      for (const w of waiting) w();
    }
  };
}

/** Resolves when no page holds the first screen any more, or after `timeoutMs` regardless. */
export function firstScreenDrawn(timeoutMs = 5000): Promise<void> {
  if (holds === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    drawnWaiters.push(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** The app has reported its first screen: work kept back for it may go ahead. */
export function firstScreenReported(): void {
  reported = true;
  const waiting = shownWaiters;
  shownWaiters = [];
  for (const w of waiting) w();
}

/** Resolves once the first screen has been reported (at once after that). */
export function afterFirstScreen(): Promise<void> {
  if (reported) return Promise.resolve();
  return new Promise((resolve) => shownWaiters.push(resolve));
}

/** Back to the state at start-up (unit tests only). */
export function resetFirstScreen(): void {
  holds = 0;
  reported = false;
  drawnWaiters = [];
  shownWaiters = [];
}
