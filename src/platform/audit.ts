// The append-only audit trail. Each write records itself here inside its own transaction, so
// a change and its audit entry land together or not at all.
import type { Queryable } from './db/database.ts';

/** Who is acting, for the audit trail: a signed-in user, or the command line. */
export interface Actor {
  userId: string | null;
  label: string;
  requestId?: string;
  ip?: string;
}

export const cliActor = (label = 'cli'): Actor => ({ userId: null, label: `${label} (${process.env.USER ?? 'local'})` });

export async function audit(q: Queryable, actor: Actor, action: string, subjectType: string | null, subjectId: string | null, details: object = {}) {
  await q.query(
    `INSERT INTO audit_log (actor_id, actor_label, action, subject_type, subject_id, details, request_id, ip)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [actor.userId, actor.label, action, subjectType, subjectId, JSON.stringify(details), actor.requestId ?? null, actor.ip ?? null],
  );
}
