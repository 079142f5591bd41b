// A tiny state router: which page is showing, and requests other pages act on.

export type PageName = 'students' | 'classes' | 'attendance' | 'fees' | 'import-export' | 'settings';

export type Route =
  | { name: 'students'; highlight?: string }
  | { name: 'student'; id: string | null }
  | { name: Exclude<PageName, 'students'> };

export const PAGES: { name: PageName; label: string }[] = [
  { name: 'students', label: 'Students' },
  { name: 'classes', label: 'Classes' },
  { name: 'attendance', label: 'Attendance' },
  { name: 'fees', label: 'Fees' },
  { name: 'import-export', label: 'Import & Export' },
  { name: 'settings', label: 'Settings' },
];

export const router = $state({
  route: { name: 'students' } as Route,
  /** Asks the Students page to focus its search box (it clears this when done). */
  searchFocusPending: false,
  /** Asks the Settings page to show one of its sections (the element id; it clears this). */
  settingsSection: null as string | null,
});

export function go(route: Route): void {
  router.route = route;
}

/** The navigation entry a route belongs to (the student form is part of Students). */
export function section(route: Route): PageName {
  return route.name === 'student' ? 'students' : route.name;
}

export function focusSearch(): void {
  if (router.route.name !== 'students') router.route = { name: 'students' };
  router.searchFocusPending = true;
}

/** Opens Settings at one of its sections (e.g. `settings-users`). */
export function goSettings(sectionId: string): void {
  router.settingsSection = sectionId;
  if (router.route.name !== 'settings') router.route = { name: 'settings' };
}
