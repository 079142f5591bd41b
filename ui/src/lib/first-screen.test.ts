import { afterEach, describe, expect, it, vi } from 'vitest';
import { afterFirstScreen, firstScreenDrawn, firstScreenReported, holdFirstScreen, resetFirstScreen } from './first-screen';

const settled = async (p: Promise<void>) => {
  let done = false;
  void p.then(() => (done = true));
  await Promise.resolve();
  await Promise.resolve();
  return done;
};

describe('first screen', () => {
  afterEach(() => {
    resetFirstScreen();
    vi.useRealTimers();
  });

  it('is drawn at once when no page holds it', async () => {
    expect(await settled(firstScreenDrawn())).toBe(true);
  });

  it('waits for every page holding it, each released once', async () => {
    const a = holdFirstScreen();
    const b = holdFirstScreen();
    const drawn = firstScreenDrawn();
    a();
    a();
    expect(await settled(drawn)).toBe(false);
    b();
    expect(await settled(drawn)).toBe(true);
  });

  it('gives up waiting after the timeout', async () => {
    vi.useFakeTimers();
    holdFirstScreen();
    const drawn = firstScreenDrawn(1000);
    await vi.advanceTimersByTimeAsync(999);
    expect(await settled(drawn)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await settled(drawn)).toBe(true);
  });

  it('lets work kept back go once reported; later holds do nothing', async () => {
    const after = afterFirstScreen();
    expect(await settled(after)).toBe(false);
    firstScreenReported();
    expect(await settled(after)).toBe(true);
    expect(await settled(afterFirstScreen())).toBe(true);
    holdFirstScreen();
    expect(await settled(firstScreenDrawn())).toBe(true);
  });
});
