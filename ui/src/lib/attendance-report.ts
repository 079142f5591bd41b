// Pure helpers for the attendance settings and reports: months, chart series, percentages,
// sorting, and the checks made before a value is sent to the shell.
import { daysInMonth, formatDate, parseIso, toIso } from './dates';
import type { FieldErrors } from './errors';
import type {
  Code,
  CodeKind,
  DateOrder,
  DayAttendance,
  DayKind,
  SessionMode,
  StaffArrival,
  StudentPercentage,
  Tally,
} from './ipc/types';

// ---- Months ----------------------------------------------------------------------------

const MONTH_NAMES = [
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

export type Month = { y: number; m: number };

const pad2 = (n: number) => String(n).padStart(2, '0');

/** The month of a local date as `YYYY-MM` (what `<input type="month">` holds). */
export function monthOf(when: Date): string {
  return `${when.getFullYear()}-${pad2(when.getMonth() + 1)}`;
}

/**
 * Reads a month as typed: `2026-05` (the month input's value), `2026-5`, `05/2026` or
 * `5/2026`. Web views without a month picker show a plain text box, so people may type.
 */
export function parseMonth(text: string | null | undefined): Month | null {
  const t = (text ?? '').trim();
  let y: number;
  let m: number;
  let match = /^(\d{4})-(\d{1,2})$/.exec(t);
  if (match) {
    y = Number(match[1]);
    m = Number(match[2]);
  } else {
    match = /^(\d{1,2})[/.-](\d{4})$/.exec(t);
    if (!match) return null;
    m = Number(match[1]);
    y = Number(match[2]);
  }
  if (m < 1 || m > 12 || y < 1900 || y > 2999) return null;
  return { y, m };
}

export function monthValue({ y, m }: Month): string {
  return `${y}-${pad2(m)}`;
}

/** The first and last day of a month, as ISO dates. */
export function monthRange({ y, m }: Month): { from: string; to: string } {
  return { from: toIso({ y, m, d: 1 }), to: toIso({ y, m, d: daysInMonth(y, m) }) };
}

export function shiftMonth({ y, m }: Month, by: number): Month {
  const total = y * 12 + (m - 1) + by;
  return { y: Math.floor(total / 12), m: (total % 12) + 1 };
}

/** "May 2026". */
export function monthTitle({ y, m }: Month): string {
  return `${MONTH_NAMES[m - 1]} ${y}`;
}

// ---- Percentages -----------------------------------------------------------------------

/** "93.5%", "100%"; a dash when nothing was marked. */
export function formatPercent(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '—';
  const r = Math.round(p * 10) / 10;
  return `${Number.isInteger(r) ? r.toFixed(0) : r.toFixed(1)}%`;
}

/** Whether a percentage is under the chronic-absence threshold (nothing marked is not). */
export function isBelow(p: number | null | undefined, threshold: number): boolean {
  return p !== null && p !== undefined && p < threshold;
}

// ---- The daily chart -------------------------------------------------------------------

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
export const WEEKDAY_SHORT = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** 1 = Monday ... 7 = Sunday, as the calendar numbers days. */
export function isoWeekday(iso: string): number {
  const p = parseIso(iso);
  if (!p) return 0;
  const js = new Date(Date.UTC(p.y, p.m - 1, p.d)).getUTCDay();
  return js === 0 ? 7 : js;
}

/** Why a day has no bar: not a school day, or nobody marked. */
export function dayNote(day: DayKind, tally: Tally): string {
  switch (day.kind) {
    case 'weekend':
      return 'Not a school day';
    case 'holiday':
      return day.name ? `Holiday: ${day.name}` : 'Holiday';
    case 'outside_year':
      return 'Outside the academic year';
    default:
      return tally.percentage === undefined ? 'Not marked' : '';
  }
}

export type DailySeries = {
  /** Day of the month, "1" ... "31". */
  labels: string[];
  /** The ISO date of each point. */
  dates: string[];
  /** The class's percentage that day; null leaves a gap (closed, or not marked). */
  values: (number | null)[];
  /** Whether the day was a school day (the axis shows the others faintly). */
  working: boolean[];
  /** Why a day has no value, for the tooltip and the table. */
  notes: string[];
};

export function dailySeries(days: DayAttendance[]): DailySeries {
  const out: DailySeries = { labels: [], dates: [], values: [], working: [], notes: [] };
  for (const d of days) {
    const p = parseIso(d.date);
    const working = d.day.kind === 'working';
    out.labels.push(p ? String(p.d) : d.date);
    out.dates.push(d.date);
    out.working.push(working);
    out.values.push(working && d.tally.percentage !== undefined ? d.tally.percentage : null);
    out.notes.push(dayNote(d.day, d.tally));
  }
  return out;
}

/** "Thursday 12/03/2026". */
export function dayTitle(iso: string, order: DateOrder): string {
  const wd = isoWeekday(iso);
  return wd ? `${WEEKDAYS[wd - 1]} ${formatDate(iso, order)}` : iso;
}

/**
 * The chart in words, for screen readers and anyone who would rather read: the average,
 * the lowest day, and the school days nobody marked.
 */
export function chartSummary(days: DayAttendance[], order: DateOrder, today?: string): string {
  const working = days.filter((d) => d.day.kind === 'working');
  const marked = working.filter((d) => d.tally.percentage !== undefined);
  const unmarked = working.filter((d) => d.tally.percentage === undefined && (!today || d.date <= today));
  if (working.length === 0) return 'No school days in this month.';
  if (marked.length === 0) {
    const future = !!today && working.some((d) => d.date > today);
    if (future && unmarked.length === 0) return 'No school days so far this month.';
    const n = future ? unmarked.length : working.length;
    const which = n === 1 ? 'the one school day' : `any of the ${n} school days`;
    return `No attendance marked on ${which}${future ? ' so far' : ''}.`;
  }
  let total: Tally | null = null;
  for (const d of marked) total = addTally(total, d.tally);
  let low = marked[0] as DayAttendance;
  let high = marked[0] as DayAttendance;
  for (const d of marked) {
    if ((d.tally.percentage ?? 0) < (low.tally.percentage ?? 0)) low = d;
    if ((d.tally.percentage ?? 0) > (high.tally.percentage ?? 0)) high = d;
  }
  const parts = [
    `${formatPercent(tallyPercentage(total))} attendance over ${plural(marked.length, 'marked school day')}.`,
  ];
  if (marked.length > 1) {
    parts.push(
      `Lowest ${formatPercent(low.tally.percentage)} on ${dayTitle(low.date, order)}; ` +
        `highest ${formatPercent(high.tally.percentage)} on ${dayTitle(high.date, order)}.`,
    );
  }
  if (unmarked.length > 0) parts.push(`${plural(unmarked.length, 'school day')} not marked.`);
  return parts.join(' ');
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Sums tallies, recomputing the percentage the way the shell does. */
export function addTally(a: Tally | null, b: Tally): Tally {
  const t: Tally = {
    present: (a?.present ?? 0) + b.present,
    absent: (a?.absent ?? 0) + b.absent,
    late: (a?.late ?? 0) + b.late,
    excused: (a?.excused ?? 0) + b.excused,
    half_day: (a?.half_day ?? 0) + b.half_day,
    marked: (a?.marked ?? 0) + b.marked,
  };
  const p = tallyPercentage(t);
  if (p !== undefined) t.percentage = p;
  return t;
}

/** Attended sessions (late counts, half-day is half) over marked sessions, to 0.1. */
export function tallyPercentage(t: Tally | null): number | undefined {
  if (!t || t.marked <= 0) return undefined;
  const attended = t.present + t.late + 0.5 * t.half_day;
  return Math.round((1000 * attended) / t.marked) / 10;
}

// ---- The student table -----------------------------------------------------------------

export type SortKey = 'roll' | 'name' | 'percentage';
export type SortDir = 'asc' | 'desc';

/** The students sorted; those with nothing marked always come last. */
export function sortStudents(rows: StudentPercentage[], key: SortKey, dir: SortDir): StudentPercentage[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    if (key === 'percentage') {
      const pa = a.tally.percentage;
      const pb = b.tally.percentage;
      if (pa === undefined || pb === undefined) {
        if (pa !== pb) return pa === undefined ? 1 : -1;
      } else if (pa !== pb) {
        return sign * (pa - pb);
      }
      return a.roll_no - b.roll_no;
    }
    if (key === 'name') {
      const c = a.name.localeCompare(b.name, undefined, { sensitivity: 'base' });
      return c !== 0 ? sign * c : a.roll_no - b.roll_no;
    }
    return sign * (a.roll_no - b.roll_no);
  });
}

