// The shell's events (sync status, an update on offer, a backup opened), listened to until
// the returned function is called.
import { listen, type EventCallback } from '@tauri-apps/api/event';

/**
 * Calls `handler` on each `event` from the shell until the returned function is called.
 * Outside the desktop shell (unit tests, a plain browser) there are no events: nothing
 * happens.
 */
export function subscribe<T>(event: string, handler: EventCallback<T>): () => void {
  let stopped = false;
  let unlisten: (() => void) | null = null;
  try {
    listen<T>(event, handler).then(
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
