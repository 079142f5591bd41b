import { describe, expect, it } from 'vitest';
import type { Due, StructureLine, YearWithTerms } from './ipc/types';
import {
  LAYOUT_KEY,
  addMinor,
  appliedText,
  balanceText,
  buildPayment,
  dueKey,
  pickedDues,
  blankPayment,
  currentTerms,
  defaultTermId,
  fineOf,
  formatMinor,
  formatMoney,
  headSlug,
  loadLayout,
  methodForKey,
  methodInfo,
  minorToInput,
  pageRule,
  prefillAmount,
  raisesBalance,
  rowChanged,
  saveLayout,
  structureInput,
  structureRow,
} from './fees';

/** A Storage stand-in: a map, optionally failing like a blocked localStorage. */
function memory(fail = false) {
  const items = new Map<string, string>();
  return {
    items,
    getItem(k: string) {
      if (fail) throw new Error('blocked');
      return items.get(k) ?? null;
    },
    setItem(k: string, v: string) {
      if (fail) throw new Error('blocked');
      items.set(k, v);
    },
  };
}

describe('amounts from minor units', () => {
  it('groups thousands and keeps the currency decimals, without floats', () => {
    expect(formatMinor(150000, 2)).toBe('1,500.00');
    expect(formatMinor(7, 2)).toBe('0.07');
    expect(formatMinor(0, 2)).toBe('0.00');
    expect(formatMinor(-250, 2)).toBe('-2.50');
    expect(formatMinor(-123456789, 2)).toBe('-1,234,567.89');
    expect(formatMinor(2500, 0)).toBe('2,500');
    expect(formatMinor(1234, 3)).toBe('1.234');
    expect(formatMinor(100000000, 2)).toBe('1,000,000.00');
    expect(formatMinor(99999, 2)).toBe('999.99');
  });

  it('is exact beyond the range of floats', () => {
    // 2^53 + 1 cannot be held by a float; as a bigint it prints exactly.
    expect(formatMinor(9007199254740993n, 2)).toBe('90,071,992,547,409.93');
    expect(addMinor(9007199254740993n, 1)).toBe(9007199254740994n);
  });

  it('adds the currency symbol before the amount', () => {
    expect(formatMoney(150000, 2, 'KSh')).toBe('KSh\u00a01,500.00');
    expect(formatMoney(-5000, 2, '₹')).toBe('-₹\u00a050.00');
    expect(formatMoney(5000, 2, '')).toBe('50.00');
  });

  it('fills the amount field with plain digits to type over', () => {
    expect(minorToInput(150000, 2)).toBe('1500.00');
    expect(minorToInput(5, 2)).toBe('0.05');
    expect(minorToInput(2500, 0)).toBe('2500');
    expect(prefillAmount(150000, 2)).toBe('1500.00');
    expect(prefillAmount(0, 2)).toBe('');
    expect(prefillAmount(-500, 2)).toBe('');
  });

  it('says whether a student owes, owes nothing or is in credit', () => {
    expect(balanceText(150000, 2, 'KSh')).toEqual({ label: 'owes', amount: 'KSh\u00a01,500.00' });
    expect(balanceText(0, 2, 'KSh')).toEqual({ label: 'nothing owed', amount: '' });
    expect(balanceText(-2000, 2, 'KSh')).toEqual({ label: 'in credit', amount: 'KSh\u00a020.00' });
  });

  it('counts the posted and the accrued fine together', () => {
    expect(fineOf({ fine: 1000, fine_accrued: 250 } as never)).toBe(1250n);
  });
});

