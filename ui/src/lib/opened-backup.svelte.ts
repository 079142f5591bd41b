// A backup Rollbook was opened with (a double-clicked .rbk file): Settings → Backups offers
// to restore it. The shell keeps it until asked (macOS also announces a later one with
// "backup-opened").
import { subscribe } from './events';
import { api } from './ipc/commands';
import { goSettings } from './router.svelte';

export const openedBackup = $state({ path: null as string | null });

async function ask(): Promise<void> {
  try {
    const path = await api.openedBackup();
    if (path) {
      openedBackup.path = path;
      goSettings('settings-backups');
    }
  } catch {
    // Nothing opened, or the shell cannot say: nothing to offer.
  }
}

/** Asks once and on each later announcement. Returns the function that stops listening. */
export function watchOpenedBackup(): () => void {
  void ask();
  return subscribe('backup-opened', () => void ask());
}

/** The file's name, for "You opened …". */
export function fileName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}
