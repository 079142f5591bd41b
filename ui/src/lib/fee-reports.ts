// Fee reports (day book, defaulters, collection): amounts shown from integer minor units,
// shares in basis points as percentages, the cash closing in words, defaulters sorted, and
// the collection in a sentence for those who do not read charts. No float touches money.
import { addMinor, formatMinor, formatMoney, signOf, type Minor } from './fees';
import type { ClassCollection, Collection, Defaulter, Term, YearWithTerms } from './ipc/types';

export type { Minor };

/** The currency an amount is shown in. */
export type Currency = { minorUnits: number; symbol: string };

/** Minor units for reading, grouped: 123456789 with 2 digits → "1,234,567.89". */
export function amountText(v: Minor, minorUnits: number): string {
  return formatMinor(v, minorUnits);
}

/** An amount with its currency's symbol: "KSh 1,500.00". */
export function moneyText(v: Minor, cur: Currency): string {
  return formatMoney(v, cur.minorUnits, cur.symbol);
}

function toBig(v: Minor | null | undefined): bigint {
  if (v === null || v === undefined) return 0n;
  return typeof v === 'bigint' ? v : BigInt(Math.trunc(v));
}

/** a - b, exactly. */
export function subtractMinor(a: Minor, b: Minor): bigint {
  return toBig(a) - toBig(b);
}

/**
 * Basis points as a percentage with one decimal, rounded half away from zero:
 * 6470 → "64.7 %", 6465 → "64.7 %", 10000 → "100.0 %"; none (nothing expected) → "—".
 * The space before % does not break.
 */
export function percentText(bp: Minor | null | undefined): string {
  if (bp === null || bp === undefined) return '—';
  const b = toBig(bp);
  const neg = b < 0n;
  const tenths = ((neg ? -b : b) + 5n) / 10n;
  const text = `${tenths / 10n}.${tenths % 10n}`;
  return `${neg && tenths > 0n ? '-' : ''}${text}\u00a0%`;
}

/** How much of a bar to fill for a share in basis points: 0 to 100 (a width, not money). */
export function barWidth(bp: Minor | null | undefined): number {
  if (bp === null || bp === undefined) return 0;
  const b = toBig(bp);
  if (b <= 0n) return 0;
  if (b >= 10000n) return 100;
  return Number(b) / 100;
}

// ---- The cash closing --------------------------------------------------------------------

export type ClosingKind = 'short' | 'over' | 'exact';

/**
 * The closing's difference (counted - expected) in words: "short by 20.00" when less cash was
 * counted than expected, "over by 5.00" when more, "exact" when the same.
 */
export function closingState(difference: Minor, minorUnits: number): { kind: ClosingKind; text: string } {
  const s = signOf(difference);
  if (s === 0) return { kind: 'exact', text: 'exact' };
  const d = toBig(difference);
  const amount = formatMinor(d < 0n ? -d : d, minorUnits);
  return s < 0 ? { kind: 'short', text: `short by ${amount}` } : { kind: 'over', text: `over by ${amount}` };
}

// ---- Defaulters --------------------------------------------------------------------------

export type DefaulterSortKey = 'class' | 'overdue' | 'days';
export type SortDir = 'asc' | 'desc';
export type DefaulterSort = { key: DefaulterSortKey; dir: SortDir };

function byClassThenName(a: Defaulter, b: Defaulter): number {
  return (
    a.class_name.localeCompare(b.class_name, undefined, { numeric: true, sensitivity: 'base' }) ||
    a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) ||
    a.admission_no.localeCompare(b.admission_no)
  );
}

