import { describe, expect, it } from 'vitest';
import type { Code, Roll, RollEntry } from './ipc/types';
import {
  BUILTIN_CODES,
  allPresent,
  applyCode,
  changedIds,
  closedReason,
  countMarks,
  draftOf,
  findStudents,
  minutesAfter,
  parseMinutes,
  problemsByStudent,
  revert,
  rollInput,
  savedText,
  toggleAbsent,
  toggleStudent,
  weekday,
} from './rollcall';

const entry = (roll_no: number, name: string, extra: Partial<RollEntry> = {}): RollEntry => ({
  roll_no,
  student_id: `s${roll_no}`,
  admission_no: `GV-${String(100 + roll_no)}`,
  name,
  reason: '',
  away_previous_day: false,
  away_streak: 0,
  ...extra,
});

const makeRoll = (entries: RollEntry[], codes: Code[] = BUILTIN_CODES): Roll => ({
  class: { id: 'c1', name: 'Grade 5 B', grade: '5', section: 'B', class_teacher: '' },
  date: '2026-06-10',
  session: 'day',
  day: { kind: 'working' },
  taken: entries.some((e) => e.code !== undefined),
  entries,
  codes,
});

const roll = makeRoll([
  entry(1, 'Wanjiru Kamau'),
  entry(2, 'Kamau Njoroge'),
  entry(3, 'Achieng Otieno'),
  entry(4, 'José Núñez'),
]);

describe('draftOf and counting', () => {
  it('starts with everyone not marked when nothing is saved', () => {
    const d = draftOf(roll);
    expect(Object.values(d).every((m) => m.code === null)).toBe(true);
    expect(countMarks(roll, d)).toMatchObject({ total: 4, unmarked: 4, present: 0, changed: 0 });
  });

  it('starts from the saved marks when the register was taken', () => {
    const taken = makeRoll([entry(1, 'A', { code: 'P' }), entry(2, 'B', { code: 'L', late_minutes: 10 }), entry(3, 'C')]);
    const d = draftOf(taken);
    expect(d.s2).toEqual({ code: 'L', late_minutes: 10, reason: '' });
    expect(countMarks(taken, d)).toMatchObject({ present: 1, late: 1, unmarked: 1, changed: 0 });
  });
});

describe('all present', () => {
  it('marks everyone not marked as present and leaves marked students alone', () => {
    let d = draftOf(roll);
    d = applyCode(d, roll.codes, 's2', 'A');
    d = allPresent(d, roll);
    expect(d.s1?.code).toBe('P');
    expect(d.s2?.code).toBe('A');
    expect(countMarks(roll, d)).toMatchObject({ present: 3, absent: 1, unmarked: 0, changed: 4 });
  });

  it("uses the school's letter for present", () => {
    const codes = BUILTIN_CODES.map((c) => (c.kind === 'present' ? { ...c, letter: 'X' } : c));
    const r = makeRoll([entry(1, 'A')], codes);
    expect(allPresent(draftOf(r), r).s1?.code).toBe('X');
  });
});

describe('finding a student', () => {
  it('takes a number as a roll number, exactly', () => {
    expect(findStudents(roll.entries, '2').map((e) => e.name)).toEqual(['Kamau Njoroge']);
    expect(findStudents(roll.entries, ' 3 ').map((e) => e.roll_no)).toEqual([3]);
    expect(findStudents(roll.entries, '9')).toEqual([]);
  });

  it('finds by a full admission number', () => {
    expect(findStudents(roll.entries, 'gv-103').map((e) => e.roll_no)).toEqual([3]);
  });

  it('finds by part of a name, any case and without accents', () => {
    expect(findStudents(roll.entries, 'otie').map((e) => e.roll_no)).toEqual([3]);
    expect(findStudents(roll.entries, 'jose nun').map((e) => e.roll_no)).toEqual([4]);
    expect(findStudents(roll.entries, 'kamau').map((e) => e.roll_no)).toEqual([1, 2]);
    expect(findStudents(roll.entries, '   ')).toEqual([]);
  });
});

describe('toggling absent by the find box', () => {
  it('marks the one student found absent, then present again', () => {
    let d = allPresent(draftOf(roll), roll);
    const first = toggleAbsent(d, roll, '3');
    expect(first.kind).toBe('toggled');
    if (first.kind !== 'toggled') return;
    expect(first.absent).toBe(true);
    expect(first.entry.name).toBe('Achieng Otieno');
    d = first.draft;
    expect(d.s3?.code).toBe('A');
    const again = toggleAbsent(d, roll, 'achieng');
    expect(again.kind === 'toggled' && again.draft.s3?.code).toBe('P');
  });

  it('marks a student not marked yet absent', () => {
    const r = toggleAbsent(draftOf(roll), roll, '1');
    expect(r.kind === 'toggled' && r.draft.s1?.code).toBe('A');
  });

  it('changes nothing when several students match, unless one was chosen', () => {
    const d = draftOf(roll);
    const many = toggleAbsent(d, roll, 'kamau');
    expect(many.kind).toBe('many');
    if (many.kind === 'many') expect(many.matches).toHaveLength(2);
    const chosen = toggleAbsent(d, roll, 'kamau', 's2');
    expect(chosen.kind === 'toggled' && chosen.entry.student_id).toBe('s2');
    expect(toggleAbsent(d, roll, 'kamau', 's3').kind).toBe('many');
  });

  it('says when nobody matches', () => {
    expect(toggleAbsent(draftOf(roll), roll, 'zzz')).toEqual({ kind: 'none' });
  });

  it('turns a late or excused student absent (not present)', () => {
    let d = applyCode(draftOf(roll), roll.codes, 's1', 'E');
    d = toggleStudent(d, roll, 's1').draft;
    expect(d.s1?.code).toBe('A');
  });
});

