// Where sync stands, for the header's indicator and Settings → Sync: the shell's SyncStatus,
// kept fresh from its "sync-status" event (sent after every background attempt), by asking
// every 15 seconds, and after anything done here (Sync now, enrolling, a page change).
import { subscribe } from './events';
import { api, toAppError } from './ipc/commands';
import type { SyncReport, SyncStatus } from './ipc/types';
import type { Failure } from './sync';

/** How often the status is asked for besides the shell's events. */
export const POLL_MS = 15_000;

export const syncState = $state({
  /** The shell's answer; null until the first one. */
  status: null as SyncStatus | null,
  /** The last "Sync now" here that failed, with its code (the status has only the text). */
  failure: null as Failure | null,
  /** The time the relative words ("2 min ago") are counted from. */
  now: Date.now(),
  /** A "Sync now" is under way. */
  busy: false,
});

/** Takes a status in (from a command or the shell's event). */
export function applyStatus(status: SyncStatus): void {
  syncState.status = status;
  syncState.now = Date.now();
}

/** Asks the shell where sync stands; on a failure the last answer stands. */
export async function refreshSync(): Promise<SyncStatus | null> {
  try {
    const status = await api.syncStatus();
    applyStatus(status);
    return status;
  } catch {
    return syncState.status;
  }
}

/** Syncs now. Rejects with the AppError (kept, with its code, for the indicator). */
export async function syncNow(): Promise<SyncReport> {
  syncState.busy = true;
  try {
    const report = await api.syncNow();
    syncState.failure = null;
    return report;
  } catch (e) {
    const error = toAppError(e);
    syncState.failure = { code: error.code, message: error.message };
    throw error;
  } finally {
    syncState.busy = false;
    await refreshSync();
  }
}

/** Enrols this PC; resolves to the school's name. */
export async function enrol(server: string, code: string, name: string): Promise<string> {
  const school = await api.enrolDevice(server, code, name);
  syncState.failure = null;
  await refreshSync();
  return school;
}

/**
 * Keeps `syncState` fresh while the frame is shown: the shell's events, a poll, and a clock
 * for "2 min ago". Returns the function that stops it all.
 */
export function watchSync(): () => void {
  void refreshSync();
  const poll = setInterval(() => void refreshSync(), POLL_MS);
  const clock = setInterval(() => {
    syncState.now = Date.now();
  }, 30_000);
  // Outside the desktop shell there are no events: the poll alone keeps it fresh.
  const unsubscribe = subscribe<SyncStatus>('sync-status', (event) => applyStatus(event.payload));
  return () => {
    clearInterval(poll);
    clearInterval(clock);
    unsubscribe();
  };
}
