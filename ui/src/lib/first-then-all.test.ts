import { describe, expect, it, vi } from 'vitest';
import { firstThenAll, type Answer } from './first-then-all';

const list = Array.from({ length: 250 }, (_, i) => i);
const answer = (limit: number | null) => (limit === null ? list : list.slice(0, limit));

describe('firstThenAll', () => {
  it('answers the first rows, then all of them once allowed', async () => {
    let allow: () => void = () => {};
    const later = () => new Promise<void>((r) => (allow = r));
    const fetch = vi.fn(async (_q: string, limit: number | null) => answer(limit));
    const got: [number, Answer][] = [];
    const l = firstThenAll(fetch, () => 60, (rows, _q, a) => got.push([rows.length, a]), () => {}, later);
    l.request('');
    await vi.waitFor(() => expect(got).toHaveLength(1));
    expect(got[0]).toEqual([60, { complete: false, rest: false }]);
    expect(fetch).toHaveBeenCalledTimes(1);
    allow();
    await vi.waitFor(() => expect(got).toHaveLength(2));
    expect(got[1]).toEqual([250, { complete: true, rest: true }]);
    expect(fetch.mock.calls.map((c) => c[1])).toEqual([60, null]);
  });

  it('asks once when the first answer is the whole list, or when told to ask for all', async () => {
    const fetch = vi.fn(async (_q: string, limit: number | null) => answer(limit));
    const got: Answer[] = [];
    const l = firstThenAll(fetch, (q) => (q ? null : 500), (_r, _q, a) => got.push(a), () => {});
    l.request('');
    l.request('ash');
    await vi.waitFor(() => expect(got).toHaveLength(1));
    l.request('');
    await vi.waitFor(() => expect(got).toHaveLength(2));
    await new Promise((r) => setTimeout(r, 10));
    expect(got).toEqual([
      { complete: true, rest: false },
      { complete: true, rest: false },
    ]);
    // The first request's answer was dropped for the search after it.
    expect(fetch.mock.calls).toEqual([
      ['', 500],
      ['ash', null],
      ['', 500],
    ]);
  });

  it('drops the rest of an older request once a newer one is made', async () => {
    let allow: () => void = () => {};
    const gate = new Promise<void>((r) => (allow = r));
    const fetch = vi.fn(async (q: string, limit: number | null) => answer(limit).map((n) => `${q}${n}`));
    const got: string[][] = [];
    const l = firstThenAll(fetch, () => 60, (rows) => got.push(rows), () => {}, () => gate);
    l.request('a');
    await vi.waitFor(() => expect(got).toHaveLength(1));
    l.request('b');
    await vi.waitFor(() => expect(got).toHaveLength(2));
    allow();
    await vi.waitFor(() => expect(got).toHaveLength(3));
    await new Promise((r) => setTimeout(r, 10));
    expect(got.map((rows) => [rows[0], rows.length])).toEqual([
      ['a0', 60],
      ['b0', 60],
      ['b0', 250],
    ]);
    expect(fetch.mock.calls.map((c) => c.join(':'))).toEqual(['a:60', 'b:60', 'b:']);
  });

  it('reports a failure of either step, and nothing after cancel', async () => {
    const errors: string[] = [];
    const fetch = async (_q: string, limit: number | null) => {
      if (limit === null) throw new Error('rest');
      return answer(limit);
    };
    const l = firstThenAll(fetch, () => 60, () => {}, (e) => errors.push((e as Error).message));
    l.request('');
    await vi.waitFor(() => expect(errors).toEqual(['rest']));
    l.request('');
    l.cancel();
    await new Promise((r) => setTimeout(r, 10));
    expect(errors).toEqual(['rest']);
  });
});
