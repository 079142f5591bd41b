// The import wizard's plain logic: column choices, rows by page, words for progress, history
// and outcomes. The core does the work and remembers mappings; this only shapes what it says.
import type {
  CellProblem,
  ColumnChoice,
  ColumnMapping,
  DateOrder,
  Field,
  ImportMode,
  ImportOptions,
  ImportOutcome,
  ImportPhase,
  ImportPreview,
  ImportProgress,
  ImportRecord,
  RowAction,
  RowPlan,
  UndoSummary,
} from './ipc/types';
import { formatDate, localIso } from './dates';

/** Every column a class list can have, labelled with the header Rollbook writes for it. */
export const FIELDS: { value: Field; label: string }[] = [
  { value: 'admission_no', label: 'Admission No' },
  { value: 'roll_no', label: 'Roll No' },
  { value: 'full_name', label: 'Student Name' },
  { value: 'given_name', label: 'Given Name' },
  { value: 'family_name', label: 'Family Name' },
  { value: 'class', label: 'Class' },
  { value: 'grade', label: 'Grade' },
  { value: 'section', label: 'Section' },
  { value: 'dob', label: 'Date of Birth' },
  { value: 'gender', label: 'Gender' },
  { value: 'admission_date', label: 'Admission Date' },
  { value: 'status', label: 'Status' },
  { value: 'guardian_name', label: 'Guardian Name' },
  { value: 'guardian_relation', label: 'Guardian Relation' },
  { value: 'guardian_phone', label: 'Guardian Mobile' },
  { value: 'guardian_alt_phone', label: 'Guardian Alternate Mobile' },
  { value: 'guardian_email', label: 'Guardian Email' },
  { value: 'whatsapp_consent', label: 'WhatsApp Consent' },
  { value: 'father_name', label: "Father's Name" },
  { value: 'father_phone', label: "Father's Mobile" },
  { value: 'mother_name', label: "Mother's Name" },
  { value: 'mother_phone', label: "Mother's Mobile" },
  { value: 'guardian2_name', label: 'Guardian 2 Name' },
  { value: 'guardian2_relation', label: 'Guardian 2 Relation' },
  { value: 'guardian2_phone', label: 'Guardian 2 Mobile' },
];

export function fieldLabel(field: Field | null): string {
  if (field === null) return 'Ignore';
  return FIELDS.find((f) => f.value === field)?.label ?? field;
}

export const MODES: { value: ImportMode; label: string; about: string }[] = [
  { value: 'insert', label: 'Add new only', about: 'A row whose admission number is already in Rollbook is a problem.' },
  { value: 'update', label: 'Update existing only', about: 'A row whose admission number is not in Rollbook is a problem.' },
  { value: 'upsert', label: 'Add and update', about: 'New admission numbers are added; students already in Rollbook are updated.' },
];

export function modeLabel(mode: ImportMode): string {
  return MODES.find((m) => m.value === mode)?.label ?? mode;
}

export const DEFAULT_OPTIONS: ImportOptions = { mode: 'upsert', create_classes: false, skip_bad_rows: false };

// ---- Files

export const SPREADSHEET_EXTENSIONS = ['xlsx', 'xlsm', 'xls', 'ods', 'csv'];

/** The last part of a path, for Windows and Unix paths alike. */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

export function isSpreadsheet(path: string): boolean {
  const ext = /\.([^.\\/]+)$/.exec(path)?.[1]?.toLowerCase();
  return ext !== undefined && SPREADSHEET_EXTENSIONS.includes(ext);
}

/** The spreadsheet among dropped files (the first one), or null. */
export function firstSpreadsheet(paths: string[]): string | null {
  return paths.find(isSpreadsheet) ?? null;
}

const num = new Intl.NumberFormat();

/** A count as people read it: 50000 → "50,000" (in the computer's own grouping). */
export function formatCount(n: number | bigint): string {
  return num.format(Number(n));
}

