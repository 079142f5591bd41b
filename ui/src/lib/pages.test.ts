import { afterEach, describe, expect, it } from 'vitest';
import { firstScreenReported, resetFirstScreen } from './first-screen';
import { loadPagesAfterFirstScreen, page, type LazyPageName } from './pages';

const NAMES: LazyPageName[] = ['student', 'classes', 'attendance', 'fees', 'import-export', 'settings'];

afterEach(() => resetFirstScreen());

describe('the pages besides the student list', () => {
  it('are loaded when first opened, then drawn at once', async () => {
    const first = page('classes');
    expect(first).toBeInstanceOf(Promise);
    const component = await first;
    expect(typeof component).toBe('function');
    // Opened again: the component itself, with nothing to wait for.
    expect(page('classes')).toBe(component);
  });

  it('are all loaded in the background once the first screen is up, and not before', async () => {
    resetFirstScreen();
    let done = false;
    const loadingAll = loadPagesAfterFirstScreen().then(() => (done = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false);
    firstScreenReported();
    await loadingAll;
    for (const name of NAMES) expect(page(name), name).not.toBeInstanceOf(Promise);
  });
});
