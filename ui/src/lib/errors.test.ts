import { describe, expect, it } from 'vitest';
import type { AppError } from './ipc/types';
import { dropBlank, fieldErrors, invalidAttrs, remapIndexed, stripPrefix, unplacedErrors } from './errors';

const validation = (details: { field: string; message: string }[]): AppError => ({
  code: 'validation',
  message: 'Some fields need attention',
  field: details[0]?.field,
  details,
});

describe('fieldErrors', () => {
  it('gives each field named in details its message', () => {
    const e = validation([
      { field: 'admission_no', message: 'The admission number is required' },
      { field: 'dob', message: 'The date of birth is in the future' },
      { field: 'guardians[0].phone', message: '"12" is not a phone number' },
    ]);
    expect(fieldErrors(e)).toEqual({
      admission_no: 'The admission number is required',
      dob: 'The date of birth is in the future',
      'guardians[0].phone': '"12" is not a phone number',
    });
  });

  it('joins two different messages for the same field and drops repeats', () => {
    const e = validation([
      { field: 'dob', message: 'A' },
      { field: 'dob', message: 'B' },
      { field: 'dob', message: 'A' },
    ]);
    expect(fieldErrors(e)).toEqual({ dob: 'A\nB' });
  });

  it('places a conflict on the field it names', () => {
    const e: AppError = {
      code: 'conflict',
      message: 'Admission number A-12 is already used by Asha Rao',
      field: 'admission_no',
      details: [],
    };
    expect(fieldErrors(e)).toEqual({ admission_no: 'Admission number A-12 is already used by Asha Rao' });
  });

  it('gives nothing for no error or an error about no field', () => {
    expect(fieldErrors(null)).toEqual({});
    expect(fieldErrors({ code: 'io', message: 'Disk full', details: [] })).toEqual({});
  });
});

describe('unplacedErrors', () => {
  it('lists only the messages whose field is not on screen', () => {
    const e = validation([
      { field: 'given_name', message: 'The given name is required' },
      { field: 'photo', message: 'Not an image' },
    ]);
    expect(unplacedErrors(e, ['given_name', 'dob'])).toEqual(['Not an image']);
  });

  it('shows the message of an error that names no field', () => {
    expect(unplacedErrors({ code: 'busy', message: 'The database is busy', details: [] }, ['x'])).toEqual([
      'The database is busy',
    ]);
  });
});

describe('renaming fields', () => {
  it('strips a prefix', () => {
    expect(stripPrefix({ 'school.name': 'a', 'year.name': 'b' }, 'school')).toEqual({ name: 'a', 'year.name': 'b' });
  });

  it('renumbers rows to where they are on screen after blank rows were dropped', () => {
    // Rows 0 and 2 were sent (row 1 was blank): the shell's guardians[1] is row 2 on screen.
    const errors = { 'guardians[1].phone': 'bad', 'guardians[0]': 'gone', dob: 'x', 'terms[1].name': 'y' };
    expect(remapIndexed(errors, 'guardians', [0, 2])).toEqual({
      'guardians[2].phone': 'bad',
      'guardians[0]': 'gone',
      dob: 'x',
      'terms[1].name': 'y',
    });
  });

  it('drops blank rows and remembers where the kept ones were', () => {
    const rows = ['a', '', ' ', 'b'];
    expect(dropBlank(rows, (r) => r.trim() === '')).toEqual({ kept: ['a', 'b'], sentToShown: [0, 3] });
  });
});

describe('invalidAttrs', () => {
  it('marks a control invalid and points it at its message', () => {
    expect(invalidAttrs('student-dob', 'In the future')).toEqual({
      'aria-invalid': 'true',
      'aria-describedby': 'student-dob-error',
    });
    expect(invalidAttrs('student-dob', undefined)).toEqual({});
  });
});
