import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ImportOptions, ImportOutcome, ImportPreview, ImportProgress, OpenedFile } from './ipc/types';

type Deferred<T> = { promise: Promise<T>; resolve(v: T): void; reject(e: unknown): void };
function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

type Call<T> = { path: string; options: ImportOptions; onProgress: (p: ImportProgress) => void; answer: Deferred<T> };
const calls = vi.hoisted(() => ({
  previews: [] as unknown[],
  runs: [] as unknown[],
  cancels: 0,
  chosen: null as string | null,
}));

vi.mock('./ipc/commands', async (importOriginal) => ({
  ...(await importOriginal<typeof import('./ipc/commands')>()),
  api: {
    importOpen: vi.fn(async (path: string) => FILE(path)),
    importPreview: vi.fn((path: string, options: ImportOptions, onProgress: (p: ImportProgress) => void) => {
      const answer = deferred<ImportPreview>();
      calls.previews.push({ path, options, onProgress, answer });
      return answer.promise;
    }),
    importRun: vi.fn((path: string, options: ImportOptions, onProgress: (p: ImportProgress) => void) => {
      const answer = deferred<ImportOutcome>();
      calls.runs.push({ path, options, onProgress, answer });
      return answer.promise;
    }),
    importCancel: vi.fn(async () => {
      calls.cancels++;
    }),
    importErrorReport: vi.fn(async () => {}),
  },
}));

vi.mock('./files', () => ({
  chooseSpreadsheet: vi.fn(async () => calls.chosen),
  chooseSavePath: vi.fn(async () => '/tmp/problems'),
}));

const { ImportWizard } = await import('./import-wizard.svelte');
const { api } = await import('./ipc/commands');

function FILE(path: string): OpenedFile {
  return {
    file_name: path.split('/').pop() ?? path,
    format: 'xlsx',
    size_bytes: 2048,
    sha256: 'x',
    sheets: [
      { name: 'Grade 5', rows: 41, columns: 5 },
      { name: 'Grade 6', rows: 38, columns: 5 },
    ],
  };
}

function PREVIEW(extra: Partial<ImportPreview> = {}): ImportPreview {
  return {
    file: FILE('/data/Class list.xlsx'),
    sheet: 'Grade 5',
    header_row: 3,
    columns: [
      { column: 0, letter: 'A', header: 'Adm No', field: 'admission_no', detected: 'admission_no' },
      { column: 1, letter: 'B', header: 'Name', field: 'full_name', detected: 'full_name' },
      { column: 2, letter: 'C', header: 'Contact', field: 'guardian_phone', detected: 'guardian_phone' },
    ],
    unknown_columns: [],
    missing_classes: [],
    file_problems: [],
    notes: [],
    rows: [],
    counts: { rows: 40, insert: 40, update: 0, unchanged: 0, error: 0 },
    can_import: true,
    ...extra,
  };
}

const OUTCOME: ImportOutcome = {
  committed: true,
  import_id: 'imp1',
  inserted: 40,
  updated: 0,
  unchanged: 0,
  skipped: 0,
  classes_created: [],
  duration_ms: 900,
  problems: [],
  file_problems: [],
};

const previewCalls = () => calls.previews as Call<ImportPreview>[];
const lastPreview = () => previewCalls()[previewCalls().length - 1]!;
const runCalls = () => calls.runs as Call<ImportOutcome>[];
const settle = () => new Promise((r) => setTimeout(r, 0));

async function opened() {
  const w = new ImportWizard();
  w.start();
  calls.chosen = '/data/Class list.xlsx';
  const choosing = w.choose();
  await settle();
  lastPreview().answer.resolve(PREVIEW());
  await choosing;
  return w;
}

beforeEach(() => {
  calls.previews = [];
  calls.runs = [];
  calls.cancels = 0;
  calls.chosen = null;
  vi.clearAllMocks();
});

