// What the whole app knows: the status from the shell and the school it serves.
import { mark } from './first-screen';
import { api, toAppError } from './ipc/commands';
import type { AppError, AppStatus, DateOrder, SchoolProfile } from './ipc/types';
import { clearSession, loadLockMinutes, loadSession } from './session.svelte';

type Phase = 'loading' | 'setup' | 'ready' | 'failed';

export const app = $state({
  phase: 'loading' as Phase,
  status: null as AppStatus | null,
  school: null as SchoolProfile | null,
  /** The school's logo as base64 PNG, for ID cards (receipts carry their own). */
  logo: null as string | null,
  failure: null as AppError | null,
});

/** Reads the school's logo into `app.logo` (a missing or unreadable logo is simply none). */
export async function loadLogo(): Promise<void> {
  try {
    app.logo = await api.getSchoolLogo();
  } catch {
    app.logo = null;
  }
}

export function dateOrder(): DateOrder {
  return app.school?.date_order ?? 'DMY';
}

/** Asks the shell how things stand and shows setup, the app, or why it cannot start. */
export async function start(): Promise<void> {
  app.phase = 'loading';
  try {
    const status = await api.appStatus();
    mark('status');
    app.status = status;
    app.school = status.school;
    app.failure = null;
    if (status.school) {
      // Who is signed in decides what shows first: the sign-in screen, or the app.
      await loadSession();
      mark('session');
      void loadLockMinutes();
      void loadLogo();
    } else {
      clearSession();
    }
    app.phase = status.school ? 'ready' : 'setup';
  } catch (e) {
    const err = toAppError(e);
    if (err.code === 'not_set_up') {
      clearSession();
      app.phase = 'setup';
    } else {
      app.failure = err;
      app.phase = 'failed';
    }
  }
}

/** After a save of the school profile (setup or settings). */
export function schoolSaved(school: SchoolProfile): void {
  app.school = school;
  if (app.status) app.status.school = school;
  app.phase = 'ready';
}

/**
 * An AppError for a failed command. `not_set_up` means the data folder has no school
 * (yet, or any more): the setup screen takes over.
 */
export function failed(e: unknown): AppError {
  const err = toAppError(e);
  if (err.code === 'not_set_up') {
    app.school = null;
    clearSession();
    app.phase = 'setup';
  }
  return err;
}
