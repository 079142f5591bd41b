import { describe, expect, it } from 'vitest';
import {
  addTally,
  arrivalState,
  chartSummary,
  clockTime,
  dailySeries,
  dayTitle,
  daysText,
  formatPercent,
  holidayLength,
  isBelow,
  isoWeekday,
  monthOf,
  monthRange,
  monthTitle,
  monthValue,
  newCodeProblems,
  nextSort,
  normalizeDays,
  normalizeTime,
  parseMonth,
  periodsToSend,
  sameDays,
  settingsProblems,
  shiftMonth,
  sortStudents,
  tallyPercentage,
  wholeNumber,
} from './attendance-report';
import type { Code, DayAttendance, StudentPercentage, Tally } from './ipc/types';

const tally = (present: number, absent = 0, late = 0, excused = 0, half_day = 0): Tally => {
  const t: Tally = { present, absent, late, excused, half_day, marked: present + absent + late + excused + half_day };
  const p = tallyPercentage(t);
  if (p !== undefined) t.percentage = p;
  return t;
};

const empty: Tally = { present: 0, absent: 0, late: 0, excused: 0, half_day: 0, marked: 0 };

describe('months', () => {
  it('gives the local month of a date as the month input writes it', () => {
    expect(monthOf(new Date(2026, 0, 31))).toBe('2026-01');
    expect(monthOf(new Date(2026, 11, 1))).toBe('2026-12');
  });

  it('reads the month input value and what people type in a plain text box', () => {
    expect(parseMonth('2026-05')).toEqual({ y: 2026, m: 5 });
    expect(parseMonth(' 2026-5 ')).toEqual({ y: 2026, m: 5 });
    expect(parseMonth('05/2026')).toEqual({ y: 2026, m: 5 });
    expect(parseMonth('11.2025')).toEqual({ y: 2025, m: 11 });
  });

  it('refuses what is not a month', () => {
    expect(parseMonth('')).toBeNull();
    expect(parseMonth(null)).toBeNull();
    expect(parseMonth('2026-13')).toBeNull();
    expect(parseMonth('2026-00')).toBeNull();
    expect(parseMonth('May 2026')).toBeNull();
    expect(parseMonth('2026-05-01')).toBeNull();
  });

  it('spans the whole month, leap years included', () => {
    expect(monthRange({ y: 2026, m: 5 })).toEqual({ from: '2026-05-01', to: '2026-05-31' });
    expect(monthRange({ y: 2028, m: 2 })).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(monthRange({ y: 2026, m: 2 })).toEqual({ from: '2026-02-01', to: '2026-02-28' });
  });

  it('steps across year ends', () => {
    expect(shiftMonth({ y: 2026, m: 12 }, 1)).toEqual({ y: 2027, m: 1 });
    expect(shiftMonth({ y: 2026, m: 1 }, -1)).toEqual({ y: 2025, m: 12 });
    expect(shiftMonth({ y: 2026, m: 5 }, -17)).toEqual({ y: 2024, m: 12 });
  });

  it('names months for headings and writes them back for the input', () => {
    expect(monthTitle({ y: 2026, m: 5 })).toBe('May 2026');
    expect(monthValue({ y: 2026, m: 5 })).toBe('2026-05');
  });
});

describe('formatPercent', () => {
  it('shows one decimal, none for whole numbers', () => {
    expect(formatPercent(93.5)).toBe('93.5%');
    expect(formatPercent(100)).toBe('100%');
    expect(formatPercent(0)).toBe('0%');
    expect(formatPercent(66.66)).toBe('66.7%');
    expect(formatPercent(89.96)).toBe('90%');
  });

  it('shows a dash when nothing was marked', () => {
    expect(formatPercent(undefined)).toBe('—');
    expect(formatPercent(null)).toBe('—');
    expect(formatPercent(Number.NaN)).toBe('—');
  });

  it('tells who is under the threshold, not those with nothing marked', () => {
    expect(isBelow(79.9, 80)).toBe(true);
    expect(isBelow(80, 80)).toBe(false);
    expect(isBelow(undefined, 80)).toBe(false);
  });
});

describe('tallies', () => {
  it('counts late as attended and a half day as half', () => {
    expect(tallyPercentage(tally(6, 2, 1, 0, 1))).toBe(75);
    expect(tallyPercentage(tally(2, 1))).toBe(66.7);
    expect(tallyPercentage(empty)).toBeUndefined();
  });

  it('adds tallies and recomputes the percentage', () => {
    const sum = addTally(addTally(null, tally(3, 1)), tally(1, 0, 0, 0, 2));
    expect(sum).toMatchObject({ present: 4, absent: 1, half_day: 2, marked: 7, percentage: 71.4 });
    expect(addTally(null, empty).percentage).toBeUndefined();
  });
});

const day = (date: string, kind: DayAttendance['day'], t: Tally = empty): DayAttendance => ({ date, day: kind, tally: t });

