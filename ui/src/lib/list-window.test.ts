import { describe, expect, it } from 'vitest';
import { drawnFor, more, moved, PAGE } from './list-window';

describe('list window', () => {
  it('draws a first page, and whole pages up to a row asked for', () => {
    expect(drawnFor(-1, 0, 2000)).toBe(PAGE);
    expect(drawnFor(0, PAGE, 2000)).toBe(PAGE);
    expect(drawnFor(PAGE - 1, PAGE, 2000)).toBe(PAGE);
    expect(drawnFor(PAGE, PAGE, 2000)).toBe(2 * PAGE);
    expect(drawnFor(1999, PAGE, 2000)).toBe(2000);
    // Never fewer than already drawn.
    expect(drawnFor(3, 5 * PAGE, 2000)).toBe(5 * PAGE);
    // A short list: one page covers it.
    expect(drawnFor(2, 0, 7)).toBe(PAGE);
  });

  it('shows more a page at a time, up to the end', () => {
    expect(more(PAGE, 2000)).toBe(2 * PAGE);
    expect(more(1980, 2000)).toBe(2000);
    expect(more(2000, 2000)).toBe(2000);
    expect(more(PAGE, 10)).toBe(PAGE);
  });

  it('moves the highlight within the list', () => {
    expect(moved(-1, 1, 0, PAGE)).toBe(-1);
    expect(moved(-1, 1, 2000, PAGE)).toBe(0);
    expect(moved(-1, -1, 2000, PAGE)).toBe(PAGE - 1);
    expect(moved(-1, -1, 7, PAGE)).toBe(6);
    expect(moved(PAGE - 1, 1, 2000, PAGE)).toBe(PAGE);
    expect(moved(5, 10, 8, PAGE)).toBe(7);
    expect(moved(5, -10, 8, PAGE)).toBe(0);
  });
});
