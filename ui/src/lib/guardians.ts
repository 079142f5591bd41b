// The guardian blocks of the student form and what they become in a StudentInput.
import { dropBlank } from './errors';
import type { GuardianInput, LinkedGuardian, Relation, SiblingRef } from './ipc/types';

export const RELATIONS: { value: Relation; label: string }[] = [
  { value: 'father', label: 'Father' },
  { value: 'mother', label: 'Mother' },
  { value: 'guardian', label: 'Guardian' },
  { value: 'grandparent', label: 'Grandparent' },
  { value: 'sibling', label: 'Sibling' },
  { value: 'other', label: 'Other' },
];

/** One guardian block on screen. `key` keeps Svelte's list stable as blocks come and go. */
export type GuardianForm = {
  key: number;
  id?: string;
  name: string;
  relation: Relation;
  phone: string;
  alt_phone: string;
  email: string;
  whatsapp_consent: boolean;
  /** Other students of a saved guardian (shown, never sent). */
  siblings: SiblingRef[];
};

let nextKey = 1;

export function blankGuardian(relation: Relation = 'guardian'): GuardianForm {
  return {
    key: nextKey++,
    name: '',
    relation,
    phone: '',
    alt_phone: '',
    email: '',
    whatsapp_consent: false,
    siblings: [],
  };
}

export function guardianFromLinked(g: LinkedGuardian): GuardianForm {
  return {
    key: nextKey++,
    id: g.id,
    name: g.name,
    relation: g.relation,
    phone: g.phone ?? '',
    alt_phone: g.alt_phone ?? '',
    email: g.email ?? '',
    whatsapp_consent: g.whatsapp_consent,
    siblings: g.siblings,
  };
}

/**
 * A block nobody filled in: no name, numbers or email and no consent ticked. The relation
 * does not count (it always has a value). Blanking a saved guardian's block removes them
 * from the student.
 */
export function isBlankGuardian(g: GuardianForm): boolean {
  return (
    g.name.trim() === '' &&
    g.phone.trim() === '' &&
    g.alt_phone.trim() === '' &&
    g.email.trim() === '' &&
    !g.whatsapp_consent
  );
}

export function toGuardianInput(g: GuardianForm): GuardianInput {
  const input: GuardianInput = {
    name: g.name.trim(),
    relation: g.relation,
    phone: g.phone.trim(),
    alt_phone: g.alt_phone.trim(),
    email: g.email.trim(),
    whatsapp_consent: g.whatsapp_consent,
  };
  if (g.id) input.id = g.id;
  return input;
}

/** The guardians to send (blank blocks dropped) and, for each, its block on screen. */
export function guardianInputs(blocks: GuardianForm[]): { guardians: GuardianInput[]; sentToShown: number[] } {
  const { kept, sentToShown } = dropBlank(blocks, isBlankGuardian);
  return { guardians: kept.map(toGuardianInput), sentToShown };
}
