import { describe, expect, it, vi } from 'vitest';
import {
  baseName,
  blockers,
  changeLabel,
  coalesce,
  columnSource,
  DEFAULT_OPTIONS,
  duplicateFields,
  fieldLabel,
  fieldOf,
  FIELDS,
  firstSpreadsheet,
  formatDuration,
  formatSize,
  historyWhen,
  mappingWith,
  modeLabel,
  nothingWritten,
  outcomeLines,
  pageOf,
  PAGE_SIZE,
  problemCells,
  problemsByColumn,
  problemText,
  progressBar,
  progressText,
  rowsToShow,
  sortHistory,
  undoMessage,
  undoTarget,
} from './import';
import type { ColumnMapping, Field, ImportPreview, ImportRecord, RowPlan } from './ipc/types';

const col = (column: number, letter: string, header: string, field: Field | null, detected = field): ColumnMapping => ({
  column,
  letter,
  header,
  field,
  detected,
});

const COLUMNS = [
  col(0, 'A', 'Adm No', 'admission_no'),
  col(1, 'B', 'Student Name', 'full_name'),
  col(2, 'C', 'Class', 'class'),
  col(3, 'D', 'Mobile', 'guardian_phone'),
  col(4, 'E', 'Blood Group', null),
];

const row = (n: number, extra: Partial<RowPlan> = {}): RowPlan => ({
  row: n,
  action: 'insert',
  admission_no: `A${n}`,
  name: `Pupil ${n}`,
  class_name: 'Grade 5 B',
  changes: [],
  problems: [],
  ...extra,
});

const bad = (n: number, column = 'D', header = 'Mobile', message = 'is not a phone number') =>
  row(n, { action: 'error', problems: [{ row: n, column, header, message }] });

describe('fields', () => {
  it('lists every field once, labelled as Rollbook writes its header', () => {
    expect(FIELDS).toHaveLength(25);
    expect(new Set(FIELDS.map((f) => f.value)).size).toBe(25);
    expect(fieldLabel('guardian_phone')).toBe('Guardian Mobile');
    expect(fieldLabel('father_name')).toBe("Father's Name");
    expect(fieldLabel(null)).toBe('Ignore');
  });

  it('names the modes', () => {
    expect(modeLabel('insert')).toBe('Add new only');
    expect(modeLabel('update')).toBe('Update existing only');
    expect(modeLabel('upsert')).toBe('Add and update');
    expect(DEFAULT_OPTIONS.mode).toBe('upsert');
  });
});

describe('mappingWith', () => {
  it('sends every column’s choice, with the one just changed', () => {
    expect(mappingWith(COLUMNS, undefined, 4, 'gender')).toEqual([
      { column: 0, field: 'admission_no' },
      { column: 1, field: 'full_name' },
      { column: 2, field: 'class' },
      { column: 3, field: 'guardian_phone' },
      { column: 4, field: 'gender' },
    ]);
  });

  it('ignores a column with null', () => {
    expect(mappingWith(COLUMNS, undefined, 3, null).find((c) => c.column === 3)).toEqual({ column: 3, field: null });
  });

  it('keeps earlier choices made before the preview caught up', () => {
    const first = mappingWith(COLUMNS, undefined, 4, 'gender');
    const second = mappingWith(COLUMNS, first, 3, 'father_phone');
    expect(second.find((c) => c.column === 4)?.field).toBe('gender');
    expect(second.find((c) => c.column === 3)?.field).toBe('father_phone');
    // The earlier mapping is not changed in place.
    expect(first.find((c) => c.column === 3)?.field).toBe('guardian_phone');
  });

  it('reads a column’s field from the choices sent, else from the preview', () => {
    const mapping = mappingWith(COLUMNS, undefined, 2, null);
    expect(fieldOf(COLUMNS[2]!, mapping)).toBeNull();
    expect(fieldOf(COLUMNS[2]!, undefined)).toBe('class');
    expect(fieldOf(COLUMNS[0]!, [])).toBe('admission_no');
  });
});