// 2026-06-01 is a Monday.
const june: DayAttendance[] = [
  day('2026-06-01', { kind: 'working' }, tally(9, 1)),
  day('2026-06-02', { kind: 'working' }, tally(7, 3)),
  day('2026-06-03', { kind: 'holiday', name: 'Madaraka Day' }),
  day('2026-06-04', { kind: 'working' }),
  day('2026-06-05', { kind: 'working' }, tally(10)),
  day('2026-06-06', { kind: 'weekend' }),
  day('2026-06-07', { kind: 'weekend' }),
];

describe('dailySeries', () => {
  it('has a point per day, with gaps on closed and unmarked days', () => {
    const s = dailySeries(june);
    expect(s.labels).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(s.values).toEqual([90, 70, null, null, 100, null, null]);
    expect(s.working).toEqual([true, true, false, true, true, false, false]);
    expect(s.notes).toEqual(['', '', 'Holiday: Madaraka Day', 'Not marked', '', 'Not a school day', 'Not a school day']);
  });

  it('ignores marks on a day that is no longer a school day', () => {
    const s = dailySeries([day('2026-06-03', { kind: 'holiday', name: 'Closure' }, tally(5))]);
    expect(s.values).toEqual([null]);
  });
});

describe('chartSummary', () => {
  it('gives the average, the lowest and highest day, and unmarked days', () => {
    expect(chartSummary(june, 'DMY')).toBe(
      '86.7% attendance over 3 marked school days. Lowest 70% on Tuesday 02/06/2026; highest 100% on Friday 05/06/2026. 1 school day not marked.',
    );
  });

  it('does not count days after today as unmarked', () => {
    expect(chartSummary(june, 'DMY', '2026-06-02')).not.toMatch(/not marked/);
  });

  it('says so when nothing is marked or there is no school', () => {
    expect(chartSummary([day('2026-06-06', { kind: 'weekend' })], 'DMY')).toBe('No school days in this month.');
    expect(chartSummary([day('2026-06-04', { kind: 'working' })], 'MDY')).toBe('No attendance marked on the one school day.');
    const unmarkedJune = june.map((d) => ({ ...d, tally: empty }));
    expect(chartSummary(unmarkedJune, 'DMY', '2026-06-02')).toBe('No attendance marked on any of the 2 school days so far.');
    expect(chartSummary(unmarkedJune, 'DMY', '2026-05-31')).toBe('No school days so far this month.');
  });

  it('names days in the school date order', () => {
    expect(isoWeekday('2026-06-01')).toBe(1);
    expect(isoWeekday('2026-06-07')).toBe(7);
    expect(dayTitle('2026-06-05', 'MDY')).toBe('Friday 06/05/2026');
  });
});

const student = (roll_no: number, name: string, t: Tally): StudentPercentage => ({
  roll_no,
  student_id: `id-${roll_no}`,
  admission_no: `GV-${roll_no}`,
  name,
  tally: t,
});

describe('sortStudents', () => {
  const rows = [
    student(1, 'Achieng Otieno', tally(9, 1)),
    student(2, 'brian Mwangi', empty),
    student(3, 'Chebet Kip', tally(5, 5)),
    student(4, 'David Ouma', tally(9, 1)),
  ];

  it('sorts by percentage either way, ties by roll number, unmarked last', () => {
    expect(sortStudents(rows, 'percentage', 'asc').map((r) => r.roll_no)).toEqual([3, 1, 4, 2]);
    expect(sortStudents(rows, 'percentage', 'desc').map((r) => r.roll_no)).toEqual([1, 4, 3, 2]);
  });

  it('sorts by name ignoring case, and by roll number', () => {
    expect(sortStudents(rows, 'name', 'asc').map((r) => r.roll_no)).toEqual([1, 2, 3, 4]);
    expect(sortStudents(rows, 'roll', 'desc').map((r) => r.roll_no)).toEqual([4, 3, 2, 1]);
  });

  it('leaves the input as it was', () => {
    sortStudents(rows, 'percentage', 'asc');
    expect(rows.map((r) => r.roll_no)).toEqual([1, 2, 3, 4]);
  });

  it('flips the direction on the same column and starts ascending on another', () => {
    expect(nextSort({ key: 'roll', dir: 'asc' }, 'roll')).toEqual({ key: 'roll', dir: 'desc' });
    expect(nextSort({ key: 'roll', dir: 'desc' }, 'percentage')).toEqual({ key: 'percentage', dir: 'asc' });
  });
});

