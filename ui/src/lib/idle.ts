// The idle lock's timer: after so many minutes without a key press, click or mouse movement,
// it calls `onIdle` once. Activity only notes the time (mouse movement comes often); the
// timer checks the time when it fires, so a PC that slept past the limit locks on waking.

export type Clock = {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export type IdleTimer = {
  /** Starts (or restarts) counting from now: `onIdle` after `minutes` without activity. */
  start(minutes: number): void;
  /** Someone used the app: the count starts again. */
  poke(): void;
  /** Stops counting (locked, signed out, or no users). */
  stop(): void;
  /** Whether it is counting. */
  readonly running: boolean;
};

export function idleTimer(onIdle: () => void, clock: Clock = realClock): IdleTimer {
  let limit = 0;
  let last = clock.now();
  let handle: unknown = null;

  const cancel = () => {
    if (handle !== null) clock.clearTimeout(handle);
    handle = null;
  };

  const check = () => {
    handle = null;
    const idle = clock.now() - last;
    if (idle >= limit) {
      limit = 0;
      onIdle();
    } else {
      handle = clock.setTimeout(check, limit - idle);
    }
  };

  return {
    start(minutes) {
      cancel();
      limit = Math.max(1, minutes) * 60_000;
      last = clock.now();
      handle = clock.setTimeout(check, limit);
    },
    poke() {
      last = clock.now();
    },
    stop() {
      cancel();
      limit = 0;
    },
    get running() {
      return handle !== null;
    },
  };
}
