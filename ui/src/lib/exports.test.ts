import { beforeEach, describe, expect, it, vi } from 'vitest';

const picked = vi.hoisted(() => ({ path: null as string | null, asked: [] as string[] }));
vi.mock('./files', () => ({
  chooseSavePath: async (name: string) => {
    picked.asked.push(name);
    return picked.path;
  },
}));

const { defaultExportName, exportTo, safeFileName, savedMessage, withExtension } = await import('./exports');
const { toast } = await import('./toast.svelte');

beforeEach(() => {
  picked.path = null;
  picked.asked = [];
});

describe('defaultExportName', () => {
  it('suggests a name for each export', () => {
    expect(defaultExportName({ kind: 'roll', className: 'Grade 5 B' })).toBe('Class roll - Grade 5 B.xlsx');
    expect(defaultExportName({ kind: 'rolls' })).toBe('Class rolls - All classes.xlsx');
    expect(defaultExportName({ kind: 'students' })).toBe('Student register.xlsx');
    expect(defaultExportName({ kind: 'template' })).toBe('Rollbook import template.xlsx');
    expect(defaultExportName({ kind: 'register', className: 'Grade 5/B', month: '2026-11' })).toBe(
      'Attendance register - Grade 5-B - 2026-11.xlsx',
    );
    expect(defaultExportName({ kind: 'statement', studentName: 'Wanjiru Kamau' })).toBe('Fee statement - Wanjiru Kamau.xlsx');
    expect(defaultExportName({ kind: 'register', className: null, month: '2026-11' })).toBe(
      'Attendance register - All classes - 2026-11.xlsx',
    );
  });

  it('names a problems report after the imported file', () => {
    expect(defaultExportName({ kind: 'problems', fileName: 'Class 5B list.xls' })).toBe('Problems - Class 5B list.xlsx');
    expect(defaultExportName({ kind: 'problems', fileName: 'roll.2026.csv' })).toBe('Problems - roll.2026.xlsx');
  });

  it('names the fee reports after their day, class or term', () => {
    expect(defaultExportName({ kind: 'daybook', date: '2026-05-12' })).toBe('Day book - 2026-05-12.xlsx');
    expect(defaultExportName({ kind: 'defaulters', className: null, date: '2026-05-12' })).toBe(
      'Fee defaulters - All classes - 2026-05-12.xlsx',
    );
    expect(defaultExportName({ kind: 'defaulters', className: 'Grade 5/B', date: '2026-05-12' })).toBe(
      'Fee defaulters - Grade 5-B - 2026-05-12.xlsx',
    );
    expect(defaultExportName({ kind: 'collection', termName: 'Term 1: 2026' })).toBe('Fee collection - Term 1- 2026.xlsx');
  });

  it('names the audit report after its dates', () => {
    expect(defaultExportName({ kind: 'audit', from: '2026-05-01', to: '2026-05-31' })).toBe(
      'Audit report - 2026-05-01 to 2026-05-31.xlsx',
    );
  });

  it('keeps characters file systems refuse out of class names', () => {
    expect(defaultExportName({ kind: 'roll', className: 'Grade 5/B' })).toBe('Class roll - Grade 5-B.xlsx');
    expect(defaultExportName({ kind: 'roll', className: 'KG: "Sun*flower"?' })).toBe('Class roll - KG- -Sun-flower-.xlsx');
  });
});

describe('safeFileName', () => {
  it('never gives an empty or hidden name', () => {
    expect(safeFileName('  ')).toBe('Export');
    expect(safeFileName('///')).toBe('Export');
    expect(safeFileName('.hidden')).toBe('hidden');
    expect(safeFileName('a\tb  c')).toBe('a b c');
  });
});

describe('withExtension', () => {
  it('adds .xlsx when the name was typed without it', () => {
    expect(withExtension('/home/office/roll', 'xlsx')).toBe('/home/office/roll.xlsx');
    expect(withExtension('C:\\Roll.XLSX', 'xlsx')).toBe('C:\\Roll.XLSX');
    expect(withExtension('/tmp/roll.xlsx', 'xlsx')).toBe('/tmp/roll.xlsx');
  });
});

describe('savedMessage', () => {
  it('says where the file went', () => {
    expect(savedMessage('/home/office/Class roll - Grade 5 B.xlsx')).toBe('Saved to /home/office/Class roll - Grade 5 B.xlsx');
  });
});

describe('exportTo', () => {
  it('asks where to save, writes there and says where it went', async () => {
    picked.path = '/home/office/Grade 5 B roll';
    const write = vi.fn(async (_path: string) => {});
    expect(await exportTo({ kind: 'roll', className: 'Grade 5 B' }, write)).toBe('/home/office/Grade 5 B roll.xlsx');
    expect(picked.asked).toEqual(['Class roll - Grade 5 B.xlsx']);
    expect(write).toHaveBeenCalledWith('/home/office/Grade 5 B roll.xlsx');
    expect(toast.message).toBe('Saved to /home/office/Grade 5 B roll.xlsx');
  });

  it('writes nothing when the dialog is closed', async () => {
    const write = vi.fn(async (_path: string) => {});
    expect(await exportTo({ kind: 'students' }, write)).toBeNull();
    expect(write).not.toHaveBeenCalled();
  });

  it('passes on the command’s error', async () => {
    picked.path = '/readonly/x.xlsx';
    const failure = { code: 'io', message: 'Permission denied', details: [] };
    await expect(exportTo({ kind: 'template' }, async () => Promise.reject(failure))).rejects.toBe(failure);
  });
});
