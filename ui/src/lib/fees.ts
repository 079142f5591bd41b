// Fees at the counter and in setup: amounts shown from integer minor units (never floats),
// what each payment method asks for, the payment to send, and the receipt's print layout.
import type {
  Due,
  DueRef,
  EntryKind,
  FineKind,
  PaymentInput,
  PaymentMethod,
  StructureInput,
  StructureLine,
  Term,
  YearWithTerms,
} from './ipc/types';

/** An amount in minor units as it arrives over IPC (a JSON number; typed as bigint). */
export type Minor = number | bigint;

function big(v: Minor | null | undefined): bigint {
  if (v === null || v === undefined) return 0n;
  // A JSON number of minor units is always a whole number; anything else is a bug upstream.
  return typeof v === 'bigint' ? v : BigInt(Math.trunc(v));
}

/** The sum of amounts in minor units, exactly. */
export function addMinor(...values: (Minor | null | undefined)[]): bigint {
  return values.reduce<bigint>((sum, v) => sum + big(v), 0n);
}

/** -1, 0 or 1: whether an amount owes, is nothing, or is in credit. */
export function signOf(v: Minor | null | undefined): -1 | 0 | 1 {
  const b = big(v);
  return b > 0n ? 1 : b < 0n ? -1 : 0;
}

function groupThousands(digits: string): string {
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ',';
    out += digits[i];
  }
  return out;
}

function split(v: Minor, minorUnits: number): { sign: string; whole: string; frac: string } {
  const b = big(v);
  const sign = b < 0n ? '-' : '';
  const text = (b < 0n ? -b : b).toString();
  const places = Math.max(0, Math.trunc(minorUnits));
  if (places === 0) return { sign, whole: text, frac: '' };
  const padded = text.padStart(places + 1, '0');
  return { sign, whole: padded.slice(0, -places), frac: padded.slice(-places) };
}

/** Minor units for reading: 150000 with 2 digits → "1,500.00"; -250 → "-2.50"; 2500 with 0 → "2,500". */
export function formatMinor(v: Minor, minorUnits: number): string {
  const { sign, whole, frac } = split(v, minorUnits);
  return `${sign}${groupThousands(whole)}${frac ? `.${frac}` : ''}`;
}

/** An amount with the currency's symbol: "KSh 1,500.00" (a no-break space between). */
export function formatMoney(v: Minor, minorUnits: number, symbol: string): string {
  const text = formatMinor(v, minorUnits);
  if (!symbol) return text;
  return text.startsWith('-') ? `-${symbol}\u00a0${text.slice(1)}` : `${symbol}\u00a0${text}`;
}

/** Minor units as an amount field holds it (no grouping, to be typed over): 150000 → "1500.00". */
export function minorToInput(v: Minor, minorUnits: number): string {
  const { sign, whole, frac } = split(v, minorUnits);
  return `${sign}${whole}${frac ? `.${frac}` : ''}`;
}

/** What the counter's amount starts at: the whole amount due, or blank when nothing is owed. */
export function prefillAmount(totalDue: Minor, minorUnits: number): string {
  return signOf(totalDue) > 0 ? minorToInput(totalDue, minorUnits) : '';
}

/** The big line at the counter: who owes what, or that nothing is owed. */
export function balanceText(totalDue: Minor, minorUnits: number, symbol: string): { label: string; amount: string } {
  const s = signOf(totalDue);
  if (s === 0) return { label: 'nothing owed', amount: '' };
  if (s < 0) return { label: 'in credit', amount: formatMoney(-big(totalDue), minorUnits, symbol) };
  return { label: 'owes', amount: formatMoney(totalDue, minorUnits, symbol) };
}

/** The fine of a due: posted plus accrued to today. */
export function fineOf(due: Pick<Due, 'fine' | 'fine_accrued'>): bigint {
  return addMinor(due.fine, due.fine_accrued);
}

// Payment methods

export type MethodInfo = {
  value: PaymentMethod;
  label: string;
  /** The key that picks it at the counter. */
  key: string;
  /** What the reference field is called, when the method asks for one. */
  reference: string;
  needsReference: boolean;
  needsBank: boolean;
};

