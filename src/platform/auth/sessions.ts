// Database sessions: a random token in an HttpOnly cookie, stored only as its SHA-256, with a
// per-session CSRF token the browser must echo in a header on every write.
import { randomBytes, createHash } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import { toAssignment, type Principal } from './access.ts';

export const SESSION_COOKIE = 'marz_session';
export const CSRF_HEADER = 'x-csrf-token';

export const newToken = () => randomBytes(32).toString('base64url');
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createSession(q: Queryable, userId: string, hours: number, ip?: string, userAgent?: string) {
  const token = newToken();
  const csrf = newToken();
  await q.query(
    `INSERT INTO sessions (token_hash, csrf_token, user_id, expires_at, ip, user_agent)
     VALUES ($1, $2, $3, now() + make_interval(hours => $4), $5, $6)`,
    [hashToken(token), csrf, userId, hours, ip ?? null, userAgent?.slice(0, 300) ?? null],
  );
  return { token, csrf };
}

export interface SessionInfo {
  sessionId: number;
  csrf: string;
  principal: Principal;
}

export async function findSession(q: Queryable, token: string): Promise<SessionInfo | null> {
  // One round trip per request: the session, its user and the user's role assignments.
  // last_seen_at is refreshed at most once a minute, so reading pages does not rewrite the row each time.
  const { rows } = await q.query(
    `WITH s AS (
       SELECT s.id, s.csrf_token, s.last_seen_at, u.id AS user_id, u.username, u.display_name, u.locale, u.agency_id
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = $1 AND s.expires_at > now() AND u.active),
     touched AS (UPDATE sessions SET last_seen_at = now() WHERE id IN (SELECT id FROM s WHERE last_seen_at < now() - interval '1 minute'))
     SELECT s.*,
            (SELECT coalesce(json_agg(json_build_object('role', r.code, 'permissions', r.permissions, 'agency_ids', a.agency_ids, 'province_codes', a.province_codes) ORDER BY a.id), '[]')
               FROM role_assignments a JOIN roles r ON r.id = a.role_id WHERE a.user_id = s.user_id) AS assignments
       FROM s`,
    [hashToken(token)],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    sessionId: Number(r.id),
    csrf: r.csrf_token,
    principal: {
      id: r.user_id,
      username: r.username,
      displayName: r.display_name,
      locale: r.locale,
      agencyId: r.agency_id == null ? null : Number(r.agency_id),
      assignments: r.assignments.map(toAssignment),
    },
  };
}

export async function endSession(q: Queryable, sessionId: number) {
  await q.query('DELETE FROM sessions WHERE id = $1', [sessionId]);
}

export async function endOtherSessions(q: Queryable, userId: string, keepSessionId: number | null) {
  await q.query('DELETE FROM sessions WHERE user_id = $1 AND id IS DISTINCT FROM $2', [userId, keepSessionId]);
}
