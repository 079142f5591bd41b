import { describe, expect, it } from 'vitest';
import {
  adminProblems,
  applyCountryDefaults,
  buildSetupInput,
  defaultTerm,
  defaultYear,
  followingYear,
  initialSetup,
  nextTerm,
  yearName,
} from './setup';

describe('setup defaults', () => {
  it('names a year from its start', () => {
    expect(yearName(2026)).toBe('2026-27');
    expect(yearName(2099)).toBe('2099-00');
  });

  it('prefills April 1 to March 31 of the year that has started', () => {
    expect(defaultYear(new Date(2026, 10, 22))).toEqual({
      name: '2026-27',
      start_date: '2026-04-01',
      end_date: '2027-03-31',
    });
    expect(defaultYear(new Date(2026, 3, 1))).toEqual({
      name: '2026-27',
      start_date: '2026-04-01',
      end_date: '2027-03-31',
    });
  });

  it('in January to March uses the year that started last April', () => {
    expect(defaultYear(new Date(2027, 1, 10))).toEqual({
      name: '2026-27',
      start_date: '2026-04-01',
      end_date: '2027-03-31',
    });
  });

  it('handles a leap year end', () => {
    expect(defaultYear(new Date(2027, 5, 1)).end_date).toBe('2028-03-31');
  });

  it('makes Term 1 the first six months of the year', () => {
    expect(defaultTerm(defaultYear(new Date(2026, 10, 22)))).toEqual({
      name: 'Term 1',
      start_date: '2026-04-01',
      end_date: '2026-09-30',
    });
  });

  it('starts a new term the day after the last one', () => {
    const year = defaultYear(new Date(2026, 10, 22));
    expect(nextTerm(defaultTerm(year), year, 1)).toEqual({
      name: 'Term 2',
      start_date: '2026-10-01',
      end_date: '2027-03-31',
    });
    expect(nextTerm(undefined, year, 0)).toEqual({ name: 'Term 1', start_date: '', end_date: '' });
    // The year is already covered: no dates are guessed past its end.
    const last = { name: 'Term 2', start_date: '2026-10-01', end_date: '2027-03-31' };
    expect(nextTerm(last, year, 2)).toEqual({ name: 'Term 3', start_date: '', end_date: '' });
  });

  it('offers the year after the latest one', () => {
    expect(followingYear('2027-03-31')).toEqual({ name: '2027-28', start_date: '2027-04-01', end_date: '2028-03-31' });
  });

  it('starts with India, rupees and day-first dates', () => {
    const f = initialSetup(new Date(2026, 10, 22), 'Asia/Kolkata');
    expect(f).toMatchObject({ country: 'IN', currency: 'INR', date_order: 'DMY', phone_country: 'IN', time_zone: 'Asia/Kolkata' });
    expect(f.terms).toHaveLength(1);
  });
});

describe('country defaults', () => {
  const form = initialSetup(new Date(2026, 10, 22), 'UTC');
  const us = { country: 'US', currency: 'USD', date_order: 'MDY' as const, phone_country: 'US' };

  it('fill the fields nobody edited', () => {
    const f = applyCountryDefaults({ ...form, country: 'US' }, us, { currency: false, date_order: false, phone_country: false });
    expect(f).toMatchObject({ country: 'US', currency: 'USD', date_order: 'MDY', phone_country: 'US' });
  });

  it('leave fields the person changed alone', () => {
    const f = applyCountryDefaults({ ...form, currency: 'EUR' }, us, { currency: true, date_order: false, phone_country: true });
    expect(f).toMatchObject({ currency: 'EUR', date_order: 'MDY', phone_country: 'IN' });
  });
});

describe('buildSetupInput', () => {
  it('trims, upper-cases the currency and drops blank term rows', () => {
    const form = initialSetup(new Date(2026, 10, 22), 'Asia/Kolkata');
    form.name = '  Green Valley School ';
    form.currency = 'inr';
    form.terms = [{ name: '', start_date: '', end_date: '' }, ...form.terms];
    const { input, termRows } = buildSetupInput(form);
    expect(input).toEqual({
      school: {
        name: 'Green Valley School',
        address: '',
        country: 'IN',
        currency: 'INR',
        date_order: 'DMY',
        time_zone: 'Asia/Kolkata',
        phone_country: 'IN',
      },
      year: { name: '2026-27', start_date: '2026-04-01', end_date: '2027-03-31' },
      terms: [{ name: 'Term 1', start_date: '2026-04-01', end_date: '2026-09-30' }],
    });
    expect(termRows).toEqual([1]);
  });

  it('leaves the year out when its fields are all blank', () => {
    const form = initialSetup(new Date(2026, 10, 22), '');
    form.year = { name: '', start_date: '', end_date: '' };
    form.terms = [];
    form.currency = '';
    const { input } = buildSetupInput(form);
    expect(input.year).toBeUndefined();
    expect(input.school.currency).toBeUndefined();
    expect(input.school.time_zone).toBeUndefined();
  });
});

describe('the administrator step', () => {
  it('needs a name and the same good PIN twice', () => {
    expect(adminProblems({ name: 'Mrs. Iyer', pin: '4829', again: '4829' })).toEqual({});
    expect(adminProblems({ name: 'Mrs. Iyer', pin: 'a long passphrase', again: 'a long passphrase' })).toEqual({});
    expect(Object.keys(adminProblems({ name: '  ', pin: '4829', again: '4829' }))).toEqual(['name']);
    expect(Object.keys(adminProblems({ name: 'Mrs. Iyer', pin: '48', again: '48' }))).toEqual(['pin']);
    expect(Object.keys(adminProblems({ name: 'Mrs. Iyer', pin: '4829', again: '4892' }))).toEqual(['again']);
    expect(Object.keys(adminProblems({ name: '', pin: '', again: '' })).sort()).toEqual(['name', 'pin']);
  });
});
