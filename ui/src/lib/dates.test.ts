import { describe, expect, it } from 'vitest';
import { addDays, addMonths, formatDate, formatLong, formatRange, localIso, parseIso } from './dates';

describe('formatDate', () => {
  it('writes day first for DMY schools', () => {
    expect(formatDate('2026-12-25', 'DMY')).toBe('25/12/2026');
    expect(formatDate('2026-04-01', 'DMY')).toBe('01/04/2026');
  });

  it('writes month first for MDY schools', () => {
    expect(formatDate('2026-12-25', 'MDY')).toBe('12/25/2026');
    expect(formatDate('2026-04-01', 'MDY')).toBe('04/01/2026');
  });

  it('shows nothing for a missing date', () => {
    expect(formatDate(null, 'DMY')).toBe('');
    expect(formatDate(undefined, 'MDY')).toBe('');
    expect(formatDate('', 'DMY')).toBe('');
  });

  it('leaves text that is not an ISO date unchanged rather than inventing one', () => {
    expect(formatDate('2026-02-30', 'DMY')).toBe('2026-02-30');
    expect(formatDate('25/12/2026', 'MDY')).toBe('25/12/2026');
  });

  it('formats ranges with both ends in the same order', () => {
    expect(formatRange('2026-04-01', '2027-03-31', 'MDY')).toBe('04/01/2026 – 03/31/2027');
  });
});

describe('formatLong', () => {
  it('spells the month out in the school order', () => {
    expect(formatLong('2026-03-04', 'DMY')).toBe('4 March 2026');
    expect(formatLong('2026-03-04', 'MDY')).toBe('March 4, 2026');
  });

  it('gives nothing for a missing or impossible date', () => {
    expect(formatLong('', 'DMY')).toBe('');
    expect(formatLong('2026-02-31', 'MDY')).toBe('');
  });
});

describe('date arithmetic', () => {
  it('parses only real calendar dates', () => {
    expect(parseIso('2028-02-29')).toEqual({ y: 2028, m: 2, d: 29 });
    expect(parseIso('2027-02-29')).toBeNull();
    expect(parseIso('2027-13-01')).toBeNull();
  });

  it('adds days across month and year ends', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2027-04-01', -1)).toBe('2027-03-31');
  });

  it('adds months, clamping the day to the month length', () => {
    expect(addMonths('2026-04-01', 6)).toBe('2026-10-01');
    expect(addMonths('2027-01-31', 1)).toBe('2027-02-28');
    expect(addMonths('2026-11-15', 3)).toBe('2027-02-15');
  });

  it('takes the local calendar date, not the UTC one', () => {
    expect(localIso(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });
});