describe('choosing a file', () => {
  it('opens the file and shows its columns with the detected mapping', async () => {
    const w = await opened();
    expect(api.importOpen).toHaveBeenCalledWith('/data/Class list.xlsx');
    expect(w.step).toBe('columns');
    expect(w.file?.sheets).toHaveLength(2);
    expect(lastPreview().options).toEqual({ mode: 'upsert', create_classes: false, skip_bad_rows: false });
    expect(w.preview?.header_row).toBe(3);
    expect(w.busy).toBeNull();
    expect(w.canAdvance).toBe(true);
  });

  it('stays put when the dialog is closed', async () => {
    const w = new ImportWizard();
    w.start();
    await w.choose();
    expect(api.importOpen).not.toHaveBeenCalled();
    expect(w.step).toBe('pick');
  });

  it('refuses a dropped file that is not a spreadsheet', async () => {
    const w = new ImportWizard();
    w.start();
    await w.dropped(['/home/a/photo.jpg']);
    expect(w.error?.message).toMatch(/spreadsheets/);
    expect(api.importOpen).not.toHaveBeenCalled();
  });

  it('opens the spreadsheet among dropped files', async () => {
    const w = new ImportWizard();
    w.start();
    const dropping = w.dropped(['/home/a/notes.txt', '/home/a/roll.csv']);
    await settle();
    lastPreview().answer.resolve(PREVIEW());
    await dropping;
    expect(api.importOpen).toHaveBeenCalledWith('/home/a/roll.csv');
    expect(w.step).toBe('columns');
  });

  it('says why a file cannot be opened', async () => {
    vi.mocked(api.importOpen).mockRejectedValueOnce({ code: 'io', message: 'The file is open in another program', details: [] });
    const w = new ImportWizard();
    w.start();
    calls.chosen = '/data/locked.xlsx';
    await w.choose();
    expect(w.step).toBe('pick');
    expect(w.error?.message).toBe('The file is open in another program');
    expect(w.busy).toBeNull();
  });
});

