// Who is sending, for ODK Collect and KoboCollect: a device token in the address (like ODK
// Central's app users) or a Marz account through HTTP Basic. Either way the sender acts as a
// Marz user, limited to what a field device needs: submitting flow monitoring data
// (flows.submit) in the provinces where that user holds it.
import { randomBytes } from 'node:crypto';
import type { Database, Queryable } from '../platform/db/database.ts';
import { toAssignment, type Principal } from '../platform/auth/access.ts';
import { hashToken } from '../platform/auth/sessions.ts';
import { checkPassword, burnTime } from '../platform/auth/passwords.ts';
import { throttleWait } from '../platform/auth/signin.ts';
import { normaliseUsername } from '../platform/text.ts';
import { audit, type Actor } from '../platform/audit.ts';
import { AppError } from '../platform/http/errors.ts';

export interface Device {
  id: number;
  user_id: string;
  username: string;
  label: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface CollectSender {
  principal: Principal;
  deviceId: number | null;
}

/** The server address a device is configured with: OpenRosa clients add /formList and /submission to it. */
export const collectBase = (publicUrl: string) => `${publicUrl.replace(/\/+$/, '')}/api/collect`;
export const deviceUrl = (publicUrl: string, token: string) => `${collectBase(publicUrl)}/key/${token}`;

const PRINCIPAL_SQL = `SELECT u.id, u.username, u.display_name, u.locale, u.agency_id,
        (SELECT coalesce(json_agg(json_build_object('role', r.code, 'permissions', r.permissions, 'agency_ids', a.agency_ids, 'province_codes', a.province_codes) ORDER BY a.id), '[]')
           FROM role_assignments a JOIN roles r ON r.id = a.role_id WHERE a.user_id = u.id) AS assignments
   FROM users u WHERE u.active AND `;

/** A field principal: only the user's flows.submit grants, with nothing else in them. */
function fieldPrincipal(r: any): Principal {
  const assignments = (r.assignments as any[])
    .map(toAssignment)
    .filter((a) => a.permissions.includes('flows.submit'))
    .map((a) => ({ ...a, permissions: ['flows.submit'] }));
  return { id: r.id, username: r.username, displayName: r.display_name, locale: r.locale, agencyId: r.agency_id == null ? null : Number(r.agency_id), assignments };
}

export async function createDevice(db: Database, actor: Actor, username: string, label: string, createdBy: string | null): Promise<{ id: number; token: string; userId: string }> {
  return db.tx(async (c) => {
    const user = (await c.query(PRINCIPAL_SQL + 'lower(u.username) = lower($1)', [username.trim()])).rows[0];
    if (!user) throw new AppError('collect_unknown_user', 404, { username });
    if (!fieldPrincipal(user).assignments.length) throw new AppError('collect_no_submit', 400, { username: user.username });
    const token = randomBytes(32).toString('base64url');
    const { id } = (
      await c.query<{ id: string }>('INSERT INTO collect_devices (user_id, label, token_hash, created_by) VALUES ($1, $2, $3, $4) RETURNING id', [user.id, label.slice(0, 100) || 'ODK Collect', hashToken(token), createdBy])
    ).rows[0];
    await audit(c, actor, 'collect.device.create', 'collect_device', String(id), { user: user.username, label });
    return { id: Number(id), token, userId: user.id };
  });
}

export async function listDevices(q: Queryable, userId: string | null): Promise<Device[]> {
  const rows = await q.query<Device>(
    `SELECT d.id::int AS id, d.user_id, u.username, d.label, d.created_at, d.last_used_at, d.revoked_at
       FROM collect_devices d JOIN users u ON u.id = d.user_id
      WHERE ($1::uuid IS NULL OR d.user_id = $1) ORDER BY d.revoked_at IS NOT NULL, d.created_at DESC`,
    [userId],
  );
  return rows.rows;
}

/** Revokes a device; onlyUser limits it to that user's own devices (null: any). */
export async function revokeDevice(db: Database, actor: Actor, id: number, onlyUser: string | null, by: string | null): Promise<void> {
  await db.tx(async (c) => {
    const d = (await c.query('SELECT id, user_id, revoked_at FROM collect_devices WHERE id = $1 FOR UPDATE', [id])).rows[0];
    if (!d || (onlyUser && d.user_id !== onlyUser)) throw new AppError('collect_unknown_device', 404, { id });
    if (d.revoked_at) return;
    await c.query('UPDATE collect_devices SET revoked_at = now(), revoked_by = $2 WHERE id = $1', [id, by]);
    await audit(c, actor, 'collect.device.revoke', 'collect_device', String(id), {});
  });
}

/** The sender of a device token, or null when the token is unknown or revoked. */
export async function senderOfToken(db: Database, token: string): Promise<CollectSender | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const d = (await db.query<{ id: string; user_id: string; last_used_at: Date | null }>('SELECT id, user_id, last_used_at FROM collect_devices WHERE token_hash = $1 AND revoked_at IS NULL', [hashToken(token)])).rows[0];
  if (!d) return null;
  const user = (await db.query(PRINCIPAL_SQL + 'u.id = $1', [d.user_id])).rows[0];
  if (!user) return null;
  if (!d.last_used_at || Date.now() - new Date(d.last_used_at).getTime() > 60_000) await db.query('UPDATE collect_devices SET last_used_at = now() WHERE id = $1', [d.id]);
  return { principal: fieldPrincipal(user), deviceId: Number(d.id) };
}

