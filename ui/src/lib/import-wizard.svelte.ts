// The import wizard's state, kept while other pages are open (an import under way goes on
// and its summary waits). All the work is in the core's commands: this only asks and shows.
import { failed } from './app.svelte';
import { exportTo } from './exports';
import { chooseSpreadsheet } from './files';
import { coalesce, DEFAULT_OPTIONS, fieldOf, firstSpreadsheet, mappingWith, nothingWritten } from './import';
import { api } from './ipc/commands';
import type {
  AppError,
  ColumnMapping,
  Field,
  ImportMode,
  ImportOptions,
  ImportOutcome,
  ImportPreview,
  ImportProgress,
  OpenedFile,
} from './ipc/types';

export type Step = 'pick' | 'columns' | 'preview' | 'import' | 'summary';

export const STEPS: { step: Step; label: string }[] = [
  { step: 'pick', label: 'Choose file' },
  { step: 'columns', label: 'Sheet and columns' },
  { step: 'preview', label: 'Check rows' },
  { step: 'import', label: 'Import' },
  { step: 'summary', label: 'Summary' },
];

export type Busy = 'opening' | 'previewing' | 'running' | 'saving-report' | null;

export const NOT_A_SPREADSHEET = 'Rollbook imports spreadsheets: .xlsx, .xlsm, .xls, .ods or .csv files.';

function nextFrame(run: () => void): void {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => run());
  else setTimeout(run, 50);
}

export class ImportWizard {
  /** The wizard is showing (instead of the page's exports and history). */
  open = $state(false);
  step = $state<Step>('pick');
  path = $state<string | null>(null);
  file = $state.raw<OpenedFile | null>(null);
  options = $state<ImportOptions>({ ...DEFAULT_OPTIONS });
  /** Columns set by hand in this wizard (the rest are remembered or recognised). */
  chosen = $state<number[]>([]);
  /** The latest dry run; raw, as it can hold 50,000 rows. */
  preview = $state.raw<ImportPreview | null>(null);
  /** The options `preview` was made with. */
  previewedWith = $state.raw<ImportOptions>({ ...DEFAULT_OPTIONS });
  busy = $state<Busy>(null);
  progress = $state.raw<ImportProgress | null>(null);
  cancelled = $state(false);
  outcome = $state.raw<ImportOutcome | null>(null);
  error = $state.raw<AppError | null>(null);
  /** The file dialog is open. */
  choosing = $state(false);
  /** Files are being dragged over the window. */
  dragging = $state(false);
  onlyProblems = $state(false);
  page = $state(0);

  #seq = 0;
  #inFlight: Promise<unknown> | null = null;
  #progress = coalesce<ImportProgress>((p) => (this.progress = p), nextFrame);

  /** Opens the wizard at its first step. */
  start(): void {
    if (this.busy === 'running') {
      this.open = true;
      return;
    }
    this.#reset();
    this.open = true;
  }

  /** Back to the page's exports and history (not while an import runs). */
  close(): void {
    if (this.busy === 'running') return;
    if (this.busy === 'previewing') this.cancelPreview();
    this.#reset();
    this.open = false;
  }

  /** Starts again with another file. */
  another(): void {
    if (this.busy === 'running') return;
    this.#reset();
    this.open = true;
  }