describe('settings checks', () => {
  const ok = { session_mode: 'daily' as const, periods: '8', late_after: '08:30', chronic_threshold: '90' };

  it('accepts sensible settings', () => {
    expect(settingsProblems(ok)).toEqual({});
    expect(settingsProblems({ ...ok, chronic_threshold: 75, periods: 6 })).toEqual({});
  });

  it('names the fields that cannot be sent', () => {
    const p = settingsProblems({ session_mode: 'periods', periods: '0', late_after: '8.75', chronic_threshold: '' });
    expect(Object.keys(p).sort()).toEqual(['chronic_threshold', 'late_after', 'periods']);
    expect(settingsProblems({ ...ok, chronic_threshold: '101' })).toHaveProperty('chronic_threshold');
    expect(settingsProblems({ ...ok, chronic_threshold: '85.5' })).toHaveProperty('chronic_threshold');
  });

  it('does not mind the periods count unless the school uses periods', () => {
    expect(settingsProblems({ ...ok, periods: '' })).toEqual({});
    expect(settingsProblems({ ...ok, session_mode: 'periods', periods: '13' })).toHaveProperty('periods');
    expect(periodsToSend({ ...ok, periods: '' }, 8)).toBe(8);
    expect(periodsToSend({ ...ok, periods: '6' }, 8)).toBe(6);
    expect(periodsToSend({ ...ok, periods: '' }, 0)).toBe(1);
  });

  it('reads whole numbers only', () => {
    expect(wholeNumber('12')).toBe(12);
    expect(wholeNumber(7)).toBe(7);
    expect(wholeNumber(' 3 ')).toBe(3);
    expect(wholeNumber('-1')).toBeNull();
    expect(wholeNumber('1e2')).toBeNull();
    expect(wholeNumber(2.5)).toBeNull();
    expect(wholeNumber(undefined)).toBeNull();
  });

  it('tidies times of day', () => {
    expect(normalizeTime('8:30')).toBe('08:30');
    expect(normalizeTime('0830')).toBe('08:30');
    expect(normalizeTime('07.45')).toBe('07:45');
    expect(normalizeTime('24:00')).toBeNull();
    expect(normalizeTime('8:60')).toBeNull();
    expect(normalizeTime('half past eight')).toBeNull();
  });
});

describe('newCodeProblems', () => {
  const codes: Code[] = [
    { letter: 'P', name: 'Present', kind: 'present', builtin: true, active: true },
    { letter: 'S', name: 'Sick', kind: 'excused', builtin: false, active: false },
  ];

  it('accepts a new single letter or digit with a name', () => {
    expect(newCodeProblems('t', 'Trip', codes)).toEqual({});
    expect(newCodeProblems('9', 'Ninth', codes)).toEqual({});
  });

  it('refuses a letter already in use, even a code that is turned off', () => {
    expect(newCodeProblems('p', 'Present again', codes)['letter']).toMatch(/already "Present"/);
    expect(newCodeProblems('S', 'Sick leave', codes)['letter']).toMatch(/already "Sick"/);
  });

  it('wants one letter and a name', () => {
    expect(newCodeProblems('', '', codes)).toHaveProperty('letter');
    expect(newCodeProblems('', '', codes)).toHaveProperty('name');
    expect(newCodeProblems('ST', 'Study', codes)['letter']).toMatch(/single letter/);
    expect(newCodeProblems('-', 'Dash', codes)['letter']).toMatch(/single letter/);
  });
});

describe('calendar helpers', () => {
  it('keeps days 1..7, sorted, once each', () => {
    expect(normalizeDays([5, 1, 3, 1, 9, 0])).toEqual([1, 3, 5]);
    expect(sameDays([1, 2, 3, 4, 5], [5, 4, 3, 2, 1])).toBe(true);
    expect(sameDays([1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 6])).toBe(false);
  });

  it('describes the school week briefly', () => {
    expect(daysText([1, 2, 3, 4, 5])).toBe('Mon–Fri');
    expect(daysText([1, 2, 3, 4, 5, 6])).toBe('Mon–Sat');
    expect(daysText([1, 2, 3, 4, 5, 6, 7])).toBe('Every day');
    expect(daysText([1, 3, 5])).toBe('Mon, Wed, Fri');
    expect(daysText([1, 2, 4, 5, 6])).toBe('Mon, Tue, Thu–Sat');
    expect(daysText([])).toBe('No school days');
  });

  it('counts both ends of a holiday', () => {
    expect(holidayLength('2026-06-03', '2026-06-03')).toBe(1);
    expect(holidayLength('2026-06-03', '')).toBe(1);
    expect(holidayLength('2026-12-20', '2027-01-02')).toBe(14);
  });
});

describe('staff arrivals', () => {
  const at = '2026-06-01T05:07:00Z';

  it('shows the time in the school zone', () => {
    expect(clockTime(at, 'Africa/Nairobi')).toBe('08:07');
    expect(clockTime(at, 'UTC')).toBe('05:07');
    expect(clockTime('not a time', 'UTC')).toBe('');
  });

  it('says whether someone is in, late or not in yet', () => {
    const base = { staff_id: 's', name: 'Ms. Achieng', role: 'Teacher' };
    expect(arrivalState({ ...base, code: 'P', checked_in_at: at }, true, 'UTC')).toEqual({ state: 'in', text: 'In at 05:07' });
    expect(arrivalState({ ...base, code: 'L', late_minutes: 12, checked_in_at: at }, true, 'UTC')).toEqual({
      state: 'late',
      text: 'Late at 05:07 (12 min)',
    });
    expect(arrivalState({ ...base }, true)).toEqual({ state: 'out', text: 'Not in yet' });
    expect(arrivalState(undefined, true).state).toBe('out');
    expect(arrivalState(undefined, false).state).toBe('inactive');
  });
});
