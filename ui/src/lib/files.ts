// The native file dialogs and files dropped on the window: the only place the UI touches
// them, so everything else can be tested without a window.
//
// End-to-end tests cannot click a native dialog. When `window.__ROLLBOOK_E2E_IMPORT_PATH__`
// (or `__ROLLBOOK_E2E_SAVE_PATH__`) is a string, it is taken as the file chosen.
import { getCurrentWebview } from '@tauri-apps/api/webview';
import { open, save } from '@tauri-apps/plugin-dialog';
import { listening } from './events';
import { SPREADSHEET_EXTENSIONS } from './import';

declare global {
  interface Window {
    __ROLLBOOK_E2E_IMPORT_PATH__?: unknown;
    __ROLLBOOK_E2E_SAVE_PATH__?: unknown;
  }
}

/** Asks for a spreadsheet to import: its path, or null when the dialog was closed. */
export async function chooseSpreadsheet(): Promise<string | null> {
  const hook = window.__ROLLBOOK_E2E_IMPORT_PATH__;
  if (typeof hook === 'string') return hook;
  const picked = await open({
    multiple: false,
    directory: false,
    filters: [{ name: 'Spreadsheets', extensions: SPREADSHEET_EXTENSIONS }],
  });
  return typeof picked === 'string' ? picked : null;
}

/** Asks where to save an .xlsx file: its path, or null when the dialog was closed. */
export async function chooseSavePath(defaultPath: string): Promise<string | null> {
  return chooseSaveAs(defaultPath, 'Excel', 'xlsx');
}

/** Asks where to save a file of one kind (e.g. 'PDF', 'pdf'): its path, or null. */
export async function chooseSaveAs(defaultPath: string, name: string, extension: string): Promise<string | null> {
  const hook = window.__ROLLBOOK_E2E_SAVE_PATH__;
  if (typeof hook === 'string') return hook;
  const path = await save({ defaultPath, filters: [{ name, extensions: [extension] }] });
  return path || null;
}

/** Asks for a folder (where backups go): its path, or null when the dialog was closed. */
export async function chooseFolder(): Promise<string | null> {
  const hook = window.__ROLLBOOK_E2E_IMPORT_PATH__;
  if (typeof hook === 'string') return hook;
  const picked = await open({ multiple: false, directory: true });
  return typeof picked === 'string' ? picked : null;
}

export type DropHandlers = {
  /** Files dropped on the window. */
  drop(paths: string[]): void;
  /** Files are (true) or are no longer (false) being dragged over the window. */
  hover(over: boolean): void;
};

/**
 * Listens for files dropped on the window until the returned function is called. Where
 * the window may not listen (or outside the desktop shell) dropping does nothing.
 */
export function listenForDrops(handlers: DropHandlers): () => void {
  return listening(() =>
    getCurrentWebview().onDragDropEvent((event) => {
      const p = event.payload;
      if (p.type === 'drop') {
        handlers.hover(false);
        handlers.drop(p.paths);
      } else if (p.type === 'leave') handlers.hover(false);
      else handlers.hover(true);
    }),
  );
}