describe('columns', () => {
  it('sends every column’s choice after a change, keeping earlier changes', async () => {
    const w = await opened();
    w.setField(2, 'father_phone');
    await settle();
    expect(lastPreview().options.mapping).toEqual([
      { column: 0, field: 'admission_no' },
      { column: 1, field: 'full_name' },
      { column: 2, field: 'father_phone' },
    ]);
    // A second change before the first answer: both are sent.
    w.setField(1, null);
    await settle();
    await settle();
    expect(lastPreview().options.mapping).toEqual([
      { column: 0, field: 'admission_no' },
      { column: 1, field: null },
      { column: 2, field: 'father_phone' },
    ]);
    expect(w.chosen).toEqual([2, 1]);
    expect(w.fieldFor(w.preview!.columns[2]!)).toBe('father_phone');
  });

  it('runs one preview at a time and shows only the newest answer', async () => {
    const w = await opened();
    const before = previewCalls().length;
    w.setMode('insert');
    await settle();
    const first = lastPreview();
    w.setMode('update');
    await settle();
    // The second waits for the first to stop.
    expect(calls.cancels).toBe(1);
    expect(previewCalls().length).toBe(before + 1);
    first.answer.reject({ code: 'internal', message: 'cancelled', details: [] });
    await settle();
    await settle();
    expect(previewCalls().length).toBe(before + 2);
    expect(lastPreview().options.mode).toBe('update');
    expect(w.error).toBeNull();
    expect(w.busy).toBe('previewing');
    expect(w.canAdvance).toBe(false);
    lastPreview().answer.resolve(PREVIEW({ counts: { rows: 40, insert: 0, update: 40, unchanged: 0, error: 0 } }));
    await settle();
    expect(w.preview?.counts.update).toBe(40);
    expect(w.previewedWith.mode).toBe('update');
    expect(w.busy).toBeNull();
  });

  it('reports progress and clears it when the preview is done', async () => {
    vi.useFakeTimers();
    try {
      const w = new ImportWizard();
      w.start();
      calls.chosen = '/data/big.xlsx';
      const choosing = w.choose();
      await vi.advanceTimersByTimeAsync(0);
      lastPreview().onProgress({ phase: 'reading', done: 1, total: 10 });
      lastPreview().onProgress({ phase: 'checking', done: 500, total: 50_000 });
      await vi.advanceTimersByTimeAsync(60);
      expect(w.progress).toEqual({ phase: 'checking', done: 500, total: 50_000 });
      lastPreview().answer.resolve(PREVIEW());
      await choosing;
      await vi.advanceTimersByTimeAsync(60);
      expect(w.progress).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('forgets the column choices for another sheet', async () => {
    const w = await opened();
    w.setField(2, 'mother_phone');
    await settle();
    lastPreview().answer.resolve(PREVIEW());
    await settle();
    w.setSheet('Grade 6');
    await settle();
    expect(lastPreview().options.sheet).toBe('Grade 6');
    expect(lastPreview().options.mapping).toBeUndefined();
    expect(w.chosen).toEqual([]);
  });

  it('does not move on while the file has problems', async () => {
    const w = new ImportWizard();
    w.start();
    calls.chosen = '/data/x.xlsx';
    const p = w.choose();
    await settle();
    lastPreview().answer.resolve(PREVIEW({ file_problems: ['No admission number column'], can_import: false }));
    await p;
    expect(w.canAdvance).toBe(false);
    w.next();
    expect(w.step).toBe('columns');
  });
});

describe('steps', () => {
  it('moves on with Enter and back with Esc', async () => {
    const w = await opened();
    w.next();
    expect(w.step).toBe('preview');
    w.next();
    expect(w.step).toBe('import');
    w.escape();
    expect(w.step).toBe('preview');
    w.escape();
    expect(w.step).toBe('columns');
    w.escape();
    expect(w.step).toBe('pick');
    expect(w.canAdvance).toBe(true);
    w.escape();
    expect(w.open).toBe(false);
  });

  it('does not go on to import what cannot be imported', async () => {
    const w = await opened();
    w.next();
    w.setSkipBadRows(false);
    await settle();
    lastPreview().answer.resolve(PREVIEW({ can_import: false, counts: { rows: 2, insert: 1, update: 0, unchanged: 0, error: 1 } }));
    await settle();
    expect(w.canAdvance).toBe(false);
    w.setSkipBadRows(true);
    await settle();
    expect(lastPreview().options.skip_bad_rows).toBe(true);
    lastPreview().answer.resolve(PREVIEW({ can_import: true }));
    await settle();
    expect(w.canAdvance).toBe(true);
  });

  it('Esc while a preview runs stops it', async () => {
    const w = new ImportWizard();
    w.start();
    calls.chosen = '/data/big.xlsx';
    void w.choose();
    await settle();
    expect(w.busy).toBe('previewing');
    w.escape();
    expect(calls.cancels).toBe(1);
    expect(w.busy).toBeNull();
    expect(w.step).toBe('pick');
    // Its late answer is dropped.
    lastPreview().answer.resolve(PREVIEW());
    await settle();
    expect(w.preview).toBeNull();
  });
});

describe('the run', () => {
  it('imports with the previewed options and shows the summary', async () => {
    const w = await opened();
    w.setCreateClasses(true);
    await settle();
    lastPreview().answer.resolve(PREVIEW());
    await settle();
    w.next();
    w.next();
    expect(w.step).toBe('import');
    w.next();
    expect(w.busy).toBe('running');
    await settle();
    expect(runCalls()[0]!.options.create_classes).toBe(true);
    // Nothing else starts while it runs.
    w.escape();
    expect(calls.cancels).toBe(1);
    expect(w.cancelled).toBe(true);
    runCalls()[0]!.answer.resolve(OUTCOME);
    await settle();
    expect(w.step).toBe('summary');
    expect(w.outcome?.committed).toBe(true);
    expect(w.busy).toBeNull();
  });

  it('a cancelled run writes nothing and says so', async () => {
    const w = await opened();
    w.next();
    w.next();
    const running = w.run();
    await settle();
    await w.cancelRun();
    runCalls()[0]!.answer.resolve({ ...OUTCOME, committed: false, import_id: null, inserted: 0 });
    await running;
    expect(w.step).toBe('summary');
    expect(w.outcome?.committed).toBe(false);
    expect(w.cancelled).toBe(true);
    w.escape();
    expect(w.step).toBe('preview');
    expect(w.outcome).toBeNull();
  });

  it('a run that fails stays on the import step with the reason', async () => {
    const w = await opened();
    w.next();
    w.next();
    const running = w.run();
    await settle();
    runCalls()[0]!.answer.reject({ code: 'busy', message: 'The database is busy', details: [] });
    await running;
    expect(w.step).toBe('import');
    expect(w.error?.message).toBe('The database is busy');
  });

  it('saves the problems next to the file the person picks', async () => {
    const w = await opened();
    await w.saveProblems();
    expect(api.importErrorReport).toHaveBeenCalledWith('/data/Class list.xlsx', w.previewedWith, '/tmp/problems.xlsx');
    expect(w.busy).toBeNull();
  });

  it('starts again for another file', async () => {
    const w = await opened();
    w.another();
    expect(w.step).toBe('pick');
    expect(w.file).toBeNull();
    expect(w.open).toBe(true);
  });
});
