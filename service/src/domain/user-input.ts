// The rules of a new user's name and email, as the API states them.
import { EMAIL_MAX_LENGTH, NAME_MAX_LENGTH } from '../limits.ts';

// Local part of dot-atoms, a domain of labels with a TLD of letters (no quoted local parts,
// no IP literals): what a sign-up form accepts in practice.
const EMAIL_PATTERN =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

export type FieldResult<T> = { ok: true; value: T } | { ok: false; problem: string };

/** Trimmed, lower-cased email (the users table's key), or why it is not one. */
export function parseEmail(raw: unknown): FieldResult<string> {
  if (typeof raw !== 'string' || raw.trim() === '') return { ok: false, problem: 'is required' };
  const email = raw.trim().toLowerCase();
  if (email.length > EMAIL_MAX_LENGTH || !EMAIL_PATTERN.test(email)) {
    return { ok: false, problem: 'must be a valid email address' };
  }
  return { ok: true, value: email };
}

/** Trimmed display name of 1 to 100 characters, or why it is not one. */
export function parseName(raw: unknown): FieldResult<string> {
  if (typeof raw !== 'string' || raw.trim() === '') return { ok: false, problem: 'is required' };
  const name = raw.trim();
  if (Array.from(name).length > NAME_MAX_LENGTH) {
    return { ok: false, problem: `must be at most ${NAME_MAX_LENGTH} characters` };
  }
  if (CONTROL_CHARACTERS.test(name)) {
    return { ok: false, problem: 'must not contain control characters' };
  }
  return { ok: true, value: name };
}
