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
