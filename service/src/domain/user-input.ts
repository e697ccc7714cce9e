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

export type NewUserFields<A> =
  { ok: true; name: string; email: string; avatar: A } | { ok: false; problems: string[] };

/**
 * A new user's name, email and avatar (undefined: none, or more than one), or every problem with
 * the three at once, so a client fixes them in one round.
 */
export function parseNewUser<A extends { size: number }>(
  rawName: unknown,
  rawEmail: unknown,
  avatar: A | undefined,
): NewUserFields<A> {
  const name = parseName(rawName);
  const email = parseEmail(rawEmail);
  const problems: string[] = [];
  if (!name.ok) problems.push(`name ${name.problem}`);
  if (!email.ok) problems.push(`email ${email.problem}`);
  if (!avatar) problems.push('avatar is required (one image file)');
  else if (avatar.size === 0) problems.push('avatar is empty');
  if (!name.ok || !email.ok || !avatar || problems.length > 0) return { ok: false, problems };
  return { ok: true, name: name.value, email: email.value, avatar };
}
