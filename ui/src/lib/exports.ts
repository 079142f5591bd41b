// Exports to .xlsx: the file names offered in the save dialog, and the save itself.
import { chooseSavePath } from './files';
import { showToast } from './toast.svelte';

export type ExportKind =
  | { kind: 'students' }
  | { kind: 'rolls' }
  | { kind: 'roll'; className: string }
  | { kind: 'template' }
  | { kind: 'register'; className: string | null; month: string }
  | { kind: 'problems'; fileName: string }
  | { kind: 'daybook'; date: string }
  | { kind: 'defaulters'; className: string | null; date: string }
  | { kind: 'collection'; termName: string }
  | { kind: 'statement'; studentName: string }
  | { kind: 'audit'; from: string; to: string };

/** A name any file system takes: no path separators or characters Windows refuses. */
export function safeFileName(name: string): string {
  const cleaned = name
    .replace(/\s+/g, ' ')
    .replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '-')
    .trim()
    .replace(/^[.\s-]+|[.\s]+$/g, '');
  return cleaned || 'Export';
}

/** `path` ending in `.ext` (a save dialog may hand back a name typed without it). */
export function withExtension(path: string, ext: string): string {
  return path.toLowerCase().endsWith(`.${ext.toLowerCase()}`) ? path : `${path}.${ext}`;
}

/** The file name the save dialog suggests. */
export function defaultExportName(what: ExportKind): string {
  switch (what.kind) {
    case 'students':
      return 'Student register.xlsx';
    case 'rolls':
      return 'Class rolls - All classes.xlsx';
    case 'roll':
      return `${safeFileName(`Class roll - ${what.className}`)}.xlsx`;
    case 'template':
      return 'Rollbook import template.xlsx';
    case 'register':
      return `${safeFileName(`Attendance register - ${what.className ?? 'All classes'} - ${what.month}`)}.xlsx`;
    case 'problems': {
      const stem = what.fileName.replace(/\.[^.]*$/, '');
      return `${safeFileName(`Problems - ${stem}`)}.xlsx`;
    }
    case 'daybook':
      return `${safeFileName(`Day book - ${what.date}`)}.xlsx`;
    case 'defaulters':
      return `${safeFileName(`Fee defaulters - ${what.className ?? 'All classes'} - ${what.date}`)}.xlsx`;
    case 'collection':
      return `${safeFileName(`Fee collection - ${what.termName}`)}.xlsx`;
    case 'statement':
      return `${safeFileName(`Fee statement - ${what.studentName}`)}.xlsx`;
    case 'audit':
      return `${safeFileName(`Audit report - ${what.from} to ${what.to}`)}.xlsx`;
  }
}

export function savedMessage(path: string): string {
  return `Saved to ${path}`;
}

/**
 * Asks where to save, writes the file with `write`, and says where it went. Resolves to the
 * path, or null when the person closed the dialog; rejects with the command's error.
 */
export async function exportTo(what: ExportKind, write: (path: string) => Promise<void>): Promise<string | null> {
  const chosen = await chooseSavePath(defaultExportName(what));
  if (!chosen) return null;
  const path = withExtension(chosen, 'xlsx');
  await write(path);
  showToast(savedMessage(path), 6000);
  return path;
}