describe('payment methods', () => {
  it('ask for a reference and bank only where the core requires them', () => {
    expect(methodInfo('cash')).toMatchObject({ needsReference: false, needsBank: false });
    expect(methodInfo('cheque')).toMatchObject({ needsReference: true, needsBank: true, reference: 'Cheque number' });
    expect(methodInfo('bank_transfer')).toMatchObject({ needsReference: true, needsBank: false });
    expect(methodInfo('mobile_money')).toMatchObject({ needsReference: true, needsBank: false });
    expect(methodInfo('card')).toMatchObject({ needsReference: false, needsBank: false });
  });

  it('are picked by one key', () => {
    expect(methodForKey('c')).toBe('cash');
    expect(methodForKey('Q')).toBe('cheque');
    expect(methodForKey('b')).toBe('bank_transfer');
    expect(methodForKey('m')).toBe('mobile_money');
    expect(methodForKey('k')).toBe('card');
    expect(methodForKey('x')).toBeNull();
    expect(methodForKey('Enter')).toBeNull();
  });

  it('build the payment as typed, without fields the method does not use', () => {
    expect(buildPayment('s1', { amount: ' 500 ', method: 'cash', reference: 'CHQ 1', bank: 'KCB' })).toEqual({
      student_id: 's1',
      amount: '500',
      method: 'cash',
      reference: '',
      bank: '',
      allocations: [],
      dues: [],
    });
    expect(buildPayment('s1', { amount: '1,500.00', method: 'cheque', reference: ' 000123 ', bank: ' Equity ' })).toMatchObject({
      amount: '1,500.00',
      reference: '000123',
      bank: 'Equity',
    });
    expect(buildPayment('s1', { amount: '10', method: 'mobile_money', reference: 'QK7ABC', bank: 'left over' })).toMatchObject({
      reference: 'QK7ABC',
      bank: '',
    });
  });
});

describe('picking the dues a payment is for', () => {
  const due = (term: string, head: string, outstanding: number) =>
    ({ term_id: term, head_id: head, outstanding }) as unknown as Due;
  const dues = [due('t1', 'tuition', 50_000), due('t1', 'exam', 20_000), due('t2', 'tuition', 0)];

  it('sends the ticked dues, oldest first, and offers what they come to', () => {
    const picked = new Set([dueKey(dues[1]), dueKey(dues[0])]);
    const { refs, owed } = pickedDues(dues, picked);
    expect(refs).toEqual([
      { term_id: 't1', head_id: 'tuition' },
      { term_id: 't1', head_id: 'exam' },
    ]);
    expect(owed).toBe(70_000n);
    expect(buildPayment('s1', blankPayment('700'), refs).dues).toEqual(refs);
    expect(buildPayment('s1', blankPayment('700'), refs, 'staff-7').cashier).toBe('staff-7');
    expect(buildPayment('s1', blankPayment('700'))).not.toHaveProperty('cashier');
  });

  it('leaves out a ticked due that is already paid', () => {
    expect(pickedDues(dues, new Set([dueKey(dues[2])]))).toEqual({ refs: [], owed: 0n });
  });
});

describe('the receipt layout', () => {
  it('is A5 until chosen, then remembered', () => {
    const store = memory();
    expect(loadLayout(store)).toBe('a5');
    saveLayout('thermal', store);
    expect(store.items.get(LAYOUT_KEY)).toBe('thermal');
    expect(loadLayout(store)).toBe('thermal');
    saveLayout('a5', store);
    expect(loadLayout(store)).toBe('a5');
  });

  it('ignores a stored value it does not know and a blocked storage', () => {
    const store = memory();
    store.items.set(LAYOUT_KEY, 'letter');
    expect(loadLayout(store)).toBe('a5');
    const blocked = memory(true);
    expect(loadLayout(blocked)).toBe('a5');
    expect(() => saveLayout('thermal', blocked)).not.toThrow();
    expect(loadLayout(null)).toBe('a5');
  });

  it('prints A5 on a sheet and the roll as long as the receipt', () => {
    expect(pageRule('a5')).toContain('size: A5 portrait');
    expect(pageRule('thermal', 121.2)).toBe('@page { size: 80mm 126mm; margin: 0; }');
    expect(pageRule('thermal')).toContain('size: 80mm 200mm');
  });
});

