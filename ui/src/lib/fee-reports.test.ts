import { describe, expect, it } from 'vitest';
import type { ClassCollection, Collection, Defaulter, YearWithTerms } from './ipc/types';
import {
  amountText,
  axisAmount,
  barWidth,
  closingState,
  collectionSummary,
  defaulterTotals,
  moneyText,
  nextDefaulterSort,
  outstandingOf,
  percentText,
  sortDefaulters,
  startTerm,
  termGroups,
} from './fee-reports';

const NBSP = '\u00a0';

describe('amountText', () => {
  it('groups thousands and places the decimals from the minor units', () => {
    expect(amountText(123456789, 2)).toBe('1,234,567.89');
    expect(amountText(150000, 2)).toBe('1,500.00');
    expect(amountText(5, 2)).toBe('0.05');
    expect(amountText(0, 2)).toBe('0.00');
    expect(amountText(-2000, 2)).toBe('-20.00');
  });

  it('follows currencies with no or three minor digits', () => {
    expect(amountText(2500, 0)).toBe('2,500');
    expect(amountText(1234567, 3)).toBe('1,234.567');
  });

  it('is exact beyond what a float holds', () => {
    expect(amountText(123456789012345678901n, 2)).toBe('1,234,567,890,123,456,789.01');
  });

  it('puts the symbol before the amount, the sign before the symbol', () => {
    const kes = { minorUnits: 2, symbol: 'KSh' };
    expect(moneyText(125050, kes)).toBe(`KSh${NBSP}1,250.50`);
    expect(moneyText(-2000, kes)).toBe(`-KSh${NBSP}20.00`);
    expect(moneyText(2000, { minorUnits: 2, symbol: '' })).toBe('20.00');
  });
});

describe('percentText', () => {
  it('shows basis points as a percentage with one decimal', () => {
    expect(percentText(6470)).toBe(`64.7${NBSP}%`);
    expect(percentText(10000)).toBe(`100.0${NBSP}%`);
    expect(percentText(0)).toBe(`0.0${NBSP}%`);
    expect(percentText(3333)).toBe(`33.3${NBSP}%`);
    expect(percentText(12500)).toBe(`125.0${NBSP}%`);
  });

  it('rounds half away from zero', () => {
    expect(percentText(6465)).toBe(`64.7${NBSP}%`);
    expect(percentText(6464)).toBe(`64.6${NBSP}%`);
    expect(percentText(5)).toBe(`0.1${NBSP}%`);
    expect(percentText(4)).toBe(`0.0${NBSP}%`);
    expect(percentText(-250)).toBe(`-2.5${NBSP}%`);
    expect(percentText(-4)).toBe(`0.0${NBSP}%`);
  });

  it('shows a dash when nothing was expected', () => {
    expect(percentText(undefined)).toBe('—');
    expect(percentText(null)).toBe('—');
  });

  it('fills a bar from 0 to 100, never beyond', () => {
    expect(barWidth(6470)).toBe(64.7);
    expect(barWidth(12000)).toBe(100);
    expect(barWidth(-10)).toBe(0);
    expect(barWidth(undefined)).toBe(0);
  });
});

describe('closingState', () => {
  it('says short when less cash was counted than expected', () => {
    expect(closingState(-2000, 2)).toEqual({ kind: 'short', text: 'short by 20.00' });
    expect(closingState(-123456, 2)).toEqual({ kind: 'short', text: 'short by 1,234.56' });
  });

  it('says over when more was counted', () => {
    expect(closingState(550, 2)).toEqual({ kind: 'over', text: 'over by 5.50' });
    expect(closingState(300, 0)).toEqual({ kind: 'over', text: 'over by 300' });
  });

  it('says exact when the drawer matches', () => {
    expect(closingState(0, 2)).toEqual({ kind: 'exact', text: 'exact' });
    expect(closingState(0n, 2)).toEqual({ kind: 'exact', text: 'exact' });
  });
});

function defaulter(name: string, className: string, overdue: number, days: number, totalDue = overdue): Defaulter {
  return {
    student_id: `id-${name}`,
    admission_no: `A-${name}`,
    name,
    class_name: className,
    overdue: BigInt(overdue),
    total_due: BigInt(totalDue),
    days_overdue: days,
    oldest_due: '2026-01-15',
  };
}

