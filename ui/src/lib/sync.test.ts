import { describe, expect, it } from 'vitest';
import type { SyncStatus } from './ipc/types';
import {
  ago,
  changes,
  defaultDeviceName,
  enrolErrorField,
  enrolErrorText,
  enrolProblems,
  failedOffline,
  indicator,
  isOfflineMessage,
  plainReason,
  recordLabel,
  refusalLabel,
  reportText,
  serverAddress,
  shortId,
  whenText,
} from './sync';

const NOW = Date.parse('2026-11-22T10:30:00Z');
const at = (secondsAgo: number) => new Date(NOW - secondsAgo * 1000).toISOString();

/** A status as the shell sends it (counts arrive as plain JSON numbers). */
function status(over: Partial<Record<keyof SyncStatus, unknown>> = {}): SyncStatus {
  return {
    enrolled: true,
    server_url: 'https://sync.example.org',
    school_name: 'Green Valley School',
    pending: 0,
    last_sync_at: at(30),
    rejected: [],
    parked: [],
    ...over,
  } as unknown as SyncStatus;
}

const OFFLINE =
  "Rollbook's cloud could not be reached (error sending request: client error (Connect): tcp connect error: Connection refused (os error 111)).";
const REVOKED = "Rollbook's cloud: this device's access has been revoked; enrol it again with a new code";

const rejected = {
  entry_id: 'e1',
  seq: 7,
  record_type: 'student',
  record_id: '0192f3aa-1111-7000-8000-000000000001',
  code: 'bad_entry',
  reason: 'the payload is not an object',
  rejected_at: at(3600),
};

describe('how long ago', () => {
  it('says "just now" under a minute, then minutes, hours and days', () => {
    expect(ago(at(0), NOW)).toBe('just now');
    expect(ago(at(59), NOW)).toBe('just now');
    expect(ago(at(60), NOW)).toBe('1 min ago');
    expect(ago(at(3 * 60 + 20), NOW)).toBe('3 min ago');
    expect(ago(at(59 * 60), NOW)).toBe('59 min ago');
    expect(ago(at(60 * 60), NOW)).toBe('1 hour ago');
    expect(ago(at(5 * 3600), NOW)).toBe('5 hours ago');
    expect(ago(at(30 * 3600), NOW)).toBe('yesterday');
    expect(ago(at(4 * 86400), NOW)).toBe('4 days ago');
  });

  it('takes a time slightly ahead (another clock) as just now, and ignores nonsense', () => {
    expect(ago(at(-20), NOW)).toBe('just now');
    expect(ago('not a time', NOW)).toBe('');
  });
});

