// Turning an AppError into messages beside the fields they name.
import type { AppError } from './ipc/types';

export type FieldErrors = Record<string, string>;

/**
 * One message per field, from `details` (every problem of a validation error) and from
 * `field` (the one field a conflict or single problem names). Several messages for the
 * same field are joined.
 */
export function fieldErrors(error: AppError | null | undefined): FieldErrors {
  const out: FieldErrors = {};
  if (!error) return out;
  const add = (field: string, message: string) => {
    const prev = out[field];
    if (prev === undefined) out[field] = message;
    else if (!prev.split('\n').includes(message)) out[field] = `${prev}\n${message}`;
  };
  for (const d of error.details ?? []) add(d.field, d.message);
  if (error.field && (error.details ?? []).length === 0) add(error.field, error.message);
  return out;
}

/**
 * The messages of a failed save that no field on screen shows: field errors whose field
 * is not in `shown`, or the error's own message when it names no field at all.
 */
export function unplacedErrors(
  error: AppError | null | undefined,
  shown: Iterable<string>,
  fields: FieldErrors = fieldErrors(error),
): string[] {
  if (!error) return [];
  const keys = Object.keys(fields);
  if (keys.length === 0) return [error.message];
  const visible = new Set(shown);
  return keys.filter((k) => !visible.has(k)).map((k) => fields[k] as string);
}

/** Drops a leading `prefix.` from field names (`school.name` → `name`). */
export function stripPrefix(errors: FieldErrors, prefix: string): FieldErrors {
  const out: FieldErrors = {};
  for (const [k, v] of Object.entries(errors)) {
    out[k.startsWith(`${prefix}.`) ? k.slice(prefix.length + 1) : k] = v;
  }
  return out;
}

/**
 * Form rows that were left blank are not sent, so the shell numbers what it got
 * (`guardians[1]`) differently from what is on screen. `sentToShown[i]` is the on-screen
 * row of the i-th row sent; this renames `list[i]…` fields to match the screen.
 */
export function remapIndexed(errors: FieldErrors, list: string, sentToShown: number[]): FieldErrors {
  const out: FieldErrors = {};
  const pattern = new RegExp(`^${list.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\[(\\d+)\\]`);
  for (const [k, v] of Object.entries(errors)) {
    const m = pattern.exec(k);
    const shown = m ? sentToShown[Number(m[1])] : undefined;
    out[m && shown !== undefined ? `${list}[${shown}]${k.slice(m[0].length)}` : k] = v;
  }
  return out;
}

/** Keeps the rows that are not blank, with the on-screen index of each row kept. */
export function dropBlank<T>(rows: T[], isBlank: (row: T) => boolean): { kept: T[]; sentToShown: number[] } {
  const kept: T[] = [];
  const sentToShown: number[] = [];
  rows.forEach((row, i) => {
    if (!isBlank(row)) {
      kept.push(row);
      sentToShown.push(i);
    }
  });
  return { kept, sentToShown };
}


/** ARIA attributes tying a control to its error message (shown with id `${id}-error`). */
export function invalidAttrs(id: string, message: string | undefined): Record<string, string> {
  return message ? { 'aria-invalid': 'true', 'aria-describedby': `${id}-error` } : {};
}
