// Users, sign-in and first-run setup: the rules, shared by the web routes and the CLI.
import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../db/database.ts';
import { AppError } from '../http/errors.ts';
import { audit, type Actor } from '../audit.ts';
import { hashPassword, checkPassword, checkPasswordStrength } from './passwords.ts';
import { refuseLookAlike } from './usernames.ts';
import { newToken, hashToken } from './sessions.ts';
import { normalisePersian, normaliseUsername } from '../text.ts';

// What a password must be (length, not the username, not common): passwords.ts.
export { checkPasswordStrength } from './passwords.ts';

export interface NewUser {
  username: string;
  displayName: string;
  email?: string | null;
  password: string;
  locale?: 'en' | 'fa';
  agencyId?: number | null;
  assignments?: { role: string; agencyIds?: number[]; provinces?: string[] | null }[];
}

export async function createUser(q: Queryable, actor: Actor, u: NewUser): Promise<string> {
  // NFKC and Persian letters normalised; refused when equal to or a look-alike of an existing name.
  const username = normaliseUsername(u.username);
  checkPasswordStrength(u.password, { username, displayName: u.displayName });
  await refuseLookAlike(q, username);
  const id = randomUUID();
  await q.query(
    `INSERT INTO users (id, username, display_name, email, password_hash, locale, agency_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [id, username, normalisePersian(u.displayName), u.email ?? null, await hashPassword(u.password), u.locale ?? 'en', u.agencyId ?? null],
  );
  await setAssignments(q, id, u.assignments ?? []);
  await audit(q, actor, 'user.create', 'user', id, { username, assignments: u.assignments ?? [] });
  return id;
}

export async function setAssignments(q: Queryable, userId: string, list: NonNullable<NewUser['assignments']>) {
  await q.query('DELETE FROM role_assignments WHERE user_id = $1', [userId]);
  for (const a of list) {
    const role = await q.query('SELECT id FROM roles WHERE code = $1', [a.role]);
    if (!role.rowCount) throw new AppError('unknown_role', 400, { role: a.role });
    for (const agencyId of a.agencyIds ?? []) {
      const found = await q.query('SELECT 1 FROM agencies WHERE id = $1', [agencyId]);
      if (!found.rowCount) throw new AppError('unknown_agency', 400, { id: agencyId });
    }
    for (const code of a.provinces ?? []) {
      const found = await q.query('SELECT 1 FROM provinces WHERE code = $1', [code]);
      if (!found.rowCount) throw new AppError('unknown_province', 400, { code });
    }
    await q.query('INSERT INTO role_assignments (user_id, role_id, agency_ids, province_codes) VALUES ($1, $2, $3, $4)', [
      userId,
      role.rows[0].id,
      a.agencyIds ?? [],
      a.provinces ?? null,
    ]);
  }
}

export async function userCount(q: Queryable): Promise<number> {
  return Number((await q.query('SELECT count(*) AS n FROM users')).rows[0].n);
}

/** A one-time setup link for the first administrator, valid for 24 hours. */
export async function createSetupToken(q: Queryable): Promise<string> {
  const token = newToken();
  await q.query(`INSERT INTO setup_tokens (token_hash, expires_at) VALUES ($1, now() + interval '24 hours')`, [hashToken(token)]);
  return token;
}

export async function completeSetup(db: Database, token: string, u: Omit<NewUser, 'assignments'>, actor: Actor): Promise<string> {
  return db.tx(async (c) => {
    await c.query('LOCK TABLE users IN EXCLUSIVE MODE');
    if ((await userCount(c)) > 0) throw new AppError('setup_done', 409);
    const used = await c.query(
      `UPDATE setup_tokens SET used_at = now() WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING 1`,
      [hashToken(token)],
    );
    if (!used.rowCount) throw new AppError('setup_token', 400);
    return createUser(c, actor, { ...u, assignments: [{ role: 'admin', provinces: null }] });
  });
}

// Signing in, with throttling by account and address: signin.ts.
export { signIn, type SignInResult } from './signin.ts';

export async function changePassword(db: Database, userId: string, current: string, next: string, actor: Actor, keepSessionId: number | null) {
  const row = await db.one('SELECT username, display_name, password_hash FROM users WHERE id = $1', [userId]);
  if (!row || !(await checkPassword(row.password_hash, current))) throw new AppError('wrong_password', 400);
  checkPasswordStrength(next, { username: row.username, displayName: row.display_name, field: 'new_password' });
  const hashed = await hashPassword(next);
  await db.tx(async (c) => {
    await c.query('UPDATE users SET password_hash = $2, password_changed_at = now() WHERE id = $1', [userId, hashed]);
    await c.query('DELETE FROM sessions WHERE user_id = $1 AND id IS DISTINCT FROM $2', [userId, keepSessionId]);
    await audit(c, actor, 'auth.password_change', 'user', userId, {});
  });
}
