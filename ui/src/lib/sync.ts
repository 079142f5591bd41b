// Sync with the school's cloud, in words: the header's indicator (its state and text from a
// SyncStatus and the time), the Settings → Sync section's wording, and checks of the
// enrolment form before it is sent. Pure functions: the live state is in sync.svelte.ts.
import type { FieldErrors } from './errors';
import type { DateOrder, SyncReport, SyncStatus } from './ipc/types';
import { formatDate, localIso } from './dates';

/** The indicator's states, as its `data-state` attribute shows them. */
export type IndicatorState = 'synced' | 'pending' | 'offline' | 'error' | 'off';

export type Indicator = {
  state: IndicatorState;
  /** What the header shows, a few words. */
  text: string;
  /** A sentence or two more, for the tooltip and the screen reader. */
  detail: string;
};

/** How the last failed "Sync now" from this window ended: the core's code and message. */
export type Failure = { code: string; message: string };

/** The prefix the sync client puts before the cloud's own refusals. */
const CLOUD_PREFIX = "Rollbook's cloud: ";

/**
 * Whether the text of a failed attempt (`SyncStatus.last_error`, which carries no code)
 * means the cloud could not be reached, so Rollbook retries by itself: no connection, an
 * answer cut short, the server's own trouble or throttling (the client's `offline` cases).
 * Anything else (a revoked device, a missing token) stops sync until a person acts.
 */
export function isOfflineMessage(message: string): boolean {
  return /could not be reached|was cut short|try again later|too many requests|HTTP (5\d\d|429)\b/i.test(message);
}

/**
 * Whether the attempt that left `message` failed for want of the cloud (not a refusal): by
 * its code when the status carries one, else by the failure this window saw, else by the
 * text (a status written before codes were kept).
 */
export function failedOffline(
  message: string,
  known: Failure | null = null,
  code: string | null | undefined = undefined,
): boolean {
  if (code) return code === 'offline';
  if (known && known.message === message) return known.code === 'offline';
  return isOfflineMessage(message);
}

/** The cloud's reason without the client's prefix, as a sentence: "This device's access…". */
export function plainReason(message: string): string {
  let text = message.trim();
  if (text.startsWith(CLOUD_PREFIX)) text = text.slice(CLOUD_PREFIX.length).trim();
  return sentence(text);
}

/** Capitalises the first letter and ends with a full stop. */
export function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  const first = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?)]$/.test(first) ? first : `${first}.`;
}

/** "1 change", "3 changes", "1,234 changes". */
export function changes(n: number): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? 'change' : 'changes'}`;
}

/** JSON numbers typed as bigint (i64) by the generated types. */
export function count(n: number | bigint | null | undefined): number {
  return Number(n ?? 0);
}

/**
 * How long ago `iso` was, from `now`: "just now", "3 min ago", "1 hour ago", "yesterday",
 * "4 days ago". A time a little in the future (another clock) is "just now".
 */
export function ago(iso: string, now: Date | number): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return '';
  const seconds = Math.floor((Number(now) - then) / 1000);
  if (seconds < 60) return 'just now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return hours === 1 ? '1 hour ago' : `${hours} hours ago`;
  const days = Math.floor(hours / 24);
  return days === 1 ? 'yesterday' : `${days} days ago`;
}

/**
 * The indicator for `status` at `now`. Precedence: not enrolled; the last attempt refused
 * (sync has stopped until a person acts); the last attempt could not reach the cloud;
 * changes the cloud refused and nobody has dealt with; changes waiting; synced.
 * `known` is the last "Sync now" failure seen here, whose code beats guessing from its text.
 */
export function indicator(status: SyncStatus | null, now: Date | number, known: Failure | null = null): Indicator {
  if (!status?.enrolled) {
    return {
      state: 'off',
      text: 'Not syncing',
      detail: 'This computer does not sync with a school cloud. An administrator can set it up in Settings → Sync.',
    };
  }
  const pending = count(status.pending);
  const refused = status.rejected.length;
  const waiting = pending > 0 ? ` ${sentence(`${changes(pending)} ${pending === 1 ? 'waits' : 'wait'} on this computer`)}` : '';
  const last = status.last_sync_at ? ` Last synced ${ago(status.last_sync_at, now)}.` : ' Not synced yet.';
  if (status.last_error) {
    if (failedOffline(status.last_error, known, status.last_error_code)) {
      return {
        state: 'offline',
        text: 'Offline — will retry',
        detail: `Rollbook's cloud could not be reached; Rollbook tries again by itself.${waiting}${last}`,
      };
    }
    const reason = plainReason(status.last_error);
    return {
      state: 'error',
      text: `Sync stopped: ${reason.replace(/\.$/, '')}`,
      detail: `Sync stopped: ${reason} An administrator can see to it in Settings → Sync.${waiting}${last}`,
    };
  }
  if (refused > 0) {
    return {
      state: 'error',
      text: `${changes(refused)} refused`,
      detail: `The cloud refused ${changes(refused)} made here. An administrator can see ${refused === 1 ? 'it' : 'them'} in Settings → Sync.${last}`,
    };
  }
  if (pending > 0) {
    return {
      state: 'pending',
      text: `${changes(pending)} waiting`,
      detail: `${sentence(`${changes(pending)} made here ${pending === 1 ? 'waits' : 'wait'} to go to the cloud`)}${last}`,
    };
  }
  if (!status.last_sync_at) {
    return { state: 'pending', text: 'Not synced yet', detail: 'Waiting for the first sync with the school cloud.' };
  }
  const when = ago(status.last_sync_at, now);
  return {
    state: 'synced',
    text: `Synced ${when}`,
    detail: `Everything made here is in the school cloud. Last synced ${when}.`,
  };
}

