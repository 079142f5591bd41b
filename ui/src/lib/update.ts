// Installing an update, as the dialog shows it: the shell's progress events folded into a
// bar and words, and its refusals said plainly. No IPC here (see update.svelte.ts).
import type { AppError, UpdateInfo, UpdateProgress } from './ipc/types';

export type InstallStep = 'idle' | 'backing_up' | 'downloading' | 'verifying' | 'installing' | 'failed';

export interface InstallState {
  step: InstallStep;
  /** Bytes downloaded so far. */
  received: number;
  /** The download's size, when the server said. */
  total: number | null;
}

export const IDLE: InstallState = { step: 'idle', received: 0, total: null };

/** The state after one event from the shell. */
export function advance(state: InstallState, event: UpdateProgress): InstallState {
  switch (event.event) {
    case 'backing_up':
      return { step: 'backing_up', received: 0, total: null };
    case 'started':
      return { step: 'downloading', received: 0, total: event.data.content_length };
    case 'progress':
      return { ...state, step: 'downloading', received: state.received + event.data.chunk_length };
    case 'finished':
      return { ...state, step: 'verifying' };
    case 'installing':
      return { ...state, step: 'installing' };
  }
}

/** The progress bar: a fraction while the size is known, otherwise indeterminate (null). */
export function installBar(state: InstallState): number | null {
  if (state.step === 'downloading' && state.total && state.total > 0) {
    return Math.min(1, state.received / state.total);
  }
  if (state.step === 'verifying' || state.step === 'installing') return 1;
  return null;
}

/** "Downloading 3.2 of 7.0 MB (45%)", "Backing up first…", … */
export function installText(state: InstallState): string {
  switch (state.step) {
    case 'idle':
      return '';
    case 'backing_up':
      return 'Backing up the school’s data before installing…';
    case 'downloading': {
      const got = megabytes(state.received);
      if (!state.total) return `Downloading… ${got} MB`;
      const pct = Math.floor((Math.min(state.received, state.total) * 100) / state.total);
      return `Downloading ${got} of ${megabytes(state.total)} MB (${pct}%)`;
    }
    case 'verifying':
      return 'Checking the signature…';
    case 'installing':
      return 'Installing; Rollbook restarts by itself…';
    case 'failed':
      return '';
  }
}

function megabytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

/** What to tell the user when the install was refused or failed; nothing was installed. */
export function installErrorText(error: AppError): string {
  switch (error.code) {
    case 'work_in_progress':
      return `${error.message} Nothing was installed.`;
    case 'update_refused':
      return 'The download did not carry Rollbook’s signature, so it was not installed. Your data is untouched; tell whoever looks after your Rollbook cloud.';
    case 'offline':
      return 'The download stopped: the school’s cloud could not be reached. Nothing was installed; try again when the connection is back.';
    case 'sign_in_required':
    case 'forbidden':
      return `${error.message} (Installing an update first takes a backup, which needs someone allowed to back up.) Nothing was installed.`;
    default:
      return error.message;
  }
}

/** The header's words for an update on offer. */
export function noticeText(update: UpdateInfo): string {
  return `Update ${update.version} available`;
}

/** The release notes, as lines (the feed sends plain text); "" when there are none. */
export function notesLines(update: UpdateInfo): string[] {
  return update.notes
    .trim()
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l, i, all) => l !== '' || (i > 0 && all[i - 1] !== ''));
}

/** The release date as the school's computer writes dates, or "". */
export function releasedOn(update: UpdateInfo, locale?: string): string {
  if (!update.date) return '';
  const d = new Date(update.date);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleDateString(locale, { year: 'numeric', month: 'long', day: 'numeric' });
}
