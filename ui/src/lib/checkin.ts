// The check-in desk's logic, free of the DOM: what a scanner or camera read counts as a new
// scan, how each result is shown, and the list of the day's scans.
import type { AppError, CheckIn } from './ipc/types';

/** What a scanner typed, as the core reads it: no spaces, upper case. */
export function normaliseCode(text: string): string {
  return text.replace(/\s+/g, '').toUpperCase();
}

/**
 * Drops repeats: a camera sees the same card in frame after frame, so a code read again
 * within `windowMs` of its last reading is ignored. Returns whether `code` read at `now`
 * (milliseconds) is a new scan.
 */
export function repeatFilter(windowMs = 3000): (code: string, now: number) => boolean {
  const last = new Map<string, number>();
  return (code, now) => {
    const key = normaliseCode(code);
    if (!key) return false;
    const seen = last.get(key);
    // The card is still in front of the camera: its readings keep the window open.
    last.set(key, now);
    for (const [k, t] of last) if (now - t > windowMs * 4) last.delete(k);
    return seen === undefined || now - seen >= windowMs;
  };
}

/** ok: present (green); warn: late (amber); quiet: already in (grey); error: refused (red). */
export type Tone = 'ok' | 'warn' | 'quiet' | 'error';

export type ScanView = {
  tone: Tone;
  /** The big line: "Aarav Iyer — present 08:10". */
  headline: string;
  /** The class or role, or why a card was refused. */
  detail: string;
};

/** How the result of a scan is shown at the desk. */
export function scanView(result: CheckIn): ScanView {
  const who = result.name;
  const sub = result.subtitle;
  switch (result.outcome) {
    case 'present':
      return { tone: 'ok', headline: `${who} — present ${result.time}`, detail: sub };
    case 'late': {
      const mins = result.late_minutes ?? 0;
      return { tone: 'warn', headline: `${who} — late by ${mins} min`, detail: [sub, `arrived ${result.time}`].filter(Boolean).join(' · ') };
    }
    case 'already':
      return { tone: 'quiet', headline: `${who} — already checked in`, detail: result.message || sub };
  }
}

/** How a refused scan is shown: an unknown or withdrawn card, or a day with no register. */
export function refusalView(error: AppError): ScanView {
  const headline =
    error.code === 'not_found'
      ? 'Card not recognised'
      : error.code === 'revoked'
        ? 'Card withdrawn'
        : error.code === 'validation'
          ? 'Not checked in'
          : 'Check-in failed';
  return { tone: 'error', headline, detail: error.message };
}

/** One line of the day's scans. */
export type ScanLine = ScanView & { seq: number; code: string; time: string };

/** Adds a scan to the top of the list (newest first), keeping at most `max`. */
export function addScan(list: ScanLine[], line: ScanLine, max = 300): ScanLine[] {
  return [line, ...list].slice(0, max);
}

/** The local wall-clock time as "HH:MM" (for refused scans, which the core gives no time). */
export function clock(now: Date): string {
  return `${String(now.getHours()).padStart(2, '0')}:${String(now.getMinutes()).padStart(2, '0')}`;
}

/** How many of the day's scans came out each way. */
export function tally(list: ScanLine[]): Record<Tone, number> {
  const out: Record<Tone, number> = { ok: 0, warn: 0, quiet: 0, error: 0 };
  for (const l of list) out[l.tone]++;
  return out;
}