export const METHODS: MethodInfo[] = [
  { value: 'cash', label: 'Cash', key: 'C', reference: '', needsReference: false, needsBank: false },
  { value: 'cheque', label: 'Cheque', key: 'Q', reference: 'Cheque number', needsReference: true, needsBank: true },
  { value: 'bank_transfer', label: 'Bank transfer', key: 'B', reference: 'Transfer reference', needsReference: true, needsBank: false },
  { value: 'mobile_money', label: 'Mobile money', key: 'M', reference: 'Transaction ID', needsReference: true, needsBank: false },
  { value: 'card', label: 'Card', key: 'K', reference: '', needsReference: false, needsBank: false },
];

export function methodInfo(method: PaymentMethod): MethodInfo {
  return METHODS.find((m) => m.value === method) ?? (METHODS[0] as MethodInfo);
}

/** The method a single key press picks (C, Q, B, M or K, either case), or null. */
export function methodForKey(key: string): PaymentMethod | null {
  if (key.length !== 1) return null;
  return METHODS.find((m) => m.key === key.toUpperCase())?.value ?? null;
}

export type PaymentForm = { amount: string; method: PaymentMethod; reference: string; bank: string };

export function blankPayment(amount = ''): PaymentForm {
  return { amount, method: 'cash', reference: '', bank: '' };
}

/**
 * The payment to send: the amount as typed (the core reads and checks it), the reference and
 * bank only when the method asks for them (a cheque number left over from a method changed
 * back to cash is not sent), and the dues the clerk picked (none: the oldest dues first).
 */
export function buildPayment(studentId: string, form: PaymentForm, dues: DueRef[] = [], cashier = ''): PaymentInput {
  const info = methodInfo(form.method);
  return {
    student_id: studentId,
    amount: form.amount.trim(),
    method: form.method,
    reference: info.needsReference ? form.reference.trim() : '',
    bank: info.needsBank ? form.bank.trim() : '',
    allocations: [],
    dues,
    ...(cashier ? { cashier } : {}),
  };
}

/** Where the counter remembers who is at it on this PC. */
export const CASHIER_KEY = 'rollbook.cashier';

/** A due's key in the counter's picked set. */
export function dueKey(due: Pick<Due, 'term_id' | 'head_id'>): string {
  return `${due.term_id}/${due.head_id}`;
}

/**
 * The dues the clerk ticked, in the account's order (oldest first), and the amount they
 * come to: what the amount box offers when something is ticked.
 */
export function pickedDues(dues: Due[], picked: ReadonlySet<string>): { refs: DueRef[]; owed: bigint } {
  const chosen = dues.filter((d) => picked.has(dueKey(d)) && signOf(d.outstanding) > 0);
  return {
    refs: chosen.map((d) => ({ term_id: d.term_id, head_id: d.head_id })),
    owed: addMinor(...chosen.map((d) => d.outstanding)),
  };
}

// The receipt's print layout

export type ReceiptLayout = 'a5' | 'thermal';

export const LAYOUTS: { value: ReceiptLayout; label: string; about: string }[] = [
  { value: 'a5', label: 'A5 sheet', about: 'A5 paper, portrait' },
  { value: 'thermal', label: '80 mm roll', about: 'Receipt printer, 80 mm paper' },
];

export const LAYOUT_KEY = 'rollbook.receipt-layout';

type KeyValueStore = Pick<Storage, 'getItem' | 'setItem'>;

function storage(): KeyValueStore | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** The layout chosen last on this PC (A5 until one is chosen). */
export function loadLayout(store: KeyValueStore | null = storage()): ReceiptLayout {
  try {
    const v = store?.getItem(LAYOUT_KEY);
    return v === 'thermal' || v === 'a5' ? v : 'a5';
  } catch {
    return 'a5';
  }
}

export function saveLayout(layout: ReceiptLayout, store: KeyValueStore | null = storage()): void {
  try {
    store?.setItem(LAYOUT_KEY, layout);
  } catch {
    // A full or blocked storage only loses the remembered choice.
  }
}

/** CSS pixels to millimetres (96 px to the inch). */
export function pxToMm(px: number): number {
  return (px * 25.4) / 96;
}

/**
 * The @page rule for printing a receipt. A5 is a fixed sheet; a roll is 80 mm wide and as long
 * as the receipt (`heightMm`, measured), so the printer cuts after it.
 */
