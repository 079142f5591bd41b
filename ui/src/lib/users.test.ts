import { describe, expect, it } from 'vitest';
import {
  classNames,
  errorRoute,
  firstChoice,
  listKey,
  lockHeading,
  lockMinutes,
  monthOf,
  needsSignIn,
  newPinProblems,
  pinProblem,
  rowCount,
  userInputOf,
  whoLine,
} from './users';

describe('the shape of a PIN', () => {
  it('takes 4 to 8 digits, or a passphrase of 8 characters or more, as the core does', () => {
    for (const good of ['1234', '4829', '12345678', 'correct horse', 'pass word 9', 'Ünïcödé!']) {
      expect(pinProblem(good), good).toBeNull();
    }
  });

  it('says what is wrong with anything else', () => {
    expect(pinProblem('')).toMatch(/Type a PIN/);
    expect(pinProblem('123')).toMatch(/4 to 8 digits/);
    expect(pinProblem('123456789')).toMatch(/4 to 8 digits/);
    expect(pinProblem('abc')).toMatch(/at least 8 characters/);
    expect(pinProblem('passwd')).toMatch(/at least 8 characters/);
    expect(pinProblem(' leading space')).toMatch(/start or end with a space/);
    expect(pinProblem('x'.repeat(129))).toMatch(/at most 128/);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(pinProblem('😀😀😀😀😀😀😀😀')).toBeNull();
    expect(pinProblem('😀😀😀😀')).toMatch(/at least 8/);
  });

  it('asks for the same PIN twice', () => {
    expect(newPinProblems('4829', '4829')).toEqual({});
    expect(newPinProblems('4829', '4828')).toEqual({ again: 'The two PINs are not the same.' });
    expect(newPinProblems('4829', '')).toEqual({ again: 'Type the PIN again.' });
    expect(Object.keys(newPinProblems('12', '12')), 'the shape first').toEqual(['pin']);
  });
});

describe('who the lock screen names', () => {
  it('names the person and their role', () => {
    expect(whoLine({ name: 'Mrs. Iyer', role: 'administrator' })).toBe('Mrs. Iyer, administrator');
    expect(lockHeading('locked', { name: 'Mrs. Iyer', role: 'administrator' })).toBe('Locked — Mrs. Iyer, administrator');
    expect(lockHeading('signed_out', { name: 'Ravi', role: 'clerk' })).toBe('Sign in — Ravi, clerk');
    expect(lockHeading('signed_out', null)).toBe('Sign in');
  });

  it('covers the app only while signed out or locked', () => {
    expect(needsSignIn('signed_out')).toBe(true);
    expect(needsSignIn('locked')).toBe(true);
    expect(needsSignIn('active')).toBe(false);
    expect(needsSignIn('open'), 'no users yet: nobody signs in').toBe(false);
    expect(needsSignIn(null)).toBe(false);
  });

  it('asks first for the last person to sign in here, else the only user', () => {
    const iyer = { id: 'u1', name: 'Mrs. Iyer', role: 'administrator' as const };
    const ravi = { id: 'u2', name: 'Ravi', role: 'clerk' as const };
    expect(firstChoice([iyer, ravi], 'u2')).toBe(ravi);
    expect(firstChoice([iyer, ravi], ''), 'two people, nobody remembered: the list').toBeNull();
    expect(firstChoice([iyer, ravi], 'gone')).toBeNull();
    expect(firstChoice([iyer], '')).toBe(iyer);
    expect(firstChoice([], '')).toBeNull();
  });
});

describe('where a failed command’s error goes', () => {
  it('sends sign-in refusals to the lock screen, a missing school to setup, the rest to the page', () => {
    expect(errorRoute({ code: 'sign_in_required' })).toBe('lock');
    expect(errorRoute({ code: 'not_set_up' })).toBe('setup');
    expect(errorRoute({ code: 'forbidden' }), 'a refusal is shown where it happened, with its message').toBe('page');
    expect(errorRoute({ code: 'wrong_pin' })).toBe('page');
    expect(errorRoute({ code: 'validation' })).toBe('page');
  });
});

describe('the sign-in list’s keys', () => {
  const names = ['Mrs. Iyer', 'Ravi', 'Rekha', 'Joseph'];

  it('moves with the arrows, stopping at the ends, and jumps with Home and End', () => {
    expect(listKey('ArrowDown', 0, names)).toBe(1);
    expect(listKey('ArrowDown', 3, names)).toBe(3);
    expect(listKey('ArrowUp', 0, names)).toBe(0);
    expect(listKey('ArrowUp', 2, names)).toBe(1);
    expect(listKey('Home', 2, names)).toBe(0);
    expect(listKey('End', 0, names)).toBe(3);
  });

  it('goes to the next name starting with a letter typed, round the list', () => {
    expect(listKey('r', 0, names)).toBe(1);
    expect(listKey('r', 1, names)).toBe(2);
    expect(listKey('R', 2, names), 'round again to the first R').toBe(1);
    expect(listKey('j', 0, names)).toBe(3);
    expect(listKey('z', 0, names), 'no name starts with it').toBeNull();
  });

  it('leaves other keys alone', () => {
    expect(listKey('Enter', 0, names)).toBeNull();
    expect(listKey('1', 0, names)).toBeNull();
    expect(listKey('ArrowDown', 0, [])).toBeNull();
  });
});

describe('a user as sent to the core', () => {
  it('trims the name and keeps classes for teachers only', () => {
    expect(userInputOf({ name: '  Ravi ', role: 'clerk', class_ids: ['c1'], active: true })).toEqual({
      name: 'Ravi',
      role: 'clerk',
      class_ids: [],
      active: true,
    });
    expect(userInputOf({ name: 'Ms. Achieng', role: 'teacher', class_ids: ['c1', 'c2'], active: false })).toEqual({
      name: 'Ms. Achieng',
      role: 'teacher',
      class_ids: ['c1', 'c2'],
      active: false,
    });
  });

  it('names a teacher’s classes in the school’s order', () => {
    const classes = [
      { id: 'a', name: 'Grade 5 B' },
      { id: 'b', name: 'Grade 6 A' },
      { id: 'c', name: 'Grade 7 C' },
    ];
    expect(classNames(['c', 'a'], classes)).toBe('Grade 5 B, Grade 7 C');
    expect(classNames([], classes)).toBe('');
    expect(classNames(['gone'], classes)).toBe('');
  });
});

describe('settings and the audit report', () => {
  it('takes 1 to 120 whole idle minutes', () => {
    expect(lockMinutes('5')).toEqual({ minutes: 5 });
    expect(lockMinutes(' 120 ')).toEqual({ minutes: 120 });
    for (const bad of ['0', '121', '2.5', '', 'ten', '-3']) expect(lockMinutes(bad), bad).toHaveProperty('problem');
  });

  it('covers this month by default', () => {
    expect(monthOf(new Date(2026, 1, 14))).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(monthOf(new Date(2028, 1, 1))).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(monthOf(new Date(2026, 11, 31))).toEqual({ from: '2026-12-01', to: '2026-12-31' });
  });

  it('counts rows', () => {
    expect(rowCount(0)).toBe('0 rows');
    expect(rowCount(1)).toBe('1 row');
    expect(rowCount(1234)).toBe('1,234 rows');
  });
});
