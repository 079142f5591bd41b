import { describe, expect, it } from 'vitest';
import type { UpdateInfo, UpdateProgress } from './ipc/types';
import { IDLE, advance, installBar, installErrorText, installText, notesLines, noticeText, releasedOn } from './update';

const MB = 1024 * 1024;

function run(events: UpdateProgress[]) {
  return events.reduce(advance, { ...IDLE });
}

const update: UpdateInfo = {
  version: '0.2.0',
  current_version: '0.1.0',
  notes: '\nFaster search.\n\n\nReceipts show the school logo.\n',
  date: '2026-12-01T09:00:00Z',
};

describe('installing an update', () => {
  it('shows the download with its share, the signature check, the backup, then the install', () => {
    const half = run([
      { event: 'started', data: { content_length: 8 * MB } },
      { event: 'progress', data: { chunk_length: 3 * MB } },
      { event: 'progress', data: { chunk_length: 1 * MB } },
    ]);
    expect(installBar(half)).toBe(0.5);
    expect(installText(half)).toBe('Downloading 4.0 of 8.0 MB (50%)');

    const verifying = advance(half, { event: 'finished' });
    expect(installText(verifying)).toBe('Checking the signature…');
    expect(installBar(verifying)).toBe(1);
    const backingUp = advance(verifying, { event: 'backing_up' });
    expect(installText(backingUp)).toBe('Backing up the school’s data before installing…');
    expect(installBar(backingUp)).toBeNull();
    expect(installText(advance(backingUp, { event: 'installing' }))).toMatch(/restarts/);
  });

  it('has an indeterminate bar when the server does not say the size', () => {
    const s = run([
      { event: 'started', data: { content_length: null } },
      { event: 'progress', data: { chunk_length: 2 * MB } },
    ]);
    expect(installBar(s)).toBeNull();
    expect(installText(s)).toBe('Downloading… 2.0 MB');
  });

  it('never shows more than 100%', () => {
    const s = run([
      { event: 'started', data: { content_length: MB } },
      { event: 'progress', data: { chunk_length: 2 * MB } },
    ]);
    expect(installBar(s)).toBe(1);
    expect(installText(s)).toContain('(100%)');
  });

  it('says why nothing was installed, by the refusal code', () => {
    const busy = installErrorText({
      code: 'work_in_progress',
      message: 'The update waits: a payment is under way. Install it when that is finished.',
      details: [],
    });
    expect(busy).toContain('a payment is under way');
    expect(busy).toContain('Nothing was installed');
    expect(installErrorText({ code: 'update_refused', message: 'x', details: [] })).toMatch(/signature/);
    expect(installErrorText({ code: 'offline', message: 'x', details: [] })).toMatch(/could not be reached/);
    expect(installErrorText({ code: 'io', message: 'The update was not installed, because the backup before it failed: disk', details: [] })).toContain(
      'backup before it failed',
    );
  });
});

describe('the update on offer', () => {
  it('is announced with its version and its notes as lines', () => {
    expect(noticeText(update)).toBe('Update 0.2.0 available');
    expect(notesLines(update)).toEqual(['Faster search.', '', 'Receipts show the school logo.']);
    expect(notesLines({ ...update, notes: '   ' })).toEqual([]);
  });

  it('gives the release date, or nothing when the feed has none or a bad one', () => {
    expect(releasedOn(update, 'en-GB')).toBe('1 December 2026');
    expect(releasedOn({ ...update, date: null })).toBe('');
    expect(releasedOn({ ...update, date: 'soon' })).toBe('');
  });
});