  #reset(): void {
    this.#seq++;
    this.#progress.cancel();
    this.step = 'pick';
    this.path = null;
    this.file = null;
    this.options = { ...DEFAULT_OPTIONS };
    this.chosen = [];
    this.preview = null;
    this.previewedWith = { ...DEFAULT_OPTIONS };
    this.busy = null;
    this.progress = null;
    this.cancelled = false;
    this.outcome = null;
    this.error = null;
    this.onlyProblems = false;
    this.page = 0;
  }

  /** "Choose file…": the dialog, then the file. */
  async choose(): Promise<void> {
    if (this.busy === 'running' || this.busy === 'opening' || this.choosing) return;
    this.choosing = true;
    let path: string | null = null;
    try {
      path = await chooseSpreadsheet();
    } catch (e) {
      this.error = failed(e);
    } finally {
      this.choosing = false;
    }
    if (path) await this.openPath(path);
  }

  /** Files dropped on the window: the first spreadsheet among them is opened. */
  async dropped(paths: string[]): Promise<void> {
    if (this.busy === 'running' || !this.open) return;
    const path = firstSpreadsheet(paths);
    if (!path) {
      this.error = { code: 'validation', message: NOT_A_SPREADSHEET, details: [] };
      return;
    }
    await this.openPath(path);
  }

  async openPath(path: string): Promise<void> {
    if (this.busy === 'running') return;
    this.#seq++; // an older file's preview is of no use now
    if (this.#inFlight) void api.importCancel().catch(() => {});
    this.busy = 'opening';
    this.error = null;
    try {
      const file = await api.importOpen(path);
      this.#reset();
      this.path = path;
      this.file = file;
      this.step = 'columns';
      await this.refresh();
    } catch (e) {
      this.error = failed(e);
      this.busy = null;
    }
  }

  /** Runs the dry run again with the options as they are now; only the newest answer counts. */
  async refresh(): Promise<void> {
    const path = this.path;
    if (!path || this.busy === 'running') return;
    const mine = ++this.#seq;
    this.busy = 'previewing';
    this.error = null;
    if (this.#inFlight) {
      // One dry run at a time: stop the one under way and wait for it to end.
      await api.importCancel().catch(() => {});
      await this.#inFlight.catch(() => {});
      if (mine !== this.#seq) return;
    }
    const options = $state.snapshot(this.options) as ImportOptions;
    this.#progress.cancel();
    this.progress = null;
    const call = api.importPreview(path, options, (p) => {
      if (mine === this.#seq) this.#progress.push(p);
    });
    this.#inFlight = call;
    try {
      const preview = await call;
      if (mine !== this.#seq) return;
      this.preview = preview;
      this.previewedWith = options;
    } catch (e) {
      if (mine !== this.#seq) return;
      this.error = failed(e);
    } finally {
      if (this.#inFlight === call) this.#inFlight = null;
      if (mine === this.#seq) {
        this.busy = null;
        this.#progress.cancel();
        this.progress = null;
      }
    }
  }

  /** Stops the dry run under way (Esc); without any preview yet, back to choosing a file. */
  cancelPreview(): void {
    if (this.busy !== 'previewing') return;
    this.#seq++;
    this.#progress.cancel();
    this.progress = null;
    this.busy = null;
    void api.importCancel().catch(() => {});
    if (!this.preview && this.step === 'columns') this.step = 'pick';
  }

  // ---- Choices

  fieldFor(column: ColumnMapping): Field | null {
    return fieldOf(column, this.options.mapping);
  }

  setField(column: number, field: Field | null): void {
    if (!this.preview) return;
    this.options.mapping = mappingWith(this.preview.columns, $state.snapshot(this.options.mapping), column, field);
    if (!this.chosen.includes(column)) this.chosen.push(column);
    void this.refresh();
  }

  setSheet(sheet: string): void {
    this.options.sheet = sheet;
    this.#newColumns();
  }

  /** Headers in row `row` (1-based), or found by the core when undefined. */
  setHeaderRow(row: number | undefined): void {
    this.options.header_row = row;
    this.#newColumns();
  }

  #newColumns(): void {
    // Another sheet or header row has other columns: the core finds (or remembers) them.
    this.options.mapping = undefined;
    this.chosen = [];
    this.page = 0;
    void this.refresh();
  }

  setMode(mode: ImportMode): void {
    this.options.mode = mode;
    void this.refresh();
  }

  setCreateClasses(on: boolean): void {
    this.options.create_classes = on;
    void this.refresh();
  }

  setSkipBadRows(on: boolean): void {
    this.options.skip_bad_rows = on;
    void this.refresh();
  }

  setOnlyProblems(on: boolean): void {
    this.onlyProblems = on;
    this.page = 0;
  }

  // ---- Steps

  /** Whether the step is complete, so Enter (or Next) moves on. */
  get canAdvance(): boolean {
    if (this.busy !== null) return false;
    switch (this.step) {
      case 'pick':
        return this.file !== null;
      case 'columns':
        return this.preview !== null && this.preview.file_problems.length === 0;
      case 'preview':
      case 'import':
        return this.preview?.can_import === true;
      case 'summary':
        return false;
    }
  }

  next(): void {
    if (!this.canAdvance) return;
    this.error = null;
    switch (this.step) {
      case 'pick':
        this.step = 'columns';
        if (!this.preview) void this.refresh();
        break;
      case 'columns':
        this.step = 'preview';
        break;
      case 'preview':
        this.step = 'import';
        break;
      case 'import':
        void this.run();
        break;
    }
  }

  back(): void {
    if (this.busy === 'running') return;
    this.error = null;
    switch (this.step) {
      case 'pick':
        this.close();
        break;
      case 'columns':
        this.cancelPreview();
        this.step = 'pick';
        break;
      case 'preview':
        this.step = 'columns';
        break;
      case 'import':
        this.step = 'preview';
        break;
      case 'summary':
        if (this.outcome?.committed) this.close();
        else this.backToPreview();
        break;
    }
  }

  /** Esc: stops what runs, else goes one step back (from the first step, out). */
  escape(): void {
    if (this.busy === 'running') void this.cancelRun();
    else if (this.busy === 'previewing') this.cancelPreview();
    else if (this.busy === null) this.back();
  }

  // ---- The run

  async run(): Promise<void> {
    const path = this.path;
    if (!path || !this.preview?.can_import || this.busy !== null) return;
    const options = $state.snapshot(this.options) as ImportOptions;
    const mine = ++this.#seq;
    this.busy = 'running';
    this.cancelled = false;
    this.error = null;
    this.progress = null;
    try {
      this.outcome = await api.importRun(path, options, (p) => {
        if (mine === this.#seq) this.#progress.push(p);
      });
      this.step = 'summary';
    } catch (e) {
      if (this.cancelled) {
        this.outcome = nothingWritten();
        this.step = 'summary';
      } else {
        this.error = failed(e);
      }
    } finally {
      this.busy = null;
      this.#progress.cancel();
      this.progress = null;
    }
  }

  /** Stops the run under way; a stopped run writes nothing. */
  async cancelRun(): Promise<void> {
    if (this.busy !== 'running' || this.cancelled) return;
    this.cancelled = true;
    try {
      await api.importCancel();
    } catch (e) {
      this.cancelled = false;
      this.error = failed(e);
    }
  }

  /** From a summary where nothing was written, back to the rows to put things right. */
  backToPreview(): void {
    if (this.busy !== null) return;
    this.outcome = null;
    this.cancelled = false;
    this.step = 'preview';
  }

  /** "Save problems as Excel": the rows with a Problems column, where the person says. */
  async saveProblems(): Promise<void> {
    const path = this.path;
    const file = this.file;
    if (!path || !file || this.busy !== null) return;
    const options = this.previewedWith;
    this.busy = 'saving-report';
    this.error = null;
    try {
      await exportTo({ kind: 'problems', fileName: file.file_name }, (out) => api.importErrorReport(path, options, out));
    } catch (e) {
      this.error = failed(e);
    } finally {
      if (this.busy === 'saving-report') this.busy = null;
    }
  }
}

export const importWizard = new ImportWizard();
