// Who is at the keyboard: the session as the core has it, the lock screen it calls for, the
// idle lock, and the keys that work above every page (Ctrl+L; nothing else while locked).
import { idleTimer } from './idle';
import { api, onCommandError } from './ipc/commands';
import type { Actor, SessionState } from './ipc/types';
import { combo } from './keys';
import { loadRemembered, saveRemembered } from './remembered';
import { errorRoute, needsSignIn } from './users';

/** localStorage: the last person to sign in on this PC, asked for first next time. */
export const LAST_USER_KEY = 'rollbook.last-user';

export const session = $state({
  /** The core's answer; null before the school is open. */
  state: null as SessionState | null,
  /** Minutes without use before the app locks itself (this PC's setting). */
  lockMinutes: 5,
  /**
   * Bumped when someone other than the person before signs in: the pages start afresh for
   * them. The same person unlocking keeps everything as it was, unsaved work included.
   */
  generation: 0,
  /** After signing out, the sign-in screen starts at the list of people (the next person picks). */
  askWho: false,
  /** Bumped when users are added or changed, for lists of them elsewhere (the audit report's). */
  usersChanged: 0,
});

/** The person the frame was last shown to (null after signing out, or with no users). */
let frameUser: string | null = null;

/** Whether the lock screen covers the app. */
export function locked(): boolean {
  return needsSignIn(session.state?.status);
}

/**
 * The person signed in, locked or not (null when signed out, or the school has no users).
 * Still them while locked, so nothing of theirs under the lock screen is taken down.
 */
export function signedIn(): Actor | null {
  const status = session.state?.status;
  return status === 'active' || status === 'locked' ? (session.state?.user ?? null) : null;
}

/** Whether the school has no users yet, so anyone here may do anything. */
export function isOpen(): boolean {
  return session.state?.status === 'open';
}

/** Administrators, and anyone while the school has no users, manage users and settings. */
export function canManage(): boolean {
  return isOpen() || signedIn()?.role === 'administrator';
}

/** Takes the core's session state in: the lock screen, the frame's owner, the idle lock. */
export function applySession(state: SessionState): void {
  const uid = state.status === 'active' || state.status === 'locked' ? (state.user?.user_id ?? null) : null;
  if (uid && frameUser && uid !== frameUser) session.generation++;
  if (uid) frameUser = uid;
  if (state.status === 'signed_out') frameUser = null;
  if (state.status === 'active' && state.user) {
    saveRemembered(LAST_USER_KEY, state.user.user_id, storage());
    session.askWho = false;
  }
  session.state = state;
  syncIdle();
}

/** Asks the core who is signed in. */
export async function loadSession(): Promise<SessionState> {
  const state = await api.sessionState();
  applySession(state);
  return state;
}

/** Forgets the session (the school is being set up again, or could not open). */
export function clearSession(): void {
  session.state = null;
  frameUser = null;
  syncIdle();
}

/** Reads this PC's idle minutes (falling back to the default on any problem). */
export async function loadLockMinutes(): Promise<void> {
  try {
    session.lockMinutes = await api.lockAfterMinutes();
  } catch {
    // The default stands.
  }
  restartIdle();
}

/** Checks `pin` for `userId` and, when right, signs them in. Rejects with the core's refusal. */
export async function signInAs(userId: string, pin: string): Promise<Actor> {
  const actor = await api.signIn(userId, pin);
  saveRemembered(LAST_USER_KEY, actor.user_id, storage());
  await loadSession();
  return actor;
}

/** Locks now: the same person unlocks with their PIN, everything left as it was. */
export async function lockNow(): Promise<void> {
  if (session.state?.status !== 'active') return;
  rememberFocus();
  try {
    await api.lockApp();
  } finally {
    await loadSession().catch(() => {});
  }
}

/** Signs out: the next person picks their name. */
export async function signOutNow(): Promise<void> {
  session.askWho = true;
  try {
    await api.signOut();
  } finally {
    await loadSession().catch(() => {});
  }
}

/** The last person to sign in on this PC, if they still may. */
export function rememberedUser(): string {
  return loadRemembered(LAST_USER_KEY, (session.state?.users ?? []).map((u) => u.id), storage());
}

function storage(): Storage | { getItem(): null; setItem(): void; removeItem(): void } {
  try {
    return localStorage;
  } catch {
    return { getItem: () => null, setItem: () => {}, removeItem: () => {} };
  }
}

// Where the cursor was when the app locked, to put it back on unlocking.
let focusBeforeLock: HTMLElement | null = null;

function rememberFocus(): void {
  if (locked()) return;
  const el = document.activeElement;
  focusBeforeLock = el instanceof HTMLElement && el !== document.body ? el : null;
}

/** After unlocking: the cursor back where it was, if that is still on screen. */
export function restoreFocus(): void {
  const el = focusBeforeLock;
  focusBeforeLock = null;
  if (el?.isConnected) el.focus({ preventScroll: true });
  else if (!document.activeElement || document.activeElement === document.body) {
    // A page that put the cursor somewhere as it opened keeps it there.
    document.querySelector<HTMLElement>('main.content')?.focus({ preventScroll: true });
  }
}

// The idle lock.
const idle = idleTimer(() => {
  void lockNow();
});

function syncIdle(): void {
  if (session.state?.status === 'active') {
    if (!idle.running) idle.start(session.lockMinutes);
  } else {
    idle.stop();
  }
}

function restartIdle(): void {
  idle.stop();
  syncIdle();
}

/** After the idle minutes change in Settings. */
export function setLockMinutes(minutes: number): void {
  session.lockMinutes = minutes;
  restartIdle();
}

/** The lock screen's key handler: while locked, keys go to it and to nothing else. */
let lockKeys: ((e: KeyboardEvent) => void) | null = null;

export function setLockKeys(handler: ((e: KeyboardEvent) => void) | null): void {
  lockKeys = handler;
}

let installed = false;

/**
 * Listens, before any page does, for use of the app (the idle lock), for Ctrl+L, and while
 * locked keeps every key from the pages underneath (a receipt's Enter prints; the lock
 * screen's Enter must not). Also sends `sign_in_required` refusals to the lock screen.
 * Called once, before the app is mounted.
 */
export function installSessionWatch(win: Window = window): void {
  if (installed) return;
  installed = true;
  const activity = () => idle.poke();
  for (const type of ['mousedown', 'mousemove', 'wheel', 'touchstart']) {
    win.addEventListener(type, activity, { capture: true, passive: true });
  }
  win.addEventListener(
    'keydown',
    (e: KeyboardEvent) => {
      idle.poke();
      if (!session.state) return;
      if (locked()) {
        e.stopImmediatePropagation();
        lockKeys?.(e);
        return;
      }
      if (combo(e) === 'Ctrl+l') {
        e.preventDefault();
        e.stopImmediatePropagation();
        void lockNow();
      }
    },
    true,
  );
  onCommandError((error) => {
    if (errorRoute(error) === 'lock' && session.state) {
      rememberFocus();
      void loadSession().catch(() => {});
    }
  });
}
