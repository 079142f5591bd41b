import { describe, expect, it } from 'vitest';
import { loadRemembered, saveRemembered } from './remembered';

function memory() {
  const store = new Map<string, string>();
  return {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
    removeItem: (k: string) => void store.delete(k),
  };
}

describe('a choice remembered on this PC', () => {
  it('comes back while it is still offered, and is forgotten when cleared', () => {
    const storage = memory();
    saveRemembered('who', 'staff-1', storage);
    expect(loadRemembered('who', ['staff-1', 'staff-2'], storage)).toBe('staff-1');
    expect(loadRemembered('who', ['staff-2'], storage), 'someone no longer on the list').toBe('');
    expect(loadRemembered('other', ['staff-1'], storage), 'each key is its own').toBe('');
    saveRemembered('who', '', storage);
    expect(loadRemembered('who', ['staff-1'], storage)).toBe('');
  });
});
