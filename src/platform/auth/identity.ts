// Users, sign-in and first-run setup: the rules, shared by the web routes and the CLI.
import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../db/database.ts';
import { AppError } from '../http/errors.ts';
import { audit, type Actor } from '../audit.ts';
import { hashPassword, checkPassword, burnTime, MIN_PASSWORD } from './passwords.ts';
import { newToken, hashToken, createSession } from './sessions.ts';
import { normalisePersian } from '../text.ts';

export const MAX_FAILURES_PER_USER = 5;
export const LOCK_MINUTES = 15;
export const MAX_FAILURES_PER_IP = 20;
export const IP_WINDOW_MINUTES = 15;

export function checkPasswordStrength(password: string) {
  if (password.length < MIN_PASSWORD || password.length > 256) throw new AppError('weak_password', 400, { min: MIN_PASSWORD });
}

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
  const username = u.username.trim();
  checkPasswordStrength(u.password);
  const taken = await q.query('SELECT 1 FROM users WHERE lower(username) = lower($1)', [username]);
  if (taken.rowCount) throw new AppError('username_taken', 409, { username });
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

export interface SignInResult {
  userId: string;
  token: string;
  csrf: string;
}

/**
 * Checks the password with a per-address rate limit and a per-account temporary lockout.
 * Failures and successes are audited.
 */
export async function signIn(db: Database, username: string, password: string, ip: string, userAgent: string | undefined, hours: number, actor: Actor): Promise<SignInResult> {
  const recent = await db.one(
    `SELECT count(*) AS n FROM sign_in_failures WHERE ip = $1 AND at > now() - make_interval(mins => $2)`,
    [ip, IP_WINDOW_MINUTES],
  );
  if (Number(recent!.n) >= MAX_FAILURES_PER_IP) {
    await audit(db, actor, 'auth.sign_in.rate_limited', 'user', null, { username });
    throw new AppError('rate_limited', 429, { minutes: IP_WINDOW_MINUTES });
  }
  const user = await db.one(
    `SELECT id, password_hash, active, failed_sign_ins,
            CEIL(EXTRACT(EPOCH FROM (locked_until - now())) / 60) AS locked_minutes
       FROM users WHERE lower(username) = lower($1)`,
    [username.trim()],
  );
  if (user && Number(user.locked_minutes) > 0) {
    await audit(db, actor, 'auth.sign_in.locked', 'user', user.id, { username });
    throw new AppError('locked', 423, { minutes: Number(user.locked_minutes) });
  }
  const ok = user ? user.active && (await checkPassword(user.password_hash, password)) : (await burnTime(password), false);
  if (!ok) {
    await db.tx(async (c) => {
      await c.query('INSERT INTO sign_in_failures (ip, username) VALUES ($1, $2)', [ip, username.slice(0, 200)]);
      if (user) {
        await c.query(
          `UPDATE users SET failed_sign_ins = failed_sign_ins + 1,
                  locked_until = CASE WHEN failed_sign_ins + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE locked_until END
            WHERE id = $1`,
          [user.id, MAX_FAILURES_PER_USER, LOCK_MINUTES],
        );
      }
      await audit(c, actor, 'auth.sign_in.failed', 'user', user?.id ?? null, { username: username.slice(0, 200) });
    });
    throw new AppError('bad_credentials', 401);
  }
  return db.tx(async (c) => {
    await c.query('UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE id = $1', [user!.id]);
    const s = await createSession(c, user!.id, hours, ip, userAgent);
    await audit(c, { ...actor, userId: user!.id, label: username.trim() }, 'auth.sign_in', 'user', user!.id, {});
    return { userId: user!.id, ...s };
  });
}

export async function changePassword(db: Database, userId: string, current: string, next: string, actor: Actor, keepSessionId: number | null) {
  const row = await db.one('SELECT password_hash FROM users WHERE id = $1', [userId]);
  if (!row || !(await checkPassword(row.password_hash, current))) throw new AppError('wrong_password', 400);
  checkPasswordStrength(next);
  const hashed = await hashPassword(next);
  await db.tx(async (c) => {
    await c.query('UPDATE users SET password_hash = $2, password_changed_at = now() WHERE id = $1', [userId, hashed]);
    await c.query('DELETE FROM sessions WHERE user_id = $1 AND id IS DISTINCT FROM $2', [userId, keepSessionId]);
    await audit(c, actor, 'auth.password_change', 'user', userId, {});
  });
}