describe('the sync indicator', () => {
  it('is off, saying "Not syncing", before this computer is enrolled', () => {
    expect(indicator(null, NOW)).toMatchObject({ state: 'off', text: 'Not syncing' });
    const off = indicator(status({ enrolled: false, pending: 12, last_sync_at: undefined }), NOW);
    expect(off.state).toBe('off');
    expect(off.detail).toMatch(/Settings → Sync/);
  });

  it('is synced with nothing waiting, and says when', () => {
    expect(indicator(status({ last_sync_at: at(5) }), NOW)).toMatchObject({ state: 'synced', text: 'Synced just now' });
    expect(indicator(status({ last_sync_at: at(3 * 60) }), NOW)).toMatchObject({ state: 'synced', text: 'Synced 3 min ago' });
    expect(indicator(status({ last_sync_at: at(2 * 3600) }), NOW).text).toBe('Synced 2 hours ago');
  });

  it('counts the changes waiting', () => {
    expect(indicator(status({ pending: 1 }), NOW)).toMatchObject({ state: 'pending', text: '1 change waiting' });
    expect(indicator(status({ pending: 3 }), NOW)).toMatchObject({ state: 'pending', text: '3 changes waiting' });
    expect(indicator(status({ pending: 1234 }), NOW).text).toBe('1,234 changes waiting');
    expect(indicator(status({ pending: 3n }), NOW).text).toBe('3 changes waiting');
    expect(indicator(status({ pending: 3 }), NOW).detail).toBe('3 changes made here wait to go to the cloud. Last synced just now.');
    expect(indicator(status({ pending: 1 }), NOW).detail).toMatch(/^1 change made here waits/);
  });

  it('waits for the first sync when enrolled but never synced', () => {
    expect(indicator(status({ last_sync_at: undefined }), NOW)).toMatchObject({ state: 'pending', text: 'Not synced yet' });
    expect(indicator(status({ last_sync_at: undefined, pending: 40 }), NOW).text).toBe('40 changes waiting');
  });

  it('is offline, retrying by itself, when the cloud could not be reached', () => {
    const shown = indicator(status({ pending: 2, last_error: OFFLINE }), NOW);
    expect(shown).toMatchObject({ state: 'offline', text: 'Offline — will retry' });
    expect(shown.detail).toMatch(/tries again by itself/);
    expect(shown.detail).toMatch(/2 changes wait on this computer/);
    expect(indicator(status({ pending: 1, last_error: OFFLINE }), NOW).detail).toMatch(/1 change waits on this computer/);
    // The server's own trouble and throttling pass too.
    expect(indicator(status({ last_error: "Rollbook's cloud: the server failed; try again later" }), NOW).state).toBe('offline');
    expect(indicator(status({ last_error: "Rollbook's cloud: too many requests; try again in 20 s" }), NOW).state).toBe('offline');
    expect(indicator(status({ last_error: "Rollbook's cloud: HTTP 502 Bad Gateway" }), NOW).state).toBe('offline');
  });

  it('goes by the failure code the status carries, whatever the text says', () => {
    expect(indicator(status({ last_error: 'The line went quiet.', last_error_code: 'offline' }), NOW).state).toBe('offline');
    expect(indicator(status({ last_error: OFFLINE, last_error_code: 'sync_refused' }), NOW).state).toBe('error');
  });

  it('says sync stopped, and why, when the cloud refused this computer', () => {
    const shown = indicator(status({ pending: 2, last_error: REVOKED }), NOW);
    expect(shown.state).toBe('error');
    expect(shown.text).toBe("Sync stopped: This device's access has been revoked; enrol it again with a new code");
    expect(shown.detail).toMatch(/administrator/);
    const missing = indicator(status({ last_error: "This computer's sync token is missing from its keyring; enrol it again with a new code." }), NOW);
    expect(missing.state).toBe('error');
    expect(missing.text).not.toMatch(/\.$/);
  });

  it('trusts the code of a failure seen here over the wording', () => {
    const odd = "Rollbook's cloud: something unusual";
    expect(indicator(status({ last_error: odd }), NOW).state).toBe('error');
    expect(indicator(status({ last_error: odd }), NOW, { code: 'offline', message: odd }).state).toBe('offline');
    // A failure with other words is an older one: the wording decides.
    expect(indicator(status({ last_error: OFFLINE }), NOW, { code: 'sync_refused', message: odd }).state).toBe('offline');
    expect(failedOffline(OFFLINE, { code: 'sync_refused', message: OFFLINE })).toBe(false);
  });

  it('flags changes the cloud refused, once the last attempt went through', () => {
    const shown = indicator(status({ rejected: [rejected] }), NOW);
    expect(shown).toMatchObject({ state: 'error', text: '1 change refused' });
    expect(indicator(status({ rejected: [rejected, { ...rejected, entry_id: 'e2' }] }), NOW).text).toBe('2 changes refused');
    // Offline is the more pressing news.
    expect(indicator(status({ rejected: [rejected], last_error: OFFLINE }), NOW).state).toBe('offline');
  });
});

describe('offline or refused, from the words alone', () => {
  it('tells the client’s offline cases from refusals', () => {
    expect(isOfflineMessage(OFFLINE)).toBe(true);
    expect(isOfflineMessage("The answer from Rollbook's cloud was cut short (error decoding response body).")).toBe(true);
    expect(isOfflineMessage(REVOKED)).toBe(false);
    expect(isOfflineMessage("Rollbook's cloud: HTTP 404 Not Found")).toBe(false);
  });
});

