// Argon2id with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane).
import { hash, verify } from '@node-rs/argon2';

const OPTIONS = { algorithm: 2 /* Argon2id (a const enum in the typings) */, memoryCost: 19456, timeCost: 2, parallelism: 1 };
export const MIN_PASSWORD = 10;

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
