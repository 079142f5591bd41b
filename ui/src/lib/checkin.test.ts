import { describe, expect, it } from 'vitest';
import type { CheckIn } from './ipc/types';
import { addScan, clock, normaliseCode, refusalView, repeatFilter, scanView, tally, type ScanLine } from './checkin';

const result = (extra: Partial<CheckIn>): CheckIn => ({
  outcome: 'present',
  holder_kind: 'student',
  holder_id: 'id1',
  name: 'Aarav Iyer',
  subtitle: 'Grade 5 B',
  time: '08:10',
  message: 'Aarav Iyer: present',
  ...extra,
});

describe('repeats', () => {
  it('ignores the same code within 3 seconds and takes it again after', () => {
    const fresh = repeatFilter(3000);
    expect(fresh('RB123', 0)).toBe(true);
    expect(fresh('RB123', 500)).toBe(false);
    expect(fresh('RB999', 600)).toBe(true);
    // Still in front of the camera: every reading keeps it a repeat.
    expect(fresh('RB123', 2900)).toBe(false);
    expect(fresh('RB123', 5800)).toBe(false);
    expect(fresh('RB123', 9000)).toBe(true);
  });

  it('treats case and spaces as the same code', () => {
    const fresh = repeatFilter();
    expect(fresh('rb 12 3', 0)).toBe(true);
    expect(fresh('RB123', 100)).toBe(false);
  });

  it('ignores empty reads', () => {
    expect(repeatFilter()('  ', 0)).toBe(false);
  });

  it('normalises codes as the core does', () => {
    expect(normaliseCode(' rb0 a1\n')).toBe('RB0A1');
  });
});

describe('how results are shown', () => {
  it('present is green with the time', () => {
    expect(scanView(result({}))).toEqual({ tone: 'ok', headline: 'Aarav Iyer — present 08:10', detail: 'Grade 5 B' });
  });

  it('late is amber with the minutes', () => {
    const v = scanView(result({ outcome: 'late', late_minutes: 12, time: '08:42' }));
    expect(v.tone).toBe('warn');
    expect(v.headline).toBe('Aarav Iyer — late by 12 min');
    expect(v.detail).toBe('Grade 5 B · arrived 08:42');
  });

  it('a repeat is a gentle grey', () => {
    const v = scanView(result({ outcome: 'already', message: 'Aarav Iyer is already marked P today' }));
    expect(v.tone).toBe('quiet');
    expect(v.headline).toBe('Aarav Iyer — already checked in');
    expect(v.detail).toMatch(/already marked P/);
  });

  it('refused cards are red and say why', () => {
    const unknown = refusalView({ code: 'not_found', message: 'This card is not known to Rollbook.', details: [] });
    expect(unknown).toEqual({ tone: 'error', headline: 'Card not recognised', detail: 'This card is not known to Rollbook.' });
    expect(refusalView({ code: 'revoked', message: 'withdrawn', details: [] }).headline).toBe('Card withdrawn');
    expect(refusalView({ code: 'validation', message: 'not a school day', details: [] }).headline).toBe('Not checked in');
    expect(refusalView({ code: 'internal', message: 'boom', details: [] }).tone).toBe('error');
  });
});

describe("the day's scans", () => {
  const line = (seq: number, tone: ScanLine['tone']): ScanLine => ({ seq, tone, code: `C${seq}`, time: '08:00', headline: '', detail: '' });

  it('puts the newest first and keeps a bounded list', () => {
    let list: ScanLine[] = [];
    for (let i = 1; i <= 5; i++) list = addScan(list, line(i, 'ok'), 3);
    expect(list.map((l) => l.seq)).toEqual([5, 4, 3]);
  });

  it('counts the outcomes', () => {
    const list = [line(1, 'ok'), line(2, 'warn'), line(3, 'ok'), line(4, 'error')];
    expect(tally(list)).toEqual({ ok: 2, warn: 1, quiet: 0, error: 1 });
  });

  it('writes the time as HH:MM', () => {
    expect(clock(new Date(2026, 0, 1, 7, 5))).toBe('07:05');
  });
});