describe('columns', () => {
  it('tells picked, remembered and recognised columns apart', () => {
    expect(columnSource(col(0, 'A', 'Adm', 'admission_no'), new Set([0]))).toBe('chosen');
    expect(columnSource(col(1, 'B', 'Contact', 'father_phone', 'guardian_phone'), new Set())).toBe('remembered');
    expect(columnSource(col(2, 'C', 'House', 'status', null), new Set())).toBe('remembered');
    expect(columnSource(col(3, 'D', 'Class', 'class'), new Set())).toBe('recognised');
    expect(columnSource(col(4, 'E', 'Blood Group', null), new Set())).toBe('none');
  });

  it('finds a field chosen for two columns', () => {
    expect([...duplicateFields(['class', 'dob', null, null, 'class'])]).toEqual(['class']);
    expect(duplicateFields(['class', 'dob', null]).size).toBe(0);
  });

  it('counts problems per column', () => {
    const counts = problemsByColumn([bad(2), bad(3), bad(4, 'C', 'Class', 'unknown class'), row(5)]);
    expect(counts.get('D')).toBe(2);
    expect(counts.get('C')).toBe(1);
    expect(counts.has('A')).toBe(false);
  });
});

describe('rows', () => {
  it('says where a problem is', () => {
    const p = { row: 7, column: 'D', header: 'Mobile', message: 'is not a phone number' };
    expect(problemText(p)).toBe('Column D (Mobile): is not a phone number');
    expect(problemText(p, true)).toBe('Row 7, column D (Mobile): is not a phone number');
    expect(problemText({ row: 7, column: null, header: null, message: 'duplicate admission number' })).toBe(
      'duplicate admission number',
    );
    expect(problemText({ row: 7, column: null, header: null, message: 'duplicate' }, true)).toBe('Row 7: duplicate');
    expect(problemText({ row: 7, column: 'F', header: null, message: 'bad' })).toBe('Column F: bad');
  });

  it('marks the cells a problem is in', () => {
    const r = row(3, {
      action: 'error',
      problems: [
        { row: 3, column: 'C', header: 'Class', message: 'unknown class' },
        { row: 3, column: 'D', header: 'Mobile', message: 'bad phone' },
        { row: 3, column: null, header: null, message: 'whole row' },
      ],
    });
    expect([...problemCells(r, COLUMNS)]).toEqual(['class']);
    expect([...problemCells(bad(4, 'A', 'Adm No'), COLUMNS)]).toEqual(['admission']);
  });

  it('names changed fields in words', () => {
    expect(changeLabel('class_id')).toBe('class');
    expect(changeLabel('given_name')).toBe('given name');
    expect(changeLabel('dob')).toBe('date of birth');
    expect(changeLabel('guardians')).toBe('guardians');
    expect(changeLabel('house_id')).toBe('house');
  });

  it('pages 50,000 rows a page at a time', () => {
    const rows = Array.from({ length: 50_000 }, (_, i) => row(i + 2));
    const first = pageOf(rows, 0);
    expect(first.rows).toHaveLength(PAGE_SIZE);
    expect(PAGE_SIZE).toBeLessThanOrEqual(200);
    expect(first).toMatchObject({ page: 0, pages: 500, total: 50_000, first: 1, last: 100 });
    expect(first.rows[0]?.row).toBe(2);
    const last = pageOf(rows, 499);
    expect(last).toMatchObject({ page: 499, first: 49_901, last: 50_000 });
    expect(pageOf(rows, 10_000).page).toBe(499);
    expect(pageOf(rows, -3).page).toBe(0);
  });

  it('pages an empty list as one empty page', () => {
    expect(pageOf([], 4)).toEqual({ rows: [], page: 0, pages: 1, total: 0, first: 0, last: 0 });
  });

  it('filters to rows with problems', () => {
    const rows = [row(2), bad(3), row(4, { problems: [{ row: 4, column: 'B', header: 'Name', message: 'odd' }] }), row(5)];
    expect(rowsToShow(rows, false)).toBe(rows);
    expect(rowsToShow(rows, true).map((r) => r.row)).toEqual([3, 4]);
    const many = Array.from({ length: 1000 }, (_, i) => (i % 3 === 0 ? bad(i + 2) : row(i + 2)));
    const page = pageOf(rowsToShow(many, true), 3);
    expect(page.total).toBe(334);
    expect(page.rows.every((r) => r.action === 'error')).toBe(true);
    expect(page.last).toBe(334);
  });
});

