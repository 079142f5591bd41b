import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { latest } from './latest';

describe('latest', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits for a pause in typing and asks once', async () => {
    const fetch = vi.fn(async (q: string) => q.toUpperCase());
    const got: string[] = [];
    const l = latest(fetch, (r) => got.push(r), () => {});
    l.request('a', 60);
    l.request('as', 60);
    l.request('ash', 60);
    await vi.advanceTimersByTimeAsync(59);
    expect(fetch).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch).toHaveBeenCalledWith('ash');
    expect(got).toEqual(['ASH']);
  });

  it('drops an answer that arrives after a newer request', async () => {
    const resolvers: Record<string, (v: string) => void> = {};
    const fetch = (q: string) => new Promise<string>((res) => (resolvers[q] = res));
    const got: string[] = [];
    const l = latest(fetch, (r) => got.push(r), () => {});
    l.request('as');
    l.request('ash');
    resolvers['ash']?.('new');
    resolvers['as']?.('old');
    await vi.runAllTimersAsync();
    expect(got).toEqual(['new']);
  });

  it('reports only the newest failure and nothing after cancel', async () => {
    const errors: unknown[] = [];
    const l = latest(async (q: string) => Promise.reject(new Error(q)), () => {}, (e) => errors.push(e));
    l.request('x');
    l.cancel();
    l.request('y', 60);
    l.cancel();
    await vi.runAllTimersAsync();
    expect(errors).toEqual([]);
    l.request('z');
    await vi.runAllTimersAsync();
    expect(errors).toEqual([new Error('z')]);
  });
});
