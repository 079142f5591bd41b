// The update on offer and its installation, shared by the header's notice, the dialog and
// Settings. The shell checks at start-up and daily and says so with "update-available";
// nothing is installed until the user presses Install.
import { subscribe } from './events';
import { api, toAppError } from './ipc/commands';
import type { AppError, UpdateInfo } from './ipc/types';
import { IDLE, advance, type InstallState } from './update';

export const updateState = $state({
  /** The newer release on offer, or null. */
  available: null as UpdateInfo | null,
  /** The dialog with what is new, Install and Later. */
  open: false,
  install: { ...IDLE } as InstallState,
  /** Why the last install did not happen (nothing was installed). */
  error: null as AppError | null,
});

/** Installing now: the dialog cannot be put away. */
export function installing(): boolean {
  return updateState.install.step !== 'idle' && updateState.install.step !== 'failed';
}

function offer(update: UpdateInfo | null): void {
  updateState.available = update;
}

/** Listens for the shell's announcement and asks what it found already. Returns the stop. */
export function watchUpdates(): () => void {
  let stopped = false;
  api.pendingUpdate().then(
    (u) => {
      if (!stopped && u) offer(u);
    },
    () => {},
  );
  const unsubscribe = subscribe<UpdateInfo>('update-available', (event) => offer(event.payload));
  return () => {
    stopped = true;
    unsubscribe();
  };
}

/** Asks the school's cloud now; resolves to the update found (or null). */
export async function checkNow(): Promise<UpdateInfo | null> {
  const found = await api.checkForUpdate();
  offer(found);
  return found;
}

export function showUpdate(): void {
  updateState.error = null;
  updateState.open = true;
}

export function later(): void {
  if (installing()) return;
  updateState.open = false;
  updateState.install = { ...IDLE };
  updateState.error = null;
}

/** Downloads, verifies, backs up and installs; the app restarts when it is done. */
export async function installNow(): Promise<void> {
  if (installing()) return;
  updateState.error = null;
  updateState.install = { ...IDLE, step: 'downloading' };
  try {
    await api.installUpdate((event) => {
      updateState.install = advance(updateState.install, event);
    });
  } catch (e) {
    updateState.error = toAppError(e);
    updateState.install = { ...updateState.install, step: 'failed' };
  }
}
