import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const dialog = vi.hoisted(() => ({
  open: vi.fn(async (_options?: unknown): Promise<string | string[] | null> => '/picked/list.xlsx'),
  save: vi.fn(async (_options?: unknown): Promise<string | null> => '/picked/out.xlsx'),
}));
vi.mock('@tauri-apps/plugin-dialog', () => dialog);

const { chooseSavePath, chooseSpreadsheet, listenForDrops } = await import('./files');

beforeEach(() => {
  vi.stubGlobal('window', {});
  vi.clearAllMocks();
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('chooseSpreadsheet', () => {
  it('asks for a spreadsheet', async () => {
    expect(await chooseSpreadsheet()).toBe('/picked/list.xlsx');
    expect(dialog.open).toHaveBeenCalledWith({
      multiple: false,
      directory: false,
      filters: [{ name: 'Spreadsheets', extensions: ['xlsx', 'xlsm', 'xls', 'ods', 'csv'] }],
    });
  });

  it('gives null when the dialog is closed', async () => {
    dialog.open.mockResolvedValueOnce(null);
    expect(await chooseSpreadsheet()).toBeNull();
  });

  it('takes the end-to-end tests’ file instead of a dialog', async () => {
    vi.stubGlobal('window', { __ROLLBOOK_E2E_IMPORT_PATH__: '/tmp/e2e/class.xlsx' });
    expect(await chooseSpreadsheet()).toBe('/tmp/e2e/class.xlsx');
    expect(dialog.open).not.toHaveBeenCalled();
  });
});

describe('chooseSavePath', () => {
  it('asks where to save, suggesting a name', async () => {
    expect(await chooseSavePath('Class roll - Grade 5 B.xlsx')).toBe('/picked/out.xlsx');
    expect(dialog.save).toHaveBeenCalledWith({
      defaultPath: 'Class roll - Grade 5 B.xlsx',
      filters: [{ name: 'Excel', extensions: ['xlsx'] }],
    });
  });

  it('takes the end-to-end tests’ path instead of a dialog', async () => {
    vi.stubGlobal('window', { __ROLLBOOK_E2E_SAVE_PATH__: '/tmp/e2e/out.xlsx' });
    expect(await chooseSavePath('x.xlsx')).toBe('/tmp/e2e/out.xlsx');
    expect(dialog.save).not.toHaveBeenCalled();
  });
});

describe('listenForDrops', () => {
  it('does nothing outside the desktop shell', () => {
    const stop = listenForDrops({ drop: () => {}, hover: () => {} });
    expect(() => stop()).not.toThrow();
  });
});
