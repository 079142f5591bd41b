// Dates travel as ISO `YYYY-MM-DD` strings; people see them in the school's date order.
import type { DateOrder } from './ipc/types';

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

export type Ymd = { y: number; m: number; d: number };

/** The parts of an ISO date, or null when the text is not a real calendar date. */
export function parseIso(iso: string | null | undefined): Ymd | null {
  const match = ISO.exec((iso ?? '').trim());
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return { y, m, d };
}

export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function toIso({ y, m, d }: Ymd): string {
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

/** The local calendar date of `when` as ISO (not UTC: an office's "today"). */
export function localIso(when: Date): string {
  return toIso({ y: when.getFullYear(), m: when.getMonth() + 1, d: when.getDate() });
}

/**
 * An ISO date as the school writes it: DMY → 25/12/2026, MDY → 12/25/2026.
 * Empty input gives ""; text that is not an ISO date is shown unchanged.
 */
export function formatDate(iso: string | null | undefined, order: DateOrder): string {
  if (!iso) return '';
  const p = parseIso(iso);
  if (!p) return iso;
  const [dd, mm, yyyy] = [pad(p.d), pad(p.m), pad(p.y, 4)];
  return order === 'MDY' ? `${mm}/${dd}/${yyyy}` : `${dd}/${mm}/${yyyy}`;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/**
 * A date nobody can misread, in the school's order: DMY → "25 December 2026",
 * MDY → "December 25, 2026". Shown beside date inputs, whose own display follows the PC.
 */
export function formatLong(iso: string | null | undefined, order: DateOrder): string {
  const p = parseIso(iso);
  if (!p) return '';
  const month = MONTHS[p.m - 1];
  return order === 'MDY' ? `${month} ${p.d}, ${p.y}` : `${p.d} ${month} ${p.y}`;
}

/** "from – to" in the school's order. */
export function formatRange(start: string, end: string, order: DateOrder): string {
  return `${formatDate(start, order)} – ${formatDate(end, order)}`;
}

/** Adds days to an ISO date (calendar arithmetic, no time zones involved). */
export function addDays(iso: string, days: number): string {
  const p = parseIso(iso);
  if (!p) return iso;
  const t = new Date(Date.UTC(p.y, p.m - 1, p.d + days));
  return toIso({ y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() });
}

/** Adds months, keeping the day where the month allows (Jan 31 + 1 month → Feb 28/29). */
export function addMonths(iso: string, months: number): string {
  const p = parseIso(iso);
  if (!p) return iso;
  const total = p.y * 12 + (p.m - 1) + months;
  const y = Math.floor(total / 12);
  const m = (total % 12) + 1;
  return toIso({ y, m, d: Math.min(p.d, daysInMonth(y, m)) });
}