describe('wording', () => {
  it('counts changes in words', () => {
    expect(changes(0)).toBe('0 changes');
    expect(changes(1)).toBe('1 change');
    expect(changes(2500)).toBe('2,500 changes');
  });

  it('drops the client’s prefix from the cloud’s reasons and makes a sentence', () => {
    expect(plainReason(REVOKED)).toBe("This device's access has been revoked; enrol it again with a new code.");
    expect(plainReason('the payload is not an object')).toBe('The payload is not an object.');
    expect(plainReason('Already a sentence.')).toBe('Already a sentence.');
  });

  it('reports what Sync now did', () => {
    expect(reportText({ pushed: 12, pulled: 3, rejected: 0, pending: 0 } as never)).toBe('Sent 12 changes, received 3, refused none.');
    expect(reportText({ pushed: 1, pulled: 0, rejected: 2, pending: 5 } as never)).toBe(
      'Sent 1 change, received 0, refused 2. 5 changes still waiting.',
    );
    expect(reportText({ pushed: 0, pulled: 0, rejected: 0, pending: 0 } as never)).toBe('Nothing new to send or receive.');
    expect(reportText({ pushed: 0, pulled: 4, rejected: 0, pending: 0 } as never)).toBe('Sent 0 changes, received 4, refused none.');
  });

  it('names records and refusals in plain words', () => {
    expect(recordLabel('student')).toBe('Student');
    expect(recordLabel('ledger_entry')).toBe('Payment or charge');
    expect(recordLabel('something_new')).toBe('Something new');
    expect(recordLabel('')).toBe('A change');
    expect(refusalLabel('conflict')).toBe('Clashes with another change');
    expect(refusalLabel('odd_code')).toBe('Odd code');
    expect(shortId(rejected.record_id)).toBe('0192f3aa…');
    expect(shortId('abc')).toBe('abc');
  });

  it('writes a moment in the school’s date order, in local time', () => {
    const iso = new Date(2026, 10, 22, 9, 5).toISOString();
    expect(whenText(iso, 'DMY')).toBe('22/11/2026 09:05');
    expect(whenText(iso, 'MDY')).toBe('11/22/2026 09:05');
    expect(whenText(undefined, 'DMY')).toBe('');
  });
});

describe('the enrolment form', () => {
  it('names this computer sensibly until someone types a name', () => {
    expect(defaultDeviceName('3f2a91c4-0000-7000-8000-000000000000')).toBe('Office PC 3F2A');
    expect(defaultDeviceName(undefined)).toBe('Office PC');
  });

  it('adds https:// to an address typed without one', () => {
    expect(serverAddress(' sync.example.org ')).toBe('https://sync.example.org');
    expect(serverAddress('http://127.0.0.1:8443')).toBe('http://127.0.0.1:8443');
    expect(serverAddress('HTTPS://Sync.example.org/')).toBe('HTTPS://Sync.example.org/');
    expect(serverAddress('  ')).toBe('');
  });

  it('asks for each field', () => {
    expect(enrolProblems({ server: '', code: ' ', name: '' })).toEqual({
      server: expect.stringMatching(/address/),
      code: expect.stringMatching(/one-time code/),
      name: expect.stringMatching(/name/),
    });
    expect(enrolProblems({ server: 'https://x.org', code: 'ABCD-EFGH-JK', name: 'Front office' })).toEqual({});
    expect(enrolProblems({ server: 'https://x.org', code: 'c', name: 'x'.repeat(201) })['name']).toMatch(/200/);
  });

  it('puts a failed enrolment beside the field it is about', () => {
    const http = { code: 'validation', field: 'server', message: 'Rollbook talks to its cloud over https only.' };
    expect(enrolErrorField(http)).toBe('server');
    expect(enrolErrorText(http)).toBe(http.message);
    const used = { code: 'sync_refused', message: "Rollbook's cloud: this enrolment code has been used; ask for a new one" };
    expect(enrolErrorField(used)).toBe('code');
    expect(enrolErrorText(used)).toBe('This enrolment code has been used; ask for a new one.');
    const offline = { code: 'offline', message: OFFLINE };
    expect(enrolErrorField(offline)).toBe('server');
    expect(enrolErrorText(offline)).toMatch(/Nothing answered at this address/);
    const other = { code: 'sync_refused', message: "Rollbook's cloud: this device is enrolled with another school" };
    expect(enrolErrorField(other)).toBeNull();
    expect(enrolErrorField({ code: 'forbidden', message: 'A clerk may not…' })).toBeNull();
  });
});
