// Choices remembered on this PC between sessions (who takes the roll, who is at the
// counter): kept in localStorage, and forgotten when the choice is no longer offered.

export type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** The value remembered under `key`, when it is still one of `allowed`; '' otherwise. */
export function loadRemembered(key: string, allowed: string[], storage: Pick<Storage, 'getItem'> = localStorage): string {
  const value = storage.getItem(key) ?? '';
  return allowed.includes(value) ? value : '';
}

/** Remembers `value` under `key` ('' forgets it). */
export function saveRemembered(key: string, value: string, storage: Pick<Storage, 'setItem' | 'removeItem'> = localStorage): void {
  if (value) storage.setItem(key, value);
  else storage.removeItem(key);
}
