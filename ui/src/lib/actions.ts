// Small DOM behaviours used with `use:`.
import type { Action } from 'svelte/action';

/**
 * A mouse click anywhere on a table row runs `handler`, except on the row's own links and
 * buttons (which keyboard users reach and which do their own thing).
 */
export const rowClick: Action<HTMLElement, () => void> = (node, handler) => {
  let run = handler;
  const listener = (e: MouseEvent) => {
    const target = e.target as Element | null;
    if (target?.closest('a, button, input, select, textarea, label')) return;
    run?.();
  };
  node.addEventListener('click', listener);
  return {
    update(next) {
      run = next;
    },
    destroy() {
      node.removeEventListener('click', listener);
    },
  };
};

/**
 * Tells `onchange` whether the element is within 600 px of the visible part of the area it
 * scrolls in (as it comes near and as it leaves), and again whenever `key` changes (the rows
 * before it changed): a long list draws more rows before the person reaches its end.
 */
export const nearView: Action<HTMLElement, { key: unknown; onchange: (near: boolean) => void }> = (node, param) => {
  let { key, onchange } = param;
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) onchange(entry.isIntersecting);
    },
    { root: scrollParent(node), rootMargin: '0px 0px 600px 0px' },
  );
  observer.observe(node);
  return {
    update(next) {
      onchange = next.onchange;
      if (next.key !== key) {
        key = next.key;
        // Observing anew reports where the element is now.
        observer.unobserve(node);
        observer.observe(node);
      }
    },
    destroy() {
      observer.disconnect();
    },
  };
};

/** The nearest ancestor that scrolls vertically (null: the window). */
function scrollParent(node: HTMLElement): HTMLElement | null {
  for (let el = node.parentElement; el; el = el.parentElement) {
    const overflow = getComputedStyle(el).overflowY;
    if (overflow === 'auto' || overflow === 'scroll') return el;
  }
  return null;
}