// Passwords checked recently, so that a phone sending twenty forms does not pay for twenty
// password hashes; the entry is keyed by a hash of the credentials and lasts a minute.
const recent = new Map<string, { userId: string; until: number }>();

/**
 * The sender of HTTP Basic credentials (user:password), or null when they do not match an
 * active account. Failures count and are throttled exactly like the web sign-in's
 * (src/platform/auth/signin.ts): a throttled attempt is refused with 429 before the password
 * is looked at.
 */
export async function senderOfBasic(db: Database, actor: Actor, header: string | undefined): Promise<CollectSender | null> {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1 || /[\u0000-\u001f\u007f]/.test(decoded) || decoded.length > 1000) return null;
  const username = normaliseUsername(decoded.slice(0, colon)).slice(0, 200);
  const password = decoded.slice(colon + 1);
  const key = hashToken(decoded);
  const hit = recent.get(key);
  let userId: string | null = hit && hit.until > Date.now() ? hit.userId : null;
  if (!userId) {
    const ip = actor.ip ?? '';
    const wait = await throttleWait(db, username, ip);
    if (wait > 0) {
      await audit(db, actor, 'auth.sign_in.throttled', 'user', null, { username, wait_seconds: wait, via: 'collect' });
      throw new AppError('sign_in_throttled', 429, { seconds: wait });
    }
    const u = (await db.query<{ id: string; password_hash: string; active: boolean }>('SELECT id, password_hash, active FROM users WHERE lower(username) = lower($1)', [username])).rows[0];
    const ok = u ? (await checkPassword(u.password_hash, password)) && u.active : (await burnTime(password), false);
    if (!ok) {
      await db.tx(async (c) => {
        await c.query('INSERT INTO sign_in_failures (ip, username) VALUES ($1, $2)', [ip, username]);
        await audit(c, actor, 'auth.sign_in.failed', 'user', u?.id ?? null, { username, via: 'collect' });
      });
      return null;
    }
    userId = u.id;
    if (recent.size > 1000) recent.clear();
    recent.set(key, { userId, until: Date.now() + 60_000 });
  }
  const user = (await db.query(PRINCIPAL_SQL + 'u.id = $1', [userId])).rows[0];
  return user ? { principal: fieldPrincipal(user), deviceId: null } : null;
}
