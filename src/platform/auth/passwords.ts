// Argon2id with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane), and what a password
// must be: 10 to 256 characters, not the username, and not guessable — zxcvbn-ts (a maintained
// estimator with dictionaries of common passwords, names and words, keyboard patterns,
// repeats and sequences) must put it at score 3 or more (over 10^8 guesses).
import { hash, verify } from '@node-rs/argon2';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import { AppError } from '../http/errors.ts';

const OPTIONS = { algorithm: 2 /* Argon2id (a const enum in the typings) */, memoryCost: 19456, timeCost: 2, parallelism: 1 };
export const MIN_PASSWORD = 10;
export const MAX_PASSWORD = 256;
export const MIN_SCORE = 3;

export const hashPassword = (password: string) => hash(password, OPTIONS);

export async function checkPassword(stored: string, password: string) {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

// Verifying against a dummy hash when the user does not exist keeps response times alike.
let dummy: Promise<string> | null = null;
export async function burnTime(password: string) {
  dummy ??= hashPassword('marz-dummy-password');
  await checkPassword(await dummy, password);
}

let estimator: ZxcvbnFactory | null = null;
const strength = (password: string, inputs: string[]) => {
  estimator ??= new ZxcvbnFactory({ dictionary: { ...common.dictionary, ...en.dictionary }, graphs: common.adjacencyGraphs, translations: en.translations });
  // zxcvbn's cost grows with length; past 100 characters the first 100 decide.
  return estimator.check(password.slice(0, 100), inputs);
};

/** Throws a 400 naming what is wrong with a new password. */
/** Refuses a weak password with a 400 naming the field it came in (`password` unless told). */
export function checkPasswordStrength(password: string, context: { username?: string | null; displayName?: string | null; field?: string } = {}) {
  const details = { field: context.field ?? 'password' };
  if (password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) throw new AppError('weak_password', 400, { min: MIN_PASSWORD }, details);
  const username = context.username?.normalize('NFKC').toLowerCase();
  const folded = password.normalize('NFKC').toLowerCase();
  if (username && (folded === username || folded.includes(username) && folded.length - username.length < 4)) throw new AppError('password_is_username', 400, {}, details);
  const inputs = [context.username, context.displayName, 'marz', 'مرز'].filter((x): x is string => !!x);
  if (strength(password, inputs).score < MIN_SCORE) throw new AppError('common_password', 400, {}, details);
}