/**
 * What one "Sync now" did: "Sent 12 changes, received 3, refused none.", or "Nothing new to
 * send or receive." when the cloud and this computer were level already.
 */
export function reportText(report: SyncReport): string {
  const pushed = count(report.pushed);
  const pulled = count(report.pulled);
  const rejected = count(report.rejected);
  const pending = count(report.pending);
  if (pushed === 0 && pulled === 0 && rejected === 0 && pending === 0) return 'Nothing new to send or receive.';
  let text = `Sent ${changes(pushed)}, received ${pulled.toLocaleString('en-US')}, refused ${rejected === 0 ? 'none' : rejected.toLocaleString('en-US')}.`;
  if (pending > 0) text += ` ${sentence(`${changes(pending)} still waiting`)}`;
  return text;
}

/** A moment (RFC 3339) as people read it here: "22/11/2026 10:42". */
export function whenText(iso: string | null | undefined, order: DateOrder): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const hh = String(d.getHours()).padStart(2, '0');
  const mm = String(d.getMinutes()).padStart(2, '0');
  return `${formatDate(localIso(d), order)} ${hh}:${mm}`;
}

const RECORDS: Record<string, string> = {
  school: 'School profile',
  school_logo: 'School logo',
  academic_year: 'Academic year',
  term: 'Term',
  class: 'Class',
  student: 'Student',
  student_photo: 'Student photo',
  guardian: 'Guardian',
  student_guardian: 'Student’s guardian',
  year_calendar: 'School calendar',
  holiday: 'Holiday',
  attendance_settings: 'Attendance settings',
  attendance_code: 'Attendance code',
  attendance_mark: 'Attendance mark',
  id_card: 'ID card',
  staff: 'Staff member',
  staff_attendance: 'Staff arrival',
  fee_head: 'Fee head',
  fee_structure: 'Fee structure',
  student_fee_head: 'Optional fee',
  concession: 'Concession',
  fee_application: 'Fees applied to a class',
  ledger_entry: 'Payment or charge',
  cash_closing: 'Cash closing',
  user: 'User',
  audit_event: 'Audit record',
};

/** A record type in plain words ("student_photo" → "Student photo"). */
export function recordLabel(recordType: string): string {
  if (!recordType) return 'A change';
  return RECORDS[recordType] ?? sentence(recordType.replace(/_/g, ' ')).replace(/\.$/, '');
}

const REFUSALS: Record<string, string> = {
  conflict: 'Clashes with another change',
  bad_entry: 'Not accepted as sent',
  bad_op: 'Not a kind of change the cloud knows',
};

/** The cloud's refusal code in plain words. */
export function refusalLabel(code: string): string {
  return REFUSALS[code] ?? sentence(code.replace(/_/g, ' ')).replace(/\.$/, '');
}

/** A record id, short enough to read out ("3f2a91c4…"). */
export function shortId(id: string): string {
  return id.length > 8 ? `${id.slice(0, 8)}…` : id;
}

/** A name for this computer until someone types a better one: "Office PC 3F2A". */
export function defaultDeviceName(deviceId: string | null | undefined): string {
  const tag = (deviceId ?? '').replace(/[^0-9a-z]/gi, '').slice(0, 4).toUpperCase();
  return tag ? `Office PC ${tag}` : 'Office PC';
}

/** The enrolment form as typed. */
export type EnrolForm = { server: string; code: string; name: string };

/** Longest device name the cloud keeps. */
export const MAX_DEVICE_NAME = 200;

/** The server address as sent: trimmed, `https://` added when no scheme was typed. */
export function serverAddress(typed: string): string {
  const t = typed.trim();
  if (!t) return t;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(t) ? t : `https://${t}`;
}

/** What is missing from the enrolment form, by field (the core checks the address itself). */
export function enrolProblems(form: EnrolForm): FieldErrors {
  const out: FieldErrors = {};
  if (!form.server.trim()) out['server'] = 'Type the address of your school’s Rollbook cloud, e.g. https://sync.example.org';
  if (!form.code.trim()) out['code'] = 'Type the one-time code from whoever runs the cloud.';
  const name = form.name.trim();
  if (!name) out['name'] = 'Give this computer a name people will recognise, e.g. Front office.';
  else if ([...name].length > MAX_DEVICE_NAME) out['name'] = `At most ${MAX_DEVICE_NAME} characters.`;
  return out;
}

/**
 * Where a failed enrolment's message belongs: the address (a bad address, or nothing
 * answering there), the code (unknown, used or expired), or the form as a whole.
 */
export function enrolErrorField(error: { code: string; message: string; field?: string }): 'server' | 'code' | 'name' | null {
  if (error.field === 'server' || error.code === 'offline') return 'server';
  if (error.code === 'sync_refused') {
    if (/\bcode\b/i.test(error.message)) return 'code';
    if (/device name/i.test(error.message)) return 'name';
  }
  return null;
}

/** The message shown for a failed enrolment. */
export function enrolErrorText(error: { code: string; message: string }): string {
  if (error.code === 'offline') {
    return 'Nothing answered at this address. Check the address and this computer’s network, then try again.';
  }
  if (error.code === 'sync_refused') return plainReason(error.message);
  return error.message;
}
