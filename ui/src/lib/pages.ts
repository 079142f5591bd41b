// The pages besides the student list (the first screen), each loaded when it is first
// opened, so that start-up parses only what the first screen shows (the charts' library
// among what waits). Once the first screen is up they are all fetched in the background, so
// that opening one later finds it ready.
import type { Component } from 'svelte';
import { afterFirstScreen } from './first-screen';

type Page = Component<any>;

const loaders = {
  student: () => import('../pages/StudentForm.svelte'),
  classes: () => import('../pages/Classes.svelte'),
  attendance: () => import('../pages/Attendance.svelte'),
  fees: () => import('../pages/Fees.svelte'),
  'import-export': () => import('../pages/ImportExport.svelte'),
  settings: () => import('../pages/Settings.svelte'),
} satisfies Record<string, () => Promise<{ default: Page }>>;

export type LazyPageName = keyof typeof loaders;

const loaded = new Map<LazyPageName, Page>();
const loading = new Map<LazyPageName, Promise<Page>>();

/**
 * The page's component: itself once loaded (so it is drawn at once), else the promise of
 * it. A failed load is forgotten, so the next visit tries again.
 */
export function page(name: LazyPageName): Page | Promise<Page> {
  const ready = loaded.get(name);
  if (ready) return ready;
  let pending = loading.get(name);
  if (!pending) {
    pending = loaders[name]().then(
      (module) => {
        loaded.set(name, module.default);
        loading.delete(name);
        return module.default;
      },
      (error: unknown) => {
        loading.delete(name);
        throw error;
      },
    );
    loading.set(name, pending);
  }
  return pending;
}

/** Loads every page, one after the other, once the first screen has been reported. */
export async function loadPagesAfterFirstScreen(): Promise<void> {
  await afterFirstScreen();
  for (const name of Object.keys(loaders) as LazyPageName[]) {
    try {
      await page(name);
    } catch {
      // Tried again when the page is opened, which then says what went wrong.
    }
  }
}