/** The next sort after a click on a column header: same column flips, a new one starts. */
export function nextSort(current: { key: SortKey; dir: SortDir }, key: SortKey): { key: SortKey; dir: SortDir } {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  // Lowest attendance first is what people look for.
  return { key, dir: 'asc' };
}

// ---- Settings and codes ----------------------------------------------------------------

export const SESSION_MODES: { value: SessionMode; label: string; hint: string }[] = [
  { value: 'daily', label: 'One roll a day', hint: 'Marked once each morning' },
  { value: 'halves', label: 'Morning and afternoon', hint: 'Two rolls a day' },
  { value: 'periods', label: 'Every period', hint: 'A roll per lesson' },
];

export const CODE_KINDS: { value: CodeKind; label: string }[] = [
  { value: 'present', label: 'Present' },
  { value: 'absent', label: 'Absent' },
  { value: 'late', label: 'Late (present)' },
  { value: 'excused', label: 'Absent with leave' },
  { value: 'half_day', label: 'Half day' },
];

export function kindLabel(kind: CodeKind): string {
  return CODE_KINDS.find((k) => k.value === kind)?.label ?? kind;
}

/** A whole number from a text or number input, or null when it is not one. */
export function wholeNumber(v: string | number | null | undefined): number | null {
  const t = typeof v === 'number' ? String(v) : (v ?? '').trim();
  if (!/^\d{1,6}$/.test(t)) return null;
  return Number(t);
}

