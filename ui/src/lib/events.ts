// The shell's events (sync status, an update on offer, a backup opened, files dropped on the
// window), listened to until the returned function is called.
import { listen, type EventCallback, type UnlistenFn } from '@tauri-apps/api/event';

/**
 * Starts a listener with `start` and answers the function that stops it, whenever the
 * listener comes up (even before). Outside the desktop shell (unit tests, a plain browser)
 * there are no events: nothing happens.
 */
export function listening(start: () => Promise<UnlistenFn>): () => void {
  let stopped = false;
  let unlisten: UnlistenFn | null = null;
  try {
    start().then(
      (un) => {
        if (stopped) un();
        else unlisten = un;
      },
      () => {},
    );
  } catch {
    // Not in the desktop shell.
  }
  return () => {
    stopped = true;
    unlisten?.();
    unlisten = null;
  };
}

/** Calls `handler` on each `event` from the shell until the returned function is called. */
export function subscribe<T>(event: string, handler: EventCallback<T>): () => void {
  return listening(() => listen<T>(event, handler));
}