export function pageRule(layout: ReceiptLayout, heightMm?: number): string {
  if (layout === 'a5') return '@page { size: A5 portrait; margin: 10mm; }';
  const h = heightMm && Number.isFinite(heightMm) && heightMm > 0 ? Math.ceil(heightMm) + 4 : 200;
  return `@page { size: 80mm ${h}mm; margin: 0; }`;
}

// Setup

export const FINE_KINDS: { value: FineKind; label: string }[] = [
  { value: 'none', label: 'No late fine' },
  { value: 'fixed', label: 'Fixed' },
  { value: 'per_day', label: 'Per day' },
];

/** The id-safe form of a head's name: "Exam fee" → "exam-fee". */
export function headSlug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'head'
  );
}

export type StructureRow = {
  head_id: string;
  head_name: string;
  optional: boolean;
  amount: string;
  due_date: string;
  fine_kind: FineKind;
  fine_amount: string;
  fine_cap: string;
};

/** A structure row as the setup table edits it: from the saved line, or blank. */
export function structureRow(
  head: { id: string; name: string; optional: boolean },
  line: StructureLine | undefined,
  minorUnits: number,
): StructureRow {
  const money = (v: Minor) => (signOf(v) === 0 ? '' : minorToInput(v, minorUnits));
  return {
    head_id: head.id,
    head_name: head.name,
    optional: head.optional,
    amount: line ? minorToInput(line.amount, minorUnits) : '',
    due_date: line?.due_date ?? '',
    fine_kind: line?.fine_kind ?? 'none',
    fine_amount: line ? money(line.fine_amount) : '',
    fine_cap: line ? money(line.fine_cap) : '',
  };
}

export function structureInput(classId: string, termId: string, row: StructureRow): StructureInput {
  const fine = row.fine_kind !== 'none';
  return {
    class_id: classId,
    term_id: termId,
    head_id: row.head_id,
    amount: row.amount.trim(),
    due_date: row.due_date.trim(),
    fine_kind: row.fine_kind,
    fine_amount: fine ? row.fine_amount.trim() : '',
    fine_cap: row.fine_kind === 'per_day' ? row.fine_cap.trim() : '',
  };
}

/** Whether the row differs from what was saved. */
export function rowChanged(row: StructureRow, saved: StructureRow): boolean {
  const a = structureInput('', '', row);
  const b = structureInput('', '', saved);
  return a.amount !== b.amount || a.due_date !== b.due_date || a.fine_kind !== b.fine_kind ||
    a.fine_amount !== b.fine_amount || a.fine_cap !== b.fine_cap;
}

/** The current year's terms (or the latest year's, when none is marked current). */
export function currentTerms(years: YearWithTerms[]): Term[] {
  const year = years.find((y) => y.year.is_current) ??
    [...years].sort((a, b) => b.year.start_date.localeCompare(a.year.start_date))[0];
  return year ? [...year.terms].sort((a, b) => a.start_date.localeCompare(b.start_date)) : [];
}

/** The term to start with: the one today falls in, else the first. */
export function defaultTermId(terms: Term[], today: string): string {
  return (terms.find((t) => t.start_date <= today && today <= t.end_date) ?? terms[0])?.id ?? '';
}

/** What an apply did, in a sentence. */
export function appliedText(a: { students: number; charges: number; concessions: number }): string {
  const students = `${a.students} ${a.students === 1 ? 'student' : 'students'}`;
  if (a.students === 0) return 'No active students in this class to charge.';
  if (a.charges === 0) return `Nothing new to charge: the ${students} were charged already.`;
  const charges = `${a.charges} ${a.charges === 1 ? 'charge' : 'charges'}`;
  const conc = a.concessions > 0 ? `, ${a.concessions} ${a.concessions === 1 ? 'concession' : 'concessions'} set against them` : '';
  return `Charged ${students} (${charges}${conc}).`;
}

// The statement

/** Entries that add to what is owed (charges, fines, reversed payments) and those that take away. */
export function raisesBalance(kind: EntryKind): boolean {
  return kind === 'charge' || kind === 'fine' || kind === 'reversal';
}

export const KIND_LABELS: Record<EntryKind, string> = {
  charge: 'Charge',
  concession: 'Concession',
  fine: 'Late fine',
  payment: 'Payment',
  reversal: 'Reversal',
};
