import { describe, expect, it } from 'vitest';
import { classInput, classNamePreview } from './classes';

describe('classNamePreview', () => {
  it('builds "Grade 5 B" from grade and section', () => {
    expect(classNamePreview('5', 'b')).toBe('Grade 5 B');
    expect(classNamePreview(' 10 ', '')).toBe('Grade 10');
    expect(classNamePreview('', 'A')).toBe('');
  });
});

describe('classInput', () => {
  it('lets the shell name a new class from grade and section', () => {
    expect(classInput(null, '5', 'b ', ' Mrs  Rao ')).toEqual({ name: '', grade: '5', section: 'B', class_teacher: 'Mrs Rao' });
  });

  it('keeps the own name of a class whose grade and section did not change', () => {
    const nursery = { name: 'Nursery', grade: 'Nursery', section: '' };
    expect(classInput(nursery, 'Nursery', '', 'Ms Lee').name).toBe('Nursery');
    expect(classInput(nursery, '1', '', 'Ms Lee').name).toBe('');
  });

  it('renames a class built from grade and section when they change', () => {
    const c = { name: 'Grade 5 B', grade: '5', section: 'B' };
    expect(classInput(c, '6', 'B', '').name).toBe('');
  });
});
