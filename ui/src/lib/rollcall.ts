// The roll call screen's logic, free of the DOM: the marks on screen (a draft over the saved
// roll), finding a student by roll number or name, toggling absent/present, "all present",
// counting, and the RollInput that saving sends (only the marks that changed).
import type { Code, CodeKind, DayKind, Roll, RollEntry, RollInput } from './ipc/types';

/** A student's mark on screen; `code` is null while they are not marked. */
export type DraftMark = { code: string | null; late_minutes?: number; reason: string };

/** The marks on screen, by student id. */
export type Draft = Record<string, DraftMark>;

/** The codes every school has; a roll's own `codes` list is used when it has them. */
export const BUILTIN_CODES: Code[] = [
  { letter: 'P', name: 'Present', kind: 'present', builtin: true, active: true },
  { letter: 'A', name: 'Absent', kind: 'absent', builtin: true, active: true },
  { letter: 'L', name: 'Late', kind: 'late', builtin: true, active: true },
  { letter: 'E', name: 'Excused', kind: 'excused', builtin: true, active: true },
  { letter: 'H', name: 'Half day', kind: 'half_day', builtin: true, active: true },
];

/** The saved marks of a roll, as a draft nothing has changed yet. */
export function draftOf(roll: Roll): Draft {
  const out: Draft = {};
  for (const e of roll.entries) out[e.student_id] = savedMark(e);
  return out;
}

function savedMark(e: RollEntry): DraftMark {
  const m: DraftMark = { code: e.code ?? null, reason: e.reason ?? '' };
  if (e.late_minutes != null) m.late_minutes = e.late_minutes;
  return m;
}

/** The code with this letter among `codes` (any case), or undefined. */
export function codeFor(codes: Code[], letter: string | null | undefined): Code | undefined {
  if (!letter) return undefined;
  const up = letter.toUpperCase();
  return codes.find((c) => c.letter.toUpperCase() === up);
}

/** The kind of a code letter (a letter the school no longer uses counts by its builtin kind). */
export function kindOf(codes: Code[], letter: string | null | undefined): CodeKind | undefined {
  return (codeFor(codes, letter) ?? codeFor(BUILTIN_CODES, letter))?.kind;
}

/** The letter the school uses for a kind (P for present…), falling back to the builtin one. */
export function letterOf(codes: Code[], kind: CodeKind): string {
  const own = codes.find((c) => c.kind === kind && c.builtin) ?? codes.find((c) => c.kind === kind);
  return (own ?? BUILTIN_CODES.find((c) => c.kind === kind))?.letter ?? '?';
}

/** Whether a mark differs from what is saved. */
export function markChanged(saved: RollEntry, mark: DraftMark | undefined): boolean {
  if (!mark) return false;
  const s = savedMark(saved);
  return (
    (mark.code ?? null) !== s.code ||
    (mark.code !== null && (mark.late_minutes ?? null) !== (s.late_minutes ?? null)) ||
    (mark.code !== null && mark.reason !== s.reason)
  );
}

/** The students whose mark on screen differs from the saved one. */
export function changedIds(roll: Roll, draft: Draft): string[] {
  return roll.entries.filter((e) => markChanged(e, draft[e.student_id])).map((e) => e.student_id);
}

/**
 * Sets one student's code. A late code needs the minutes (`lateMinutes`); other codes drop
 * them. Unknown letters leave the draft as it is (the same object is returned).
 */
export function applyCode(
  draft: Draft,
  codes: Code[],
  studentId: string,
  letter: string,
  lateMinutes?: number,
): Draft {
  const code = codeFor(codes, letter);
  const prev = draft[studentId];
  if (!code || !prev) return draft;
  const next: DraftMark = { code: code.letter, reason: code.kind === 'excused' ? prev.reason : '' };
  if (code.kind === 'late') {
    if (lateMinutes === undefined || !validMinutes(lateMinutes)) return draft;
    next.late_minutes = lateMinutes;
  }
  return { ...draft, [studentId]: next };
}

/** Puts a student's mark back to what is saved. */
export function revert(draft: Draft, roll: Roll, studentId: string): Draft {
  const e = roll.entries.find((x) => x.student_id === studentId);
  return e ? { ...draft, [studentId]: savedMark(e) } : draft;
}

/** Minutes late the school accepts: a whole number from 1 to 720. */
export function validMinutes(m: number): boolean {
  return Number.isInteger(m) && m >= 1 && m <= 720;
}

/** "12" → 12; anything that is not 1…720 minutes → null. */
export function parseMinutes(text: string): number | null {
  const t = text.trim();
  if (!/^\d{1,3}$/.test(t)) return null;
  const m = Number(t);
  return validMinutes(m) ? m : null;
}

/**
 * Marks every student not marked yet as present (those already marked keep their mark, so
 * absentees can be keyed in before or after).
 */
export function allPresent(draft: Draft, roll: Roll): Draft {
  const p = letterOf(roll.codes, 'present');
  const next = { ...draft };
  for (const e of roll.entries) {
    const m = next[e.student_id];
    if (!m || m.code === null) next[e.student_id] = { code: p, reason: '' };
  }
  return next;
}

/** Lower case without accents, for matching names as people type them. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The students a "type to find" query means: a number is a roll number (exactly); otherwise an
 * admission number typed in full, or else every student whose name contains the text (each
 * word of the query somewhere in the name).
 */
