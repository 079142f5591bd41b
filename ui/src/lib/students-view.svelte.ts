// What the Students page shows, kept while other pages are open.
import type { StudentStatus } from './ipc/types';

export const studentsView = $state({
  query: '',
  classId: '',
  status: 'active' as StudentStatus | '',
});

export const STATUSES: { value: StudentStatus; label: string }[] = [
  { value: 'active', label: 'Active' },
  { value: 'left', label: 'Left' },
  { value: 'graduated', label: 'Graduated' },
];

export function statusLabel(s: StudentStatus): string {
  return STATUSES.find((x) => x.value === s)?.label ?? s;
}