describe('sortDefaulters', () => {
  const rows = [
    defaulter('Zawadi', 'Grade 5 B', 50000, 10),
    defaulter('Amani', 'Grade 10 A', 150000, 3),
    defaulter('Baraka', 'Grade 5 B', 150000, 40),
    defaulter('Chebet', 'Grade 2 A', 20000, 40),
  ];
  const names = (list: Defaulter[]) => list.map((d) => d.name);

  it('sorts by class (as people count: 2, 5, 10) then name', () => {
    expect(names(sortDefaulters(rows, 'class', 'asc'))).toEqual(['Chebet', 'Baraka', 'Zawadi', 'Amani']);
    expect(names(sortDefaulters(rows, 'class', 'desc'))).toEqual(['Amani', 'Zawadi', 'Baraka', 'Chebet']);
  });

  it('sorts by the amount overdue, ties by class then name', () => {
    expect(names(sortDefaulters(rows, 'overdue', 'desc'))).toEqual(['Baraka', 'Amani', 'Zawadi', 'Chebet']);
    expect(names(sortDefaulters(rows, 'overdue', 'asc'))).toEqual(['Chebet', 'Zawadi', 'Baraka', 'Amani']);
  });

  it('sorts by days overdue', () => {
    expect(names(sortDefaulters(rows, 'days', 'desc'))).toEqual(['Chebet', 'Baraka', 'Zawadi', 'Amani']);
    expect(names(sortDefaulters(rows, 'days', 'asc'))).toEqual(['Amani', 'Zawadi', 'Chebet', 'Baraka']);
  });

  it('compares amounts exactly, as numbers or bigints', () => {
    const big = [defaulter('A', 'X', 0, 1), defaulter('B', 'X', 0, 1)];
    big[0]!.overdue = 9007199254740993n;
    big[1]!.overdue = 9007199254740992 as unknown as bigint;
    expect(names(sortDefaulters(big, 'overdue', 'desc'))).toEqual(['A', 'B']);
  });

  it('leaves the list it was given alone', () => {
    const copy = [...rows];
    sortDefaulters(rows, 'overdue', 'desc');
    expect(rows).toEqual(copy);
  });

  it('turns a column round on a second click; a new column starts with the most owed', () => {
    expect(nextDefaulterSort({ key: 'class', dir: 'asc' }, 'overdue')).toEqual({ key: 'overdue', dir: 'desc' });
    expect(nextDefaulterSort({ key: 'overdue', dir: 'desc' }, 'overdue')).toEqual({ key: 'overdue', dir: 'asc' });
    expect(nextDefaulterSort({ key: 'overdue', dir: 'desc' }, 'days')).toEqual({ key: 'days', dir: 'desc' });
    expect(nextDefaulterSort({ key: 'days', dir: 'desc' }, 'class')).toEqual({ key: 'class', dir: 'asc' });
  });

  it('totals what is overdue and what is owed', () => {
    const t = defaulterTotals([defaulter('A', 'X', 50050, 3, 150050), defaulter('B', 'X', 100000, 9)]);
    expect(t).toEqual({ students: 2, overdue: 150050n, totalDue: 250050n });
    expect(defaulterTotals([])).toEqual({ students: 0, overdue: 0n, totalDue: 0n });
  });
});

function row(name: string, expected: number, collected: number, bp?: number): ClassCollection {
  return {
    class_id: `c-${name}`,
    class_name: name,
    expected: BigInt(expected),
    collected: BigInt(collected),
    ...(bp === undefined ? {} : { percent_bp: BigInt(bp) }),
  };
}

function collection(classes: ClassCollection[], total: ClassCollection): Collection {
  return { term_id: 't', term_name: 'Term 1', classes, total, currency_symbol: 'KSh', minor_units: 2 };
}

describe('collection', () => {
  it('says what is still to collect, exactly', () => {
    expect(outstandingOf(row('A', 150000, 50000))).toBe(100000n);
    expect(outstandingOf(row('A', 1000, 1500))).toBe(-500n);
  });

  it('labels the axis in whole units', () => {
    expect(axisAmount(1500000, 2)).toBe('15,000');
    expect(axisAmount(250050, 2)).toBe('2,500.50');
    expect(axisAmount(0, 2)).toBe('0');
    expect(axisAmount(2500, 0)).toBe('2,500');
  });

  it('sums up one class in a sentence', () => {
    const c = collection([row('Grade 5 B', 300000, 50000, 1667)], row('All classes', 300000, 50000, 1667));
    expect(collectionSummary(c)).toBe(
      `Term 1: KSh${NBSP}500.00 collected of KSh${NBSP}3,000.00 expected (16.7${NBSP}%). KSh${NBSP}2,500.00 still to collect.`,
    );
  });

  it('names the best and worst classes and the fully paid', () => {
    const c = collection(
      [row('Grade 1 A', 100000, 100000, 10000), row('Grade 2 A', 100000, 25000, 2500), row('Grade 3 A', 100000, 64700, 6470)],
      row('All classes', 300000, 189700, 6323),
    );
    expect(collectionSummary(c)).toBe(
      `Term 1: KSh${NBSP}1,897.00 collected of KSh${NBSP}3,000.00 expected (63.2${NBSP}%). ` +
        `Highest: Grade 1 A 100.0${NBSP}%. Lowest: Grade 2 A 25.0${NBSP}%. 1 class fully paid.`,
    );
  });

  it('says when nothing was charged', () => {
    expect(collectionSummary(collection([], row('All classes', 0, 0)))).toBe('Nothing was charged for Term 1 yet.');
  });
});

function year(name: string, start: string, current: boolean, terms: [string, string, string][]): YearWithTerms {
  return {
    year: { id: name, name, start_date: start, end_date: `${Number(start.slice(0, 4)) + 1}-01-01`, is_current: current },
    terms: terms.map(([id, s, e]) => ({ id, year_id: name, name: id, start_date: s, end_date: e })),
  };
}

describe('terms', () => {
  const years = [
    year('2025', '2025-01-06', false, [['t25-1', '2025-01-06', '2025-04-04']]),
    year('2026', '2026-01-05', true, [
      ['t26-3', '2026-09-01', '2026-11-20'],
      ['t26-1', '2026-01-05', '2026-04-03'],
      ['t26-2', '2026-05-04', '2026-08-07'],
    ]),
  ];

  it('lists the newest year first, its terms in date order', () => {
    expect(termGroups(years).map((g) => [g.year, g.terms.map((t) => t.id)])).toEqual([
      ['2026', ['t26-1', 't26-2', 't26-3']],
      ['2025', ['t25-1']],
    ]);
  });

  it('starts with the term today is in', () => {
    expect(startTerm(years, '2026-06-10')).toBe('t26-2');
    expect(startTerm(years, '2025-02-01')).toBe('t25-1');
  });

  it('in a holiday, the current year’s term just ended; before the year, its first', () => {
    expect(startTerm(years, '2026-04-20')).toBe('t26-1');
    expect(startTerm(years, '2026-12-01')).toBe('t26-3');
    expect(startTerm(years, '2026-01-01')).toBe('t26-1');
    expect(startTerm([], '2026-01-01')).toBe('');
  });
});
