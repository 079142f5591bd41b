// Class names from grade and section, as the Rust side builds them ("Grade 5 B").
import type { ClassInput, ClassSummary } from './ipc/types';

const clean = (s: string) => s.trim().replace(/\s+/g, ' ');

/** The name a class gets from its grade and section: "Grade 5 B", or "Grade 5" alone. */
export function classNamePreview(grade: string, section: string): string {
  const g = clean(grade);
  if (!g) return '';
  const s = clean(section).toUpperCase();
  return s ? `Grade ${g} ${s}` : `Grade ${g}`;
}

/**
 * The input for saving a class. The name is left to the shell to build from grade and
 * section, except for an existing class with a name of its own ("Nursery") whose grade and
 * section were not changed: that name is kept.
 */
export function classInput(
  original: Pick<ClassSummary, 'name' | 'grade' | 'section'> | null,
  grade: string,
  section: string,
  class_teacher: string,
): ClassInput {
  const input: ClassInput = { name: '', grade: clean(grade), section: clean(section).toUpperCase(), class_teacher: clean(class_teacher) };
  if (original) {
    const customName = original.name !== classNamePreview(original.grade, original.section);
    const unchanged = clean(original.grade) === input.grade && clean(original.section).toUpperCase() === input.section;
    if (customName && unchanged) input.name = original.name;
  }
  return input;
}