export function plural(n: number | bigint, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${Number(n) === 1 ? one : many}`;
}

export function formatSize(bytes: number | bigint): string {
  const b = Number(bytes);
  if (b < 1024) return plural(b, 'byte');
  if (b < 1024 * 1024) return `${Math.round(b / 1024)} KB`;
  return `${(b / (1024 * 1024)).toFixed(1)} MB`;
}

export function formatDuration(ms: number | bigint): string {
  const t = Number(ms);
  if (t < 1000) return 'under a second';
  if (t < 60_000) {
    const s = Math.round(t / 100) / 10;
    return `${s % 1 === 0 ? s.toFixed(0) : s.toFixed(1)} seconds`;
  }
  const total = Math.round(t / 1000);
  const m = Math.floor(total / 60);
  const s = total % 60;
  return s ? `${m} min ${s} s` : `${m} min`;
}

// ---- Columns

/**
 * The mapping to send after the person picks `field` for `column`: every column's choice,
 * starting from what is chosen already (`current`, when a choice was made before) or else
 * from what the preview shows.
 */
export function mappingWith(
  columns: ColumnMapping[],
  current: ColumnChoice[] | undefined,
  column: number,
  field: Field | null,
): ColumnChoice[] {
  const base = current ?? columns.map((c) => ({ column: c.column, field: c.field }));
  const out = base.map((c) => (c.column === column ? { column, field } : { ...c }));
  if (!out.some((c) => c.column === column)) out.push({ column, field });
  return out.sort((a, b) => a.column - b.column);
}

/** The field a column is set to: the choice sent, else what the preview says. */
export function fieldOf(column: ColumnMapping, mapping: ColumnChoice[] | undefined): Field | null {
  const chosen = mapping?.find((c) => c.column === column.column);
  return chosen ? chosen.field : column.field;
}

export type ColumnSource = 'chosen' | 'remembered' | 'recognised' | 'none';

/**
 * Where a column's field comes from: picked just now, remembered from an earlier import of a
 * sheet with these headers, or recognised from the header.
 */
export function columnSource(column: ColumnMapping, chosenNow: ReadonlySet<number>): ColumnSource {
  if (chosenNow.has(column.column)) return 'chosen';
  if (column.field !== column.detected) return 'remembered';
  return column.field === null ? 'none' : 'recognised';
}

/** Fields set on more than one column. */
export function duplicateFields(fields: (Field | null)[]): Set<Field> {
  const seen = new Set<Field>();
  const twice = new Set<Field>();
  for (const f of fields) {
    if (f === null) continue;
    if (seen.has(f)) twice.add(f);
    seen.add(f);
  }
  return twice;
}

/** How many problems each column (by letter) has across all rows. */
export function problemsByColumn(rows: RowPlan[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) {
    for (const p of r.problems) {
      if (p.column) out.set(p.column, (out.get(p.column) ?? 0) + 1);
    }
  }
  return out;
}

// ---- Rows

export type RowCell = 'admission' | 'name' | 'class';

const CELL_OF: Partial<Record<Field, RowCell>> = {
  admission_no: 'admission',
  roll_no: 'admission',
  full_name: 'name',
  given_name: 'name',
  family_name: 'name',
  class: 'class',
  grade: 'class',
  section: 'class',
};

/** The cells of the preview table (admission no, name, class) that a row's problems are in. */
export function problemCells(row: RowPlan, columns: ColumnMapping[]): Set<RowCell> {
  const out = new Set<RowCell>();
  for (const p of row.problems) {
    if (!p.column) continue;
    const field = columns.find((c) => c.letter === p.column)?.field;
    const cell = field ? CELL_OF[field] : undefined;
    if (cell) out.add(cell);
  }
  return out;
}

/** "Column D (Mobile): not a phone number"; with `withRow`, "Row 7, column D (Mobile): …". */
export function problemText(p: CellProblem, withRow = false): string {
  const where = p.column ? `${p.column}${p.header ? ` (${p.header})` : ''}` : '';
  if (withRow && p.row > 0) return where ? `Row ${p.row}, column ${where}: ${p.message}` : `Row ${p.row}: ${p.message}`;
  return where ? `Column ${where}: ${p.message}` : p.message;
}

export function hasProblems(row: RowPlan): boolean {
  return row.action === 'error' || row.problems.length > 0;
}

export const ACTION_LABELS: Record<RowAction, string> = {
  insert: 'New',
  update: 'Update',
  unchanged: 'Unchanged',
  error: 'Problem',
};

const CHANGE_LABELS: Record<string, string> = {
  admission_no: 'admission no',
  given_name: 'given name',
  family_name: 'family name',
  class_id: 'class',
  dob: 'date of birth',
  admission_date: 'admission date',
  whatsapp_consent: 'WhatsApp consent',
};

/** A changed field as words: `class_id` → "class", `given_name` → "given name". */
export function changeLabel(change: string): string {
  return CHANGE_LABELS[change] ?? change.replace(/_id$/, '').replace(/_/g, ' ');
}

/** Rows shown at once in the preview: the table stays light for any file size. */
export const PAGE_SIZE = 100;

export type RowPage = {
  rows: RowPlan[];
  /** 0-based page shown (clamped to the pages there are). */
  page: number;
  pages: number;
  total: number;
  /** 1-based positions of the first and last row shown (0 when none). */
  first: number;
  last: number;
};

export function pageOf(rows: RowPlan[], page: number, size = PAGE_SIZE): RowPage {
  const total = rows.length;
  const pages = Math.max(1, Math.ceil(total / size));
  const p = Math.min(Math.max(0, Math.floor(page)), pages - 1);
  const start = p * size;
  const shown = rows.slice(start, start + size);
  return { rows: shown, page: p, pages, total, first: shown.length ? start + 1 : 0, last: start + shown.length };
}

/** The rows to page through: all, or only those with problems. */
export function rowsToShow(rows: RowPlan[], onlyProblems: boolean): RowPlan[] {
  return onlyProblems ? rows.filter(hasProblems) : rows;
}

/** Why the import cannot run with these options, in words (empty when it can). */
export function blockers(preview: ImportPreview, options: ImportOptions): string[] {
  if (preview.can_import) return [];
  const out: string[] = [];
  if (preview.file_problems.length > 0) out.push('The file has problems (shown above).');
  if (preview.missing_classes.length > 0 && !options.create_classes) {
    const n = preview.missing_classes.length;
    out.push(
      n === 1
        ? 'A class in the file does not exist: tick “Create this class”, or correct the class name in the file.'
        : `${n} classes in the file do not exist: tick “Create these classes”, or correct the class names in the file.`,
    );
  }
  if (preview.counts.error > 0 && !options.skip_bad_rows) {
    const n = preview.counts.error;
    out.push(`${plural(n, 'row has', 'rows have')} problems: correct the file, or tick “Skip rows with problems”.`);
  }
  if (out.length === 0) {
    out.push(
      preview.counts.rows === 0 ? 'The sheet has no student rows under the headers.' : 'Nothing to import: no row adds or changes a student.',
    );
  }
  return out;
}

// ---- Progress

const PHASES: Record<ImportPhase, string> = { reading: 'Reading', checking: 'Checking', saving: 'Saving' };

export function phaseLabel(phase: ImportPhase): string {
  return PHASES[phase] ?? phase;
}

/** The progress bar's value and max; null value for a bar that only shows it is busy. */
export function progressBar(p: ImportProgress | null): { value: number | null; max: number } {
  if (!p || p.total <= 0) return { value: null, max: 1 };
  return { value: Math.min(Math.max(0, p.done), p.total), max: p.total };
}

/** "Checking 1,200 of 50,000 rows (2%)", "Reading…", or `idle` before the first report. */
export function progressText(p: ImportProgress | null, idle = 'Starting…'): string {
  if (!p) return idle;
  const label = phaseLabel(p.phase);
  if (p.total <= 0) return `${label}…`;
  const done = Math.min(Math.max(0, p.done), p.total);
  const pct = Math.floor((done * 100) / p.total);
  const unit = p.phase === 'reading' ? '' : ' rows';
  return `${label} ${formatCount(done)} of ${formatCount(p.total)}${unit} (${pct}%)`;
}

/**
 * Applies only the newest of many quick reports, at most once per `schedule` tick: a big
 * file reports progress thousands of times and the page redraws a few times a second.
 */
export function coalesce<T>(
  apply: (value: T) => void,
  schedule: (run: () => void) => unknown = (run) => setTimeout(run, 50),
): { push(value: T): void; cancel(): void } {
  let pending: { value: T } | null = null;
  let scheduled = false;
  let generation = 0;
  return {
    push(value) {
      pending = { value };
      if (scheduled) return;
      scheduled = true;
      const mine = generation;
      schedule(() => {
        if (mine !== generation) return;
        scheduled = false;
        const p = pending;
        pending = null;
        if (p) apply(p.value);
      });
    },
    cancel() {
      generation++;
      pending = null;
      scheduled = false;
    },
  };
}

// ---- Outcome

/** What a finished run did, as lines for the summary. */
export function outcomeLines(o: ImportOutcome): string[] {
  const lines = [
    `${plural(o.inserted, 'student')} added`,
    `${plural(o.updated, 'student')} updated`,
    `${plural(o.unchanged, 'student')} unchanged`,
  ];
  if (o.skipped > 0) lines.push(`${plural(o.skipped, 'row')} with problems skipped`);
  if (o.classes_created.length > 0) {
    lines.push(`${plural(o.classes_created.length, 'class', 'classes')} created: ${o.classes_created.join(', ')}`);
  }
  return lines;
}

/** An outcome for a run that ended without one (it was cancelled, or failed). */
export function nothingWritten(problems: string[] = []): ImportOutcome {
  return {
    committed: false,
    import_id: null,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    skipped: 0,
    classes_created: [],
    duration_ms: 0,
    problems: [],
    file_problems: problems,
  };
}

// ---- History

function time(iso: string): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
}

/** Newest first. */
export function sortHistory(records: ImportRecord[]): ImportRecord[] {
  return [...records].sort((a, b) => time(b.imported_at) - time(a.imported_at));
}

/** The import "Undo last import" would undo (the newest not undone), if it can be undone. */
export function undoTarget(records: ImportRecord[]): ImportRecord | null {
  const last = sortHistory(records).find((r) => !r.undone_at);
  return last?.can_undo ? last : null;
}

/** An RFC 3339 instant as the school writes dates, with the local time: "25/12/2026 14:05". */
export function historyWhen(iso: string, order: DateOrder): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const d = new Date(t);
  const hh = String(d.getHours()).padStart(2, '0');
  const mm = String(d.getMinutes()).padStart(2, '0');
  return `${formatDate(localIso(d), order)} ${hh}:${mm}`;
}

export function undoMessage(s: UndoSummary): string {
  return `Removed ${plural(s.removed, 'student')}, restored ${formatCount(s.restored)}`;
}