function compareBig(a: Minor, b: Minor): number {
  const x = toBig(a);
  const y = toBig(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Defaulters in the order asked for: by class (then name), by the amount overdue, or by days
 * overdue. Ties fall back to class then name, so the list never shuffles. A new array.
 */
export function sortDefaulters(rows: readonly Defaulter[], key: DefaulterSortKey, dir: SortDir): Defaulter[] {
  const sign = dir === 'asc' ? 1 : -1;
  const primary = (a: Defaulter, b: Defaulter): number => {
    if (key === 'overdue') return compareBig(a.overdue, b.overdue);
    if (key === 'days') return a.days_overdue - b.days_overdue;
    return byClassThenName(a, b);
  };
  return [...rows].sort((a, b) => sign * primary(a, b) || byClassThenName(a, b));
}

/** A click on a column: the same column turns round; a new one starts with the most owed (or A–Z for class). */
export function nextDefaulterSort(current: DefaulterSort, key: DefaulterSortKey): DefaulterSort {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: key === 'class' ? 'asc' : 'desc' };
}

/** The totals under the defaulters' table. */
export function defaulterTotals(rows: readonly Defaulter[]): { students: number; overdue: bigint; totalDue: bigint } {
  return {
    students: rows.length,
    overdue: addMinor(...rows.map((r) => r.overdue)),
    totalDue: addMinor(...rows.map((r) => r.total_due)),
  };
}

// ---- Collection --------------------------------------------------------------------------

/** What is still to come in for a class (expected less collected; negative when overpaid). */
export function outstandingOf(row: Pick<ClassCollection, 'expected' | 'collected'>): bigint {
  return subtractMinor(row.expected, row.collected);
}

/** An axis label: whole units, grouped, without a zero fraction ("15,000", "2,500.50"). */
export function axisAmount(minor: number, minorUnits: number): string {
  if (!Number.isFinite(minor)) return '';
  const text = formatMinor(Math.round(minor), minorUnits);
  return text.replace(/\.0+$/, '');
}

/** A count for the chart to draw (charts take numbers; nothing is added or divided here). */
export function chartNumber(v: Minor): number {
  return Number(v);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The chart in a sentence or two, for screen readers and for reading instead of looking. */
export function collectionSummary(c: Collection): string {
  const cur: Currency = { minorUnits: c.minor_units, symbol: c.currency_symbol };
  if (c.classes.length === 0) return `Nothing was charged for ${c.term_name} yet.`;
  const t = c.total;
  const head =
    `${c.term_name}: ${moneyText(t.collected, cur)} collected of ${moneyText(t.expected, cur)} expected` +
    (t.percent_bp === undefined || t.percent_bp === null ? '.' : ` (${percentText(t.percent_bp)}).`);
  const rated = c.classes.filter((r) => r.percent_bp !== undefined && r.percent_bp !== null);
  if (rated.length < 2) {
    const left = outstandingOf(t);
    return left > 0n ? `${head} ${moneyText(left, cur)} still to collect.` : head;
  }
  const sorted = [...rated].sort((a, b) => compareBig(b.percent_bp as Minor, a.percent_bp as Minor));
  const best = sorted[0] as ClassCollection;
  const worst = sorted[sorted.length - 1] as ClassCollection;
  const full = rated.filter((r) => toBig(r.percent_bp) >= 10000n).length;
  const parts = [
    `Highest: ${best.class_name} ${percentText(best.percent_bp)}.`,
    `Lowest: ${worst.class_name} ${percentText(worst.percent_bp)}.`,
  ];
  if (full > 0) parts.push(`${plural(full, 'class', 'classes')} fully paid.`);
  return `${head} ${parts.join(' ')}`;
}

/** Terms to choose from, newest year first, each year's terms in date order. */
export function termGroups(years: readonly YearWithTerms[]): { year: string; terms: Term[] }[] {
  return [...years]
    .sort((a, b) => b.year.start_date.localeCompare(a.year.start_date))
    .filter((y) => y.terms.length > 0)
    .map((y) => ({ year: y.year.name, terms: [...y.terms].sort((a, b) => a.start_date.localeCompare(b.start_date)) }));
}

/**
 * The term to show first: the one today falls in, else the current year's latest term that
 * has begun, else its first term, else any term.
 */
export function startTerm(years: readonly YearWithTerms[], today: string): string {
  const all = years.flatMap((y) => y.terms);
  const now = all.find((t) => t.start_date <= today && today <= t.end_date);
  if (now) return now.id;
  const current = years.find((y) => y.year.is_current) ?? latestYear(years);
  if (current) {
    const terms = [...current.terms].sort((a, b) => a.start_date.localeCompare(b.start_date));
    const begun = terms.filter((t) => t.start_date <= today);
    const pick = begun[begun.length - 1] ?? terms[0];
    if (pick) return pick.id;
  }
  return all[0]?.id ?? '';
}

function latestYear(years: readonly YearWithTerms[]): YearWithTerms | undefined {
  return [...years].sort((a, b) => b.year.start_date.localeCompare(a.year.start_date))[0];
}
