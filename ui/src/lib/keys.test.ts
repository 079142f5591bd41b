import { describe, expect, it } from 'vitest';
import { combo, isInteractive, isTyping, wrapTab } from './keys';

const key = (k: string, extra: Partial<KeyboardEvent> = {}) =>
  ({ key: k, code: '', ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...extra }) as KeyboardEvent;

describe('combo', () => {
  it('names plain keys', () => {
    expect(combo(key('/'))).toBe('/');
    expect(combo(key('N', { shiftKey: true }))).toBe('n');
    expect(combo(key('ArrowDown'))).toBe('ArrowDown');
    expect(combo(key('Escape'))).toBe('Escape');
  });

  it('names Ctrl and ⌘ alike', () => {
    expect(combo(key('k', { ctrlKey: true }))).toBe('Ctrl+k');
    expect(combo(key('k', { metaKey: true }))).toBe('Ctrl+k');
    expect(combo(key('N', { ctrlKey: true, shiftKey: true }))).toBe('Ctrl+Shift+n');
  });

  it('names the lock key the same with Caps Lock on', () => {
    expect(combo(key('l', { ctrlKey: true }))).toBe('Ctrl+l');
    expect(combo(key('L', { ctrlKey: true }))).toBe('Ctrl+l');
  });

  it('reads Alt+digit from the physical key, whatever character the layout makes', () => {
    expect(combo(key('¡', { altKey: true, code: 'Digit1' }))).toBe('Alt+1');
    expect(combo(key('6', { altKey: true, code: 'Digit6' }))).toBe('Alt+6');
  });
});

describe('isTyping', () => {
  const el = (tagName: string, props: Record<string, unknown> = {}) => ({ tagName, ...props }) as unknown as EventTarget;

  it('is true in text boxes, selects and editable areas', () => {
    expect(isTyping(el('INPUT', { type: 'text' }))).toBe(true);
    expect(isTyping(el('INPUT', { type: 'search' }))).toBe(true);
    expect(isTyping(el('INPUT', { type: 'date' }))).toBe(true);
    expect(isTyping(el('TEXTAREA'))).toBe(true);
    expect(isTyping(el('SELECT'))).toBe(true);
    expect(isTyping(el('DIV', { isContentEditable: true }))).toBe(true);
  });

  it('is false on buttons, checkboxes and the page itself', () => {
    expect(isTyping(el('INPUT', { type: 'checkbox' }))).toBe(false);
    expect(isTyping(el('BUTTON'))).toBe(false);
    expect(isTyping(el('BODY', { isContentEditable: false }))).toBe(false);
    expect(isTyping(null)).toBe(false);
  });
});

describe('isInteractive', () => {
  const el = (tagName: string, props: Record<string, unknown> = {}) => ({ tagName, ...props }) as unknown as EventTarget;

  it('is true for controls that use Enter and arrows themselves', () => {
    expect(isInteractive(el('A'))).toBe(true);
    expect(isInteractive(el('BUTTON'))).toBe(true);
    expect(isInteractive(el('INPUT', { type: 'checkbox' }))).toBe(true);
  });

  it('is false for the page and plain containers', () => {
    expect(isInteractive(el('BODY'))).toBe(false);
    expect(isInteractive(el('MAIN', { isContentEditable: false }))).toBe(false);
    expect(isInteractive(null)).toBe(false);
  });
});

describe('wrapTab', () => {
  const items = ['install', 'later'];
  it('wraps at both ends and leaves the middle to the browser', () => {
    expect(wrapTab(false, items, 'later', true)).toBe('install');
    expect(wrapTab(true, items, 'install', true)).toBe('later');
    expect(wrapTab(false, items, 'install', true)).toBeNull();
    expect(wrapTab(true, items, 'later', true)).toBeNull();
  });
  it('brings a focus from outside the dialog back', () => {
    expect(wrapTab(false, items, 'elsewhere', false)).toBe('outside');
    expect(wrapTab(true, [], null, true)).toBe('outside');
  });
});
