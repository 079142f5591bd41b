// Defaults and input building for the first-run setup screen.
import { addDays, addMonths, localIso, toIso } from './dates';
import { dropBlank, type FieldErrors } from './errors';
import { newPinProblems } from './users';
import type { CountryDefaults, DateOrder, SetupInput, TermInput, YearInput } from './ipc/types';

/** The month an academic year starts in by default (April, as in India). */
export const YEAR_START_MONTH = 4;

/** "2026-27" for a year that starts in 2026. */
export function yearName(startYear: number): string {
  return `${startYear}-${String((startYear + 1) % 100).padStart(2, '0')}`;
}

/**
 * The academic year `today` falls in: April 1 to March 31. In January to March that is the
 * year that started last April (on 2027-02-10 the current year is 2026-27).
 */
export function defaultYear(today: Date): YearInput {
  const y = today.getMonth() + 1 >= YEAR_START_MONTH ? today.getFullYear() : today.getFullYear() - 1;
  const start_date = toIso({ y, m: YEAR_START_MONTH, d: 1 });
  return { name: yearName(y), start_date, end_date: addDays(addMonths(start_date, 12), -1) };
}

/** A first term: from the year's start for six months (April 1 → September 30). */
export function defaultTerm(year: YearInput, name = 'Term 1'): TermInput {
  const end = addDays(addMonths(year.start_date, 6), -1);
  return { name, start_date: year.start_date, end_date: end < year.end_date ? end : year.end_date };
}

/** The next term to offer after `prev`: from the day after it to the end of the year. */
export function nextTerm(prev: TermInput | undefined, year: YearInput, count: number): TermInput {
  const name = `Term ${count + 1}`;
  const start_date = prev?.end_date ? addDays(prev.end_date, 1) : '';
  if (!start_date || start_date > year.end_date) return { name, start_date: '', end_date: '' };
  return { name, start_date, end_date: year.end_date };
}

/** The year after one that ends on `end_date`: same length, named from its start. */
export function followingYear(end_date: string): YearInput {
  const start_date = addDays(end_date, 1);
  return {
    name: yearName(Number(start_date.slice(0, 4))),
    start_date,
    end_date: addDays(addMonths(start_date, 12), -1),
  };
}

export function currentTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone ?? '';
  } catch {
    return '';
  }
}

/** The school profile's fields as a form holds them. */
export type SchoolValues = {
  name: string;
  address: string;
  country: string;
  currency: string;
  date_order: DateOrder;
  time_zone: string;
  phone_country: string;
};

/** What the setup screen holds. */
export type SetupForm = SchoolValues & { year: YearInput; terms: TermInput[] };

export function initialSetup(today: Date, timeZone: string): SetupForm {
  const year = defaultYear(today);
  return {
    name: '',
    address: '',
    country: 'IN',
    currency: 'INR',
    date_order: 'DMY',
    time_zone: timeZone,
    phone_country: 'IN',
    year,
    terms: [defaultTerm(year)],
  };
}

export type Edited = { currency: boolean; date_order: boolean; phone_country: boolean };

/** Country defaults applied to the fields the person has not changed themselves. */
export function applyCountryDefaults<T extends Pick<SchoolValues, 'currency' | 'date_order' | 'phone_country'>>(
  form: T,
  d: CountryDefaults,
  edited: Edited,
): T {
  return {
    ...form,
    currency: edited.currency ? form.currency : (d.currency ?? ''),
    date_order: edited.date_order ? form.date_order : d.date_order,
    phone_country: edited.phone_country ? form.phone_country : d.phone_country,
  };
}

const blank = (s: string) => s.trim() === '';

/** The SetupInput to send, with blank term rows dropped and, for each term sent, its row. */
export function buildSetupInput(form: SetupForm): { input: SetupInput; termRows: number[] } {
  const { kept, sentToShown } = dropBlank(form.terms, (t) => blank(t.name) && blank(t.start_date) && blank(t.end_date));
  const y = form.year;
  const noYear = blank(y.name) && blank(y.start_date) && blank(y.end_date);
  const input: SetupInput = {
    school: {
      name: form.name.trim(),
      address: form.address.trim(),
      country: form.country,
      date_order: form.date_order,
    },
    terms: kept.map((t) => ({ name: t.name.trim(), start_date: t.start_date, end_date: t.end_date })),
  };
  const currency = form.currency.trim().toUpperCase();
  if (currency) input.school.currency = currency;
  if (!blank(form.time_zone)) input.school.time_zone = form.time_zone.trim();
  if (!blank(form.phone_country)) input.school.phone_country = form.phone_country;
  if (!noYear) input.year = { name: y.name.trim(), start_date: y.start_date, end_date: y.end_date };
  return { input, termRows: sentToShown };
}

export function todayIso(): string {
  return localIso(new Date());
}

/** The administrator's fields on the setup screen. */
export type AdminForm = { name: string; pin: string; again: string };

/** What is wrong with the administrator's fields, by field (`name`, `pin`, `again`). */
export function adminProblems(admin: AdminForm): FieldErrors {
  const out: FieldErrors = {};
  if (!admin.name.trim()) out['name'] = 'Your name is required: it is how Rollbook names who did what.';
  return { ...out, ...newPinProblems(admin.pin, admin.again) };
}