describe('applying a code', () => {
  it('needs minutes for late, from 1 to 720', () => {
    const d = draftOf(roll);
    expect(applyCode(d, roll.codes, 's1', 'L')).toBe(d);
    expect(applyCode(d, roll.codes, 's1', 'L', 0)).toBe(d);
    expect(applyCode(d, roll.codes, 's1', 'L', 721)).toBe(d);
    expect(applyCode(d, roll.codes, 's1', 'l', 12).s1).toEqual({ code: 'L', late_minutes: 12, reason: '' });
  });

  it('drops the minutes when a late student is marked otherwise', () => {
    let d = applyCode(draftOf(roll), roll.codes, 's1', 'L', 12);
    d = applyCode(d, roll.codes, 's1', 'P');
    expect(d.s1).toEqual({ code: 'P', reason: '' });
  });

  it("ignores letters that are not the school's codes", () => {
    const d = draftOf(roll);
    expect(applyCode(d, roll.codes, 's1', 'Z')).toBe(d);
    expect(applyCode(d, roll.codes, 'nobody', 'P')).toBe(d);
  });

  it("accepts the school's own letters", () => {
    const codes = [...BUILTIN_CODES, { letter: 'S', name: 'Sports', kind: 'present' as const, builtin: false, active: true }];
    const r = makeRoll([entry(1, 'A')], codes);
    expect(applyCode(draftOf(r), codes, 's1', 's').s1?.code).toBe('S');
  });

  it('reverts a student to the saved mark', () => {
    const taken = makeRoll([entry(1, 'A', { code: 'P' })]);
    const d = applyCode(draftOf(taken), taken.codes, 's1', 'A');
    expect(changedIds(taken, d)).toEqual(['s1']);
    expect(changedIds(taken, revert(d, taken, 's1'))).toEqual([]);
  });
});

describe('the roll that is saved', () => {
  it('sends only the marks that changed, in roll order, with minutes for late', () => {
    const taken = makeRoll([entry(1, 'A', { code: 'P' }), entry(2, 'B', { code: 'P' }), entry(3, 'C'), entry(4, 'D')]);
    let d = draftOf(taken);
    d = applyCode(d, taken.codes, 's4', 'L', 15);
    d = applyCode(d, taken.codes, 's2', 'A');
    d = applyCode(d, taken.codes, 's1', 'P'); // the same as saved
    const input = rollInput(taken, d);
    expect(input).toEqual({
      class_id: 'c1',
      date: '2026-06-10',
      session: 'day',
      marks: [
        { student_id: 's2', code: 'A' },
        { student_id: 's4', code: 'L', late_minutes: 15 },
      ],
    });
    expect(countMarks(taken, d).changed).toBe(2);
  });

  it('says who took the roll when someone is chosen', () => {
    const taken = makeRoll([entry(1, 'A')]);
    const d = applyCode(draftOf(taken), taken.codes, 's1', 'P');
    expect(rollInput(taken, d, 'staff-1').taken_by).toBe('staff-1');
    expect(rollInput(taken, d)).not.toHaveProperty('taken_by');
  });

  it('a changed late minute count is a change', () => {
    const taken = makeRoll([entry(1, 'A', { code: 'L', late_minutes: 5 })]);
    const d = applyCode(draftOf(taken), taken.codes, 's1', 'L', 6);
    expect(rollInput(taken, d).marks).toEqual([{ student_id: 's1', code: 'L', late_minutes: 6 }]);
  });

  it('ties validation problems to the students they are about', () => {
    const input = { class_id: 'c1', date: 'd', session: 'day', marks: [{ student_id: 's2', code: 'L' }] };
    expect(
      problemsByStudent(input, [
        { field: 'marks[0].late_minutes', message: 'Say how many minutes late' },
        { field: 'date', message: 'Not a school day' },
      ]),
    ).toEqual({ s2: 'Say how many minutes late', '': 'Not a school day' });
  });

  it('says what saving did', () => {
    expect(savedText({ marked: 3, changed: 0, unchanged: 0 })).toBe('Saved: 3 marked, 0 changed');
    expect(savedText({ marked: 0, changed: 1, unchanged: 2 })).toBe('Saved: 0 marked, 1 changed, 2 unchanged');
  });
});

describe('days and minutes', () => {
  it('parses minutes late', () => {
    expect(parseMinutes('12')).toBe(12);
    expect(parseMinutes(' 720 ')).toBe(720);
    expect(parseMinutes('0')).toBeNull();
    expect(parseMinutes('1.5')).toBeNull();
    expect(parseMinutes('abc')).toBeNull();
  });

  it('suggests the minutes since the late cut-off', () => {
    expect(minutesAfter('08:30', '08:42')).toBe(12);
    expect(minutesAfter('08:30', '08:10')).toBeNull();
    expect(minutesAfter('bad', '08:10')).toBeNull();
  });

  it('says why a day takes no register', () => {
    expect(weekday('2026-06-13')).toBe('Saturday');
    expect(closedReason({ kind: 'working' }, '2026-06-10', '2026-06-10')).toBeNull();
    expect(closedReason({ kind: 'weekend' }, '2026-06-13', '2026-06-15')).toMatch(/Saturday is not a school day/);
    expect(closedReason({ kind: 'holiday', name: 'Madaraka Day' }, '2026-06-01', '2026-06-15')).toMatch(/Madaraka Day/);
    expect(closedReason({ kind: 'outside_year' }, '2020-01-01', '2026-06-15')).toMatch(/outside the academic year/);
    expect(closedReason({ kind: 'working' }, '2026-06-11', '2026-06-10')).toMatch(/future/);
  });
});
