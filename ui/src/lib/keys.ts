// Keyboard helpers: naming key presses and telling whether someone is typing.

type KeyLike = Pick<KeyboardEvent, 'key' | 'code' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>;

/**
 * A key press as text: "Alt+1", "Ctrl+K", "Ctrl+Shift+N", "/", "ArrowDown", "n".
 * Ctrl and ⌘ are both "Ctrl". Digits come from the physical key, so Alt+1 is Alt+1 on
 * every keyboard layout; letters are lower-case.
 */
export function combo(e: KeyLike): string {
  const parts: string[] = [];
  if (e.ctrlKey || e.metaKey) parts.push('Ctrl');
  if (e.altKey) parts.push('Alt');
  let key = e.key;
  const digit = /^(?:Digit|Numpad)(\d)$/.exec(e.code ?? '');
  if (digit && (e.altKey || e.ctrlKey || e.metaKey)) key = digit[1] as string;
  else if (key.length === 1) key = key.toLowerCase();
  // Shift is part of a printable character already ("?" not "Shift+/").
  if (e.shiftKey && (key.length > 1 || parts.length > 0)) parts.push('Shift');
  parts.push(key === ' ' ? 'Space' : key);
  return parts.join('+');
}

const NOT_TYPED = new Set(['button', 'submit', 'reset', 'checkbox', 'radio', 'file', 'image', 'range', 'color']);

/** Whether key presses on `el` are someone typing (a text box, list box or editable area). */
export function isTyping(el: EventTarget | null): boolean {
  if (!el || typeof (el as Element).tagName !== 'string') return false;
  const node = el as HTMLElement;
  const tag = node.tagName.toLowerCase();
  if (tag === 'textarea' || tag === 'select') return true;
  if (tag === 'input') return !NOT_TYPED.has(((node as HTMLInputElement).type || 'text').toLowerCase());
  return node.isContentEditable === true;
}

/** Whether `el` handles Enter and arrows itself (links, buttons and form controls). */
export function isInteractive(el: EventTarget | null): boolean {
  if (!el || typeof (el as Element).tagName !== 'string') return false;
  const tag = (el as HTMLElement).tagName.toLowerCase();
  return ['a', 'button', 'input', 'select', 'textarea', 'summary'].includes(tag) || isTyping(el);
}

/**
 * Where Tab (`back` false) or Shift+Tab (`back` true) takes the focus in a modal dialog
 * whose focusable `items` are in order, so the focus never leaves it: `'outside'` when the
 * focus is not in the dialog (or the dialog has nothing to focus), for the dialog to put it
 * back where it starts; the first item after the last, the last before the first; `null`
 * where the browser's own move stays inside.
 */
export function wrapTab<T>(back: boolean, items: readonly T[], active: unknown, inside: boolean): T | 'outside' | null {
  if (!inside || items.length === 0) return 'outside';
  const first = items[0];
  const last = items[items.length - 1];
  if (!back && active === last) return first;
  if (back && active === first) return last;
  return null;
}