/** "8:30", "0830", "08.30" → "08:30"; null when it is not a time of day. */
export function normalizeTime(text: string): string | null {
  const t = text.trim();
  const m = /^(\d{1,2})(?:[:.]?)(\d{2})$/.exec(t);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 23 || min > 59) return null;
  return `${pad2(h)}:${pad2(min)}`;
}

export type SettingsForm = {
  session_mode: SessionMode;
  periods: string | number;
  late_after: string;
  chronic_threshold: string | number;
};

/**
 * Checks what the shell cannot be sent at all (a number field that is not a whole number
 * in range would not even reach its validation). Other problems are the shell's to find.
 */
export function settingsProblems(f: SettingsForm): FieldErrors {
  const out: FieldErrors = {};
  const periods = wholeNumber(f.periods);
  if (f.session_mode === 'periods' && (periods === null || periods < 1 || periods > 12)) {
    out['periods'] = 'The number of periods must be between 1 and 12';
  }
  const t = wholeNumber(f.chronic_threshold);
  if (t === null || t < 1 || t > 100) {
    out['chronic_threshold'] = 'The chronic absence threshold must be a percentage from 1 to 100';
  }
  if (normalizeTime(f.late_after) === null) {
    out['late_after'] = `"${f.late_after.trim()}" is not a time of day (expected HH:MM, e.g. 08:30)`;
  }
  return out;
}

/** The periods count to send: kept as it was when the mode does not use it. */
export function periodsToSend(f: SettingsForm, saved: number): number {
  const n = wholeNumber(f.periods);
  return n !== null && n >= 1 && n <= 12 ? n : Math.min(Math.max(saved, 1), 12);
}