describe('setup', () => {
  const head = { id: 'h1', name: 'Tuition', optional: false };
  const line: StructureLine = {
    id: 'l1',
    class_id: 'c1',
    class_name: 'Grade 5 B',
    term_id: 't1',
    term_name: 'Term 1',
    head_id: 'h1',
    head_name: 'Tuition',
    optional: false,
    amount: 150000 as unknown as bigint,
    due_date: '2026-05-10',
    fine_kind: 'per_day',
    fine_amount: 1000 as unknown as bigint,
    fine_cap: 0 as unknown as bigint,
  };

  it('names fields after heads safely', () => {
    expect(headSlug('Tuition')).toBe('tuition');
    expect(headSlug('Exam fee (Term)')).toBe('exam-fee-term');
    expect(headSlug('***')).toBe('head');
  });

  it('edits a saved line and sends it back as typed', () => {
    const row = structureRow(head, line, 2);
    expect(row).toMatchObject({ amount: '1500.00', due_date: '2026-05-10', fine_kind: 'per_day', fine_amount: '10.00', fine_cap: '' });
    expect(structureInput('c1', 't1', row)).toEqual({
      class_id: 'c1',
      term_id: 't1',
      head_id: 'h1',
      amount: '1500.00',
      due_date: '2026-05-10',
      fine_kind: 'per_day',
      fine_amount: '10.00',
      fine_cap: '',
    });
    expect(structureRow(head, undefined, 2)).toMatchObject({ amount: '', fine_kind: 'none' });
  });

  it('does not send a fine amount or cap the fine kind does not use', () => {
    const row = { ...structureRow(head, line, 2), fine_kind: 'none' as const, fine_cap: '50' };
    expect(structureInput('c1', 't1', row)).toMatchObject({ fine_amount: '', fine_cap: '' });
    const fixed = { ...row, fine_kind: 'fixed' as const, fine_amount: '200' };
    expect(structureInput('c1', 't1', fixed)).toMatchObject({ fine_amount: '200', fine_cap: '' });
  });

  it('tells a changed row from a saved one', () => {
    const saved = structureRow(head, line, 2);
    expect(rowChanged({ ...saved }, saved)).toBe(false);
    expect(rowChanged({ ...saved, amount: '1600' }, saved)).toBe(true);
    expect(rowChanged({ ...saved, amount: ' 1500.00 ' }, saved)).toBe(false);
  });

  it("starts with the current year's term that today falls in, else its first", () => {
    const years: YearWithTerms[] = [
      {
        year: { id: 'y0', name: '2025-26', start_date: '2025-04-01', end_date: '2026-03-31', is_current: false },
        terms: [{ id: 'old', year_id: 'y0', name: 'Term 1', start_date: '2025-04-01', end_date: '2026-03-31' }],
      },
      {
        year: { id: 'y1', name: '2026-27', start_date: '2026-04-01', end_date: '2027-03-31', is_current: true },
        terms: [
          { id: 't2', year_id: 'y1', name: 'Term 2', start_date: '2026-10-01', end_date: '2027-03-31' },
          { id: 't1', year_id: 'y1', name: 'Term 1', start_date: '2026-04-01', end_date: '2026-09-30' },
        ],
      },
    ];
    const terms = currentTerms(years);
    expect(terms.map((t) => t.id)).toEqual(['t1', 't2']);
    expect(defaultTermId(terms, '2026-11-22')).toBe('t2');
    expect(defaultTermId(terms, '2026-04-01')).toBe('t1');
    expect(defaultTermId(terms, '2030-01-01')).toBe('t1');
    expect(defaultTermId([], '2026-11-22')).toBe('');
  });

  it('says what an apply charged', () => {
    expect(appliedText({ students: 4, charges: 4, concessions: 0 })).toBe('Charged 4 students (4 charges).');
    expect(appliedText({ students: 1, charges: 2, concessions: 1 })).toBe(
      'Charged 1 student (2 charges, 1 concession set against them).',
    );
    expect(appliedText({ students: 4, charges: 0, concessions: 0 })).toMatch(/charged already/);
    expect(appliedText({ students: 0, charges: 0, concessions: 0 })).toMatch(/No active students/);
  });
});

describe('the statement', () => {
  it('knows which entries raise the balance', () => {
    expect(raisesBalance('charge')).toBe(true);
    expect(raisesBalance('fine')).toBe(true);
    expect(raisesBalance('reversal')).toBe(true);
    expect(raisesBalance('payment')).toBe(false);
    expect(raisesBalance('concession')).toBe(false);
  });
});
