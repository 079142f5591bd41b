import { describe, expect, it } from 'vitest';
import { blankGuardian, guardianFromLinked, guardianInputs, isBlankGuardian } from './guardians';

describe('guardian blocks', () => {
  it('counts a fresh block as blank whatever its relation', () => {
    expect(isBlankGuardian(blankGuardian('mother'))).toBe(true);
    expect(isBlankGuardian({ ...blankGuardian(), name: '   ', phone: ' ' })).toBe(true);
  });

  it('counts a block with any one thing filled in as not blank', () => {
    expect(isBlankGuardian({ ...blankGuardian(), phone: '98765 43210' })).toBe(false);
    expect(isBlankGuardian({ ...blankGuardian(), email: 'a@b.in' })).toBe(false);
    expect(isBlankGuardian({ ...blankGuardian(), whatsapp_consent: true })).toBe(false);
  });

  it('drops blank blocks from the input and keeps where each sent one is on screen', () => {
    const blocks = [
      blankGuardian(),
      { ...blankGuardian('father'), name: ' Ravi Kumar ', phone: '98765 43210' },
      blankGuardian(),
      { ...blankGuardian('mother'), name: 'Lata', whatsapp_consent: true, phone: '+91 98765 00000' },
    ];
    const { guardians, sentToShown } = guardianInputs(blocks);
    expect(sentToShown).toEqual([1, 3]);
    expect(guardians).toEqual([
      { name: 'Ravi Kumar', relation: 'father', phone: '98765 43210', alt_phone: '', email: '', whatsapp_consent: false },
      { name: 'Lata', relation: 'mother', phone: '+91 98765 00000', alt_phone: '', email: '', whatsapp_consent: true },
    ]);
    expect('id' in (guardians[0] ?? {})).toBe(false);
  });

  it('sends a saved guardian with its id so the edit updates them', () => {
    const saved = guardianFromLinked({
      id: 'g-1',
      name: 'Ravi Kumar',
      relation: 'father',
      phone: '+919876543210',
      alt_phone: null,
      email: null,
      whatsapp_consent: true,
      is_primary: true,
      siblings: [{ id: 's-2', name: 'Meera Kumar', admission_no: 'A-7' }],
    });
    const { guardians } = guardianInputs([{ ...saved, email: 'ravi@example.in' }]);
    expect(guardians).toEqual([
      {
        id: 'g-1',
        name: 'Ravi Kumar',
        relation: 'father',
        phone: '+919876543210',
        alt_phone: '',
        email: 'ravi@example.in',
        whatsapp_consent: true,
      },
    ]);
  });

  it('drops a saved guardian whose block was emptied', () => {
    const saved = { ...blankGuardian(), id: 'g-1' };
    expect(guardianInputs([saved]).guardians).toEqual([]);
  });
});
