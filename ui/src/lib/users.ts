// People who sign in: PIN shapes, role names, the sign-in screen's wording and list keys,
// and where a failed command's error belongs (the lock screen, setup, or the page itself).
import { daysInMonth, toIso } from './dates';
import type { FieldErrors } from './errors';
import type { Actor, AppError, ClassSummary, Id, Role, SessionStatus, SignInName, UserInput } from './ipc/types';

export const ROLES: Role[] = ['administrator', 'accountant', 'clerk', 'teacher'];

export const ROLE_LABELS: Record<Role, string> = {
  administrator: 'Administrator',
  accountant: 'Accountant',
  clerk: 'Clerk',
  teacher: 'Teacher',
};

/** What each role may do, as the add-user form explains it. */
export const ROLE_HINTS: Record<Role, string> = {
  administrator: 'Everything, including users, settings and the audit report.',
  accountant: 'Fees, reversals and fee reports.',
  clerk: 'Students, imports, taking payments and attendance.',
  teacher: 'The attendance of their own classes; students read-only.',
};

/**
 * What is wrong with a PIN's shape, or null: 4 to 8 digits, or a passphrase of 8 to 128
 * characters that is not all digits (the core checks the same, and says the same).
 */
export function pinProblem(pin: string): string | null {
  const len = [...pin].length;
  if (len === 0) return 'Type a PIN of 4 to 8 digits (or a passphrase of 8 characters or more).';
  const digits = /^[0-9]+$/.test(pin);
  if (digits) {
    return len >= 4 && len <= 8 ? null : 'A PIN has 4 to 8 digits (or use a passphrase of 8 characters or more).';
  }
  if (len < 8) return 'A passphrase needs at least 8 characters (or use a PIN of 4 to 8 digits).';
  if (len > 128) return 'A passphrase may have at most 128 characters.';
  if (pin.trim() !== pin) return 'A passphrase may not start or end with a space.';
  return null;
}

/**
 * The problems of a new PIN typed twice, by field: `pin` for its shape, `again` when the
 * second does not match the first.
 */
export function newPinProblems(pin: string, again: string): FieldErrors {
  const out: FieldErrors = {};
  const shape = pinProblem(pin);
  if (shape) out['pin'] = shape;
  else if (pin !== again) out['again'] = again ? 'The two PINs are not the same.' : 'Type the PIN again.';
  return out;
}

/** "Mrs. Iyer, administrator". */
export function whoLine(who: Pick<Actor, 'name' | 'role'>): string {
  return `${who.name}, ${who.role}`;
}

/** The lock screen's heading for who it waits for. */
export function lockHeading(status: SessionStatus, who: Pick<Actor, 'name' | 'role'> | null): string {
  if (!who) return 'Sign in';
  return `${status === 'locked' ? 'Locked' : 'Sign in'} — ${whoLine(who)}`;
}

/** Whether the lock screen covers the app in this state. */
export function needsSignIn(status: SessionStatus | null | undefined): boolean {
  return status === 'signed_out' || status === 'locked';
}

export type ErrorRoute = 'lock' | 'setup' | 'page';

/**
 * Where a failed command's error goes: `sign_in_required` to the lock screen, `not_set_up`
 * to first-run setup, everything else (refusals included, with the core's message) to the
 * page that asked.
 */
export function errorRoute(error: Pick<AppError, 'code'>): ErrorRoute {
  if (error.code === 'sign_in_required') return 'lock';
  if (error.code === 'not_set_up') return 'setup';
  return 'page';
}

/** The user whose PIN the sign-in screen asks for first: the last to sign in here, else the only one. */
export function firstChoice(users: SignInName[], remembered: string): SignInName | null {
  return users.find((u) => u.id === remembered) ?? (users.length === 1 ? (users[0] ?? null) : null);
}

/**
 * The option a key moves to in a list of `names`: ↑/↓ (stopping at the ends), Home/End,
 * or a letter (the next name starting with it, going round). Null when the key is not
 * the list's.
 */
export function listKey(key: string, current: number, names: string[]): number | null {
  const n = names.length;
  if (n === 0) return null;
  if (key === 'ArrowDown') return Math.min(n - 1, current + 1);
  if (key === 'ArrowUp') return Math.max(0, current - 1);
  if (key === 'Home') return 0;
  if (key === 'End') return n - 1;
  if (key.length === 1 && /\p{L}/u.test(key)) {
    const letter = key.toLocaleLowerCase();
    for (let step = 1; step <= n; step++) {
      const i = (current + step) % n;
      if (names[i]?.trim().toLocaleLowerCase().startsWith(letter)) return i;
    }
  }
  return null;
}

/** What the add/edit user form holds. */
export type UserForm = { name: string; role: Role; class_ids: Id[]; active: boolean };

/** The UserInput to send: the name trimmed, classes only for teachers. */
export function userInputOf(form: UserForm): UserInput {
  return {
    name: form.name.trim(),
    role: form.role,
    class_ids: form.role === 'teacher' ? [...form.class_ids] : [],
    active: form.active,
  };
}

/** "Grade 5 B, Grade 6 A": a teacher's classes by name, in the school's class order. */
export function classNames(ids: Id[], classes: Pick<ClassSummary, 'id' | 'name'>[]): string {
  const chosen = new Set(ids);
  return classes
    .filter((c) => chosen.has(c.id))
    .map((c) => c.name)
    .join(', ');
}

/** The first and last day of the month `today` falls in (the audit report's default). */
export function monthOf(today: Date): { from: string; to: string } {
  const y = today.getFullYear();
  const m = today.getMonth() + 1;
  return { from: toIso({ y, m, d: 1 }), to: toIso({ y, m, d: daysInMonth(y, m) }) };
}

/** The idle minutes typed in Settings, or the problem with them (1 to 120 whole minutes). */
export function lockMinutes(text: string): { minutes: number } | { problem: string } {
  const t = text.trim();
  const n = Number(t);
  if (!/^\d+$/.test(t) || n < 1 || n > 120) return { problem: 'Give a whole number of minutes from 1 to 120.' };
  return { minutes: n };
}

/** "1 row" / "23 rows". */
export function rowCount(n: number): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? 'row' : 'rows'}`;
}
