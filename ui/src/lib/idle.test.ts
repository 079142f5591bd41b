import { describe, expect, it } from 'vitest';
import { idleTimer, type Clock } from './idle';

/** A clock whose time moves only when the test says. */
function fakeClock() {
  let now = 0;
  let next = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const clock: Clock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = next++;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout: (id) => void timers.delete(id as number),
  };
  /** Moves time on by `ms`, running the timers that fall due (in order). */
  function advance(ms: number) {
    const end = now + ms;
    for (;;) {
      const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      timers.delete(due[0]);
      now = due[1].at;
      due[1].fn();
    }
    now = end;
  }
  return { clock, advance, pending: () => timers.size };
}

const MIN = 60_000;

describe('the idle lock', () => {
  it('fires once after the minutes without use', () => {
    const { clock, advance } = fakeClock();
    let fired = 0;
    const t = idleTimer(() => fired++, clock);
    t.start(5);
    advance(5 * MIN - 1);
    expect(fired).toBe(0);
    advance(1);
    expect(fired).toBe(1);
    expect(t.running).toBe(false);
    advance(60 * MIN);
    expect(fired, 'once, until started again').toBe(1);
  });

  it('counts again from each key press, click or mouse movement', () => {
    const { clock, advance } = fakeClock();
    let fired = 0;
    const t = idleTimer(() => fired++, clock);
    t.start(5);
    advance(4 * MIN);
    t.poke();
    advance(4 * MIN);
    expect(fired, '8 minutes in, but only 4 since the last use').toBe(0);
    t.poke();
    advance(5 * MIN - 1);
    expect(fired).toBe(0);
    advance(1);
    expect(fired).toBe(1);
  });

  it('keeps one timer however often it is poked', () => {
    const { clock, advance, pending } = fakeClock();
    const t = idleTimer(() => {}, clock);
    t.start(2);
    for (let i = 0; i < 1000; i++) {
      advance(10);
      t.poke();
    }
    expect(pending()).toBe(1);
  });

  it('stops when told (locked, signed out), and restarts with new minutes', () => {
    const { clock, advance, pending } = fakeClock();
    let fired = 0;
    const t = idleTimer(() => fired++, clock);
    t.start(5);
    t.stop();
    expect(pending()).toBe(0);
    advance(10 * MIN);
    expect(fired).toBe(0);
    t.start(1);
    advance(MIN);
    expect(fired).toBe(1);
  });

  it('locks on waking when the PC slept past the limit', () => {
    let fired = 0;
    // A timer that fires late, as after a sleep: the time passed is what counts.
    let late: (() => void) | null = null;
    let now = 0;
    const sleepy: Clock = { now: () => now, setTimeout: (fn) => ((late = fn), 1), clearTimeout: () => {} };
    const t = idleTimer(() => fired++, sleepy);
    t.start(5);
    now = 90 * MIN;
    (late as (() => void) | null)?.();
    expect(fired).toBe(1);
  });
});