export function findStudents(entries: RollEntry[], query: string): RollEntry[] {
  const q = fold(query);
  if (!q) return [];
  if (/^\d+$/.test(q)) {
    const n = Number(q);
    const byRoll = entries.filter((e) => e.roll_no === n);
    if (byRoll.length > 0) return byRoll;
    return entries.filter((e) => fold(e.admission_no) === q);
  }
  const byAdm = entries.filter((e) => fold(e.admission_no) === q);
  if (byAdm.length > 0) return byAdm;
  const words = q.split(' ');
  return entries.filter((e) => {
    const name = fold(e.name);
    return words.every((w) => name.includes(w));
  });
}

export type ToggleResult =
  | { kind: 'toggled'; draft: Draft; entry: RollEntry; absent: boolean }
  | { kind: 'none' }
  | { kind: 'many'; matches: RollEntry[] };

/**
 * What Enter in the find box does: the one student the query means is marked absent, or back
 * to present when they are absent already. With several matches nothing changes, unless
 * `chosen` (a student picked with the arrows) is one of them.
 */
export function toggleAbsent(draft: Draft, roll: Roll, query: string, chosen?: string): ToggleResult {
  const matches = findStudents(roll.entries, query);
  let entry: RollEntry | undefined;
  if (matches.length === 1) entry = matches[0];
  else if (chosen) entry = matches.find((m) => m.student_id === chosen);
  if (!entry) return matches.length === 0 ? { kind: 'none' } : { kind: 'many', matches };
  return { ...toggleStudent(draft, roll, entry.student_id), entry };
}

/** Absent ↔ present for one student (a student not marked, or marked otherwise, becomes absent). */
export function toggleStudent(draft: Draft, roll: Roll, studentId: string): { kind: 'toggled'; draft: Draft; absent: boolean } {
  const current = draft[studentId]?.code ?? null;
  const away = kindOf(roll.codes, current) === 'absent';
  const letter = letterOf(roll.codes, away ? 'present' : 'absent');
  return { kind: 'toggled', draft: applyCode(draft, roll.codes, studentId, letter), absent: !away };
}

export type Counts = Record<CodeKind, number> & { unmarked: number; total: number; changed: number };

/** How the students on screen are marked, by kind, and how many marks are not saved. */
export function countMarks(roll: Roll, draft: Draft): Counts {
  const out: Counts = { present: 0, absent: 0, late: 0, excused: 0, half_day: 0, unmarked: 0, total: 0, changed: 0 };
  for (const e of roll.entries) {
    out.total++;
    const m = draft[e.student_id];
    const kind = kindOf(roll.codes, m?.code);
    if (kind) out[kind]++;
    else out.unmarked++;
    if (markChanged(e, m)) out.changed++;
  }
  return out;
}

/** What saving sends: the marks that changed, in roll order, and who took the roll. */
export function rollInput(roll: Roll, draft: Draft, takenBy: string | null = null): RollInput {
  const marks = roll.entries
    .filter((e) => markChanged(e, draft[e.student_id]))
    .flatMap((e) => {
      const m = draft[e.student_id] as DraftMark;
      if (m.code === null) return [];
      const mark: RollInput['marks'][number] = { student_id: e.student_id, code: m.code };
      if (m.late_minutes != null && kindOf(roll.codes, m.code) === 'late') mark.late_minutes = m.late_minutes;
      if (m.reason) mark.reason = m.reason;
      return [mark];
    });
  const input: RollInput = { class_id: roll.class.id, date: roll.date, session: roll.session, marks };
  if (takenBy) input.taken_by = takenBy;
  return input;
}

/** Where the roll call remembers who takes the roll on this PC. */
export const TAKEN_BY_KEY = 'rollbook.roll-taken-by';

/**
 * A save's validation problems (`marks[3].late_minutes`) as messages by student id, for the
 * rows they are about; problems not about a mark come back under "".
 */
export function problemsByStudent(input: RollInput, details: { field: string; message: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of details) {
    const m = /^marks\[(\d+)\]/.exec(d.field);
    const id = m ? input.marks[Number(m[1])]?.student_id : undefined;
    const key = id ?? '';
    out[key] = out[key] ? `${out[key]}\n${d.message}` : d.message;
  }
  return out;
}

/** "Saved: 3 marked, 1 changed" (and "n unchanged" when some were). */
export function savedText(s: { marked: number; changed: number; unchanged: number }): string {
  const parts = [`${s.marked} marked`, `${s.changed} changed`];
  if (s.unchanged > 0) parts.push(`${s.unchanged} unchanged`);
  return `Saved: ${parts.join(', ')}`;
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** "Saturday" for an ISO date. */
export function weekday(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  if (!y || !m || !d) return '';
  return WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()] ?? '';
}

/**
 * Why no attendance is taken on a day, or null on a school day. `today` is the school's date:
 * a later day is in the future.
 */
export function closedReason(day: DayKind, date: string, today: string): string | null {
  if (today && date > today) return 'This date is in the future: a register is taken on the day or after it.';
  switch (day.kind) {
    case 'working':
      return null;
    case 'weekend':
      return `${weekday(date)} is not a school day. Change the school days in Settings if it is.`;
    case 'holiday':
      return `This day is a holiday (${day.name}): no register is taken.`;
    case 'outside_year':
      return 'This date is outside the academic year: no register is taken.';
  }
}

/** The minutes from `after` ("08:30") to `now` ("08:42"), as a suggestion for a late mark. */
export function minutesAfter(after: string, now: string): number | null {
  const toMin = (t: string) => {
    const m = /^(\d{1,2}):(\d{2})$/.exec(t.trim());
    return m ? Number(m[1]) * 60 + Number(m[2]) : null;
  };
  const a = toMin(after);
  const n = toMin(now);
  if (a === null || n === null) return null;
  const diff = n - a;
  return validMinutes(diff) ? diff : null;
}