describe('blockers', () => {
  const preview = (p: Partial<ImportPreview>): ImportPreview => ({
    file: { file_name: 'a.xlsx', format: 'xlsx', size_bytes: 10, sha256: '', sheets: [] },
    sheet: 'Sheet1',
    header_row: 1,
    columns: COLUMNS,
    unknown_columns: [],
    missing_classes: [],
    file_problems: [],
    notes: [],
    rows: [],
    counts: { rows: 10, insert: 8, update: 0, unchanged: 0, error: 2 },
    can_import: false,
    ...p,
  });

  it('says nothing when the import can run', () => {
    expect(blockers(preview({ can_import: true }), DEFAULT_OPTIONS)).toEqual([]);
  });

  it('explains bad rows and missing classes', () => {
    const why = blockers(preview({ missing_classes: ['Grade 6 A'] }), DEFAULT_OPTIONS);
    expect(why).toHaveLength(2);
    expect(why[0]).toMatch(/Create this class/);
    expect(blockers(preview({ missing_classes: ['Grade 6 A', 'Grade 6 B'] }), DEFAULT_OPTIONS)[0]).toMatch(
      /^2 classes .*Create these classes/,
    );
    expect(why[1]).toMatch(/^2 rows have problems/);
  });

  it('does not repeat what the options already allow', () => {
    const why = blockers(preview({ counts: { rows: 2, insert: 0, update: 0, unchanged: 0, error: 2 } }), {
      ...DEFAULT_OPTIONS,
      skip_bad_rows: true,
    });
    expect(why).toEqual(['Nothing to import: no row adds or changes a student.']);
  });
});

describe('progress', () => {
  it('shows the phase in words with how far it got', () => {
    expect(progressText({ phase: 'checking', done: 120, total: 480 })).toBe('Checking 120 of 480 rows (25%)');
    expect(progressText({ phase: 'saving', done: 480, total: 480 })).toBe('Saving 480 of 480 rows (100%)');
    expect(progressText({ phase: 'reading', done: 3, total: 10 })).toBe('Reading 3 of 10 (30%)');
    expect(progressText({ phase: 'reading', done: 0, total: 0 })).toBe('Reading…');
    expect(progressText(null)).toBe('Starting…');
    expect(progressText(null, 'Reading the file…')).toBe('Reading the file…');
    expect(progressText({ phase: 'checking', done: 25_000, total: 50_000 })).toMatch(/^Checking 25.?000 of 50.?000 rows \(50%\)$/);
  });

  it('gives the bar its value and max, or none while the total is unknown', () => {
    expect(progressBar({ phase: 'saving', done: 5, total: 10 })).toEqual({ value: 5, max: 10 });
    expect(progressBar({ phase: 'saving', done: 12, total: 10 })).toEqual({ value: 10, max: 10 });
    expect(progressBar({ phase: 'reading', done: 0, total: 0 })).toEqual({ value: null, max: 1 });
    expect(progressBar(null).value).toBeNull();
  });

  it('applies only the newest of many quick reports', () => {
    const applied: number[] = [];
    const ticks: (() => void)[] = [];
    const c = coalesce<number>(
      (n) => applied.push(n),
      (run) => ticks.push(run),
    );
    for (let i = 1; i <= 1000; i++) c.push(i);
    expect(ticks).toHaveLength(1);
    ticks.shift()!();
    expect(applied).toEqual([1000]);
    c.push(1001);
    c.cancel();
    ticks.shift()!();
    expect(applied).toEqual([1000]);
    c.push(1002);
    ticks.shift()!();
    expect(applied).toEqual([1000, 1002]);
  });

  it('defaults to a timer', () => {
    vi.useFakeTimers();
    const applied: number[] = [];
    const c = coalesce<number>((n) => applied.push(n));
    c.push(1);
    c.push(2);
    vi.runAllTimers();
    expect(applied).toEqual([2]);
    vi.useRealTimers();
  });
});