/** A new code's letter as stored: one letter or digit, upper case. */
export function codeLetter(text: string): string {
  return text.trim().toUpperCase();
}

/**
 * Problems with a new code before it is sent. Saving a letter that exists would change
 * that code instead of adding one, so that is caught here.
 */
export function newCodeProblems(letter: string, name: string, codes: Code[]): FieldErrors {
  const out: FieldErrors = {};
  const l = codeLetter(letter);
  if (!l) out['letter'] = 'Type the letter marked on the register (e.g. S for sick)';
  else if ([...l].length !== 1 || !/^[\p{L}\p{N}]$/u.test(l)) {
    out['letter'] = 'A code is a single letter or digit (e.g. S for sick)';
  } else {
    const taken = codes.find((c) => c.letter.toUpperCase() === l);
    if (taken) out['letter'] = `${l} is already "${taken.name}": change it in the list above`;
  }
  if (!name.trim()) out['name'] = "The code's name is required";
  return out;
}

// ---- Calendar --------------------------------------------------------------------------

/** Days sorted and unique, 1..7 only. */
export function normalizeDays(days: Iterable<number>): number[] {
  return [...new Set([...days].filter((d) => Number.isInteger(d) && d >= 1 && d <= 7))].sort((a, b) => a - b);
}

export function sameDays(a: number[], b: number[]): boolean {
  const x = normalizeDays(a);
  const y = normalizeDays(b);
  return x.length === y.length && x.every((d, i) => d === y[i]);
}

/** "Mon–Fri", "Mon–Sat", "Every day", "Mon, Wed, Fri". */
export function daysText(days: number[]): string {
  const d = normalizeDays(days);
  if (d.length === 0) return 'No school days';
  if (d.length === 7) return 'Every day';
  const runs: string[] = [];
  let start = d[0] as number;
  let prev = start;
  const flush = () => {
    const a = WEEKDAY_SHORT[start - 1];
    const b = WEEKDAY_SHORT[prev - 1];
    if (prev - start >= 2) runs.push(`${a}–${b}`);
    else if (prev > start) runs.push(`${a}, ${b}`);
    else runs.push(a as string);
  };
  for (const x of d.slice(1)) {
    if (x === prev + 1) prev = x;
    else {
      flush();
      start = prev = x;
    }
  }
  flush();
  return runs.join(', ');
}

/** Calendar days in a holiday, both ends counted. */
export function holidayLength(start: string, end: string): number {
  const s = parseIso(start);
  const e = parseIso(end || start);
  if (!s || !e) return 0;
  const ms = Date.UTC(e.y, e.m - 1, e.d) - Date.UTC(s.y, s.m - 1, s.d);
  return Math.round(ms / 86_400_000) + 1;
}

// ---- Staff -----------------------------------------------------------------------------

/** The wall-clock time of a UTC instant in the school's zone, "07:52". */
export function clockTime(instant: string, timeZone?: string): string {
  const when = new Date(instant);
  if (Number.isNaN(when.getTime())) return '';
  try {
    return new Intl.DateTimeFormat('en-GB', {
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone: timeZone || undefined,
    }).format(when);
  } catch {
    return `${pad2(when.getHours())}:${pad2(when.getMinutes())}`;
  }
}

export type ArrivalState = { state: 'in' | 'late' | 'out' | 'inactive'; text: string };

/** Today's check-in of a staff member, in words. */
export function arrivalState(a: StaffArrival | undefined, active: boolean, timeZone?: string): ArrivalState {
  if (!active) return { state: 'inactive', text: '—' };
  if (!a || !a.code) return { state: 'out', text: 'Not in yet' };
  const at = a.checked_in_at ? clockTime(a.checked_in_at, timeZone) : '';
  if (a.code === 'L') {
    const mins = a.late_minutes ? ` (${a.late_minutes} min)` : '';
    return { state: 'late', text: `Late${at ? ` at ${at}` : ''}${mins}` };
  }
  return { state: 'in', text: at ? `In at ${at}` : 'In' };
}