describe('files and numbers', () => {
  it('takes the first spreadsheet among dropped files', () => {
    expect(firstSpreadsheet(['/home/a/notes.txt', '/home/a/Class 5B.XLSX', '/home/a/b.csv'])).toBe('/home/a/Class 5B.XLSX');
    expect(firstSpreadsheet(['C:\\Users\\office\\roll.ods'])).toBe('C:\\Users\\office\\roll.ods');
    expect(firstSpreadsheet(['/home/a/photo.jpg', '/home/a/xlsx'])).toBeNull();
    expect(baseName('C:\\Users\\office\\roll.ods')).toBe('roll.ods');
    expect(baseName('/home/a/b.csv')).toBe('b.csv');
  });

  it('writes sizes and durations for people', () => {
    expect(formatSize(512)).toBe('512 bytes');
    expect(formatSize(1n)).toBe('1 byte');
    expect(formatSize(24_576)).toBe('24 KB');
    expect(formatSize(5 * 1024 * 1024 + 300_000)).toBe('5.3 MB');
    expect(formatDuration(420)).toBe('under a second');
    expect(formatDuration(3000n)).toBe('3 seconds');
    expect(formatDuration(12_340)).toBe('12.3 seconds');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(120_000)).toBe('2 min');
  });
});

describe('outcome', () => {
  it('lists what a run did', () => {
    const o = {
      ...nothingWritten(),
      committed: true,
      inserted: 40,
      updated: 1,
      unchanged: 2,
      skipped: 3,
      classes_created: ['Grade 6 A', 'Grade 6 B'],
    };
    expect(outcomeLines(o)).toEqual([
      '40 students added',
      '1 student updated',
      '2 students unchanged',
      '3 rows with problems skipped',
      '2 classes created: Grade 6 A, Grade 6 B',
    ]);
  });

  it('stands in for a run that ended without an outcome', () => {
    const o = nothingWritten(['The import was cancelled.']);
    expect(o.committed).toBe(false);
    expect(o.file_problems).toEqual(['The import was cancelled.']);
    expect(Number(o.duration_ms)).toBe(0);
  });
});

describe('history', () => {
  const record = (id: string, imported_at: string, extra: Partial<ImportRecord> = {}): ImportRecord => ({
    id,
    file_name: `${id}.xlsx`,
    sha256: '',
    sheet: 'Sheet1',
    mode: 'upsert',
    imported_at,
    duration_ms: 100,
    inserted: 1,
    updated: 0,
    skipped: 0,
    classes_created: 0,
    device_id: 'd',
    user_id: null,
    user_name: null,
    undone_at: null,
    can_undo: false,
    ...extra,
  });

  it('shows the newest first', () => {
    const h = [record('a', '2026-03-01T08:00:00.000Z'), record('c', '2026-03-03T08:00:00.000Z'), record('b', '2026-03-02T08:00:00.000Z')];
    expect(sortHistory(h).map((r) => r.id)).toEqual(['c', 'b', 'a']);
  });

  it('can undo the newest import when the core says so', () => {
    const older = record('a', '2026-03-01T08:00:00.000Z');
    const newest = record('b', '2026-03-02T08:00:00.000Z', { can_undo: true });
    expect(undoTarget([older, newest])?.id).toBe('b');
    expect(undoTarget([older, { ...newest, can_undo: false }])).toBeNull();
    expect(undoTarget([])).toBeNull();
  });

  it('does not offer to undo an import twice', () => {
    const undone = record('b', '2026-03-02T08:00:00.000Z', { undone_at: '2026-03-02T09:00:00.000Z', can_undo: false });
    expect(undoTarget([record('a', '2026-03-01T08:00:00.000Z'), undone])).toBeNull();
    expect(undoTarget([record('a', '2026-03-01T08:00:00.000Z', { can_undo: true }), undone])?.id).toBe('a');
  });

  it('dates imports in the school’s order with the local time', () => {
    const local = new Date(2026, 11, 25, 14, 5).toISOString();
    expect(historyWhen(local, 'DMY')).toBe('25/12/2026 14:05');
    expect(historyWhen(local, 'MDY')).toBe('12/25/2026 14:05');
    expect(historyWhen('yesterday', 'DMY')).toBe('yesterday');
  });

  it('says what an undo did', () => {
    expect(undoMessage({ import_id: 'x', removed: 12, restored: 3 })).toBe('Removed 12 students, restored 3');
    expect(undoMessage({ import_id: 'x', removed: 1, restored: 0 })).toBe('Removed 1 student, restored 0');
  });
});
