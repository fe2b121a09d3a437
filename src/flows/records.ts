// Flow records: submit (from forms, the API or the offline queue), correct, review, delete —
// each within the user's province scope, with history and audit in the same transaction.
import type { Database, Queryable } from '../platform/db/database.ts';
import type { Principal } from '../platform/auth/access.ts';
import { can } from '../platform/auth/access.ts';
import { audit, type Actor } from '../platform/audit.ts';
import { AppError, notFound } from '../platform/http/errors.ts';
import { todayIso } from '../platform/calendar.ts';
import { validateFmrRow, type Problem, type RawRow } from './validate.ts';
import { loadFmps, insertRecords, findRecords, differences, STORED_SELECT, type StoredRecord } from './store.ts';
import { checkAlerts } from './alerts.ts';
import type { FmrRecord } from './format.ts';

export type SubmitOutcome = { id: string; result: 'created' | 'duplicate' } | { id: string | null; index: number; result: 'invalid'; problems: Problem[] };

function sameRecord(a: FmrRecord, b: FmrRecord) {
  return Object.keys(differences(a, b)).length === 0;
}

/**
 * Submits records. Each is validated; a record whose id is already stored with the same
 * content is reported as a duplicate (a resend), never counted twice; the same id with other
 * content is refused. Valid records are stored even when others in the batch are not.
 */
export async function submitRecords(db: Database, p: Principal, actor: Actor, rows: RawRow[], source: 'form' | 'api'): Promise<SubmitOutcome[]> {
  return db.tx(async (c) => {
    const { registry, province } = await loadFmps(c);
    const today = todayIso();
    const outcomes: SubmitOutcome[] = [];
    const valid: { record: FmrRecord; province: string; index: number }[] = [];
    rows.forEach((raw, index) => {
      const v = validateFmrRow(raw, { today, fmps: registry });
      if (!v.ok) return outcomes.push({ id: typeof raw.id === 'string' ? raw.id : null, index, result: 'invalid', problems: v.problems });
      const prov = province.get(v.record.fmp)!;
      if (!can(p, 'flows.submit', prov)) throw new AppError('forbidden', 403, {}, { fmp: v.record.fmp });
      valid.push({ record: { ...v.record, enumerator: v.record.enumerator ?? p.username }, province: prov, index });
    });
    // Insert first (ids already stored are skipped by the database), then look up only the ids
    // that were not new: a resend with the same content is a duplicate, other content a conflict.
    const firstOf = new Map<string, (typeof valid)[number]>();
    for (const v of valid) if (!firstOf.has(v.record.id)) firstOf.set(v.record.id, v);
    const firsts = [...firstOf.values()];
    const inserted = await insertRecords(c, firsts, { submittedBy: p.id, source });
    const created = new Set(inserted);
    const existing = await findRecords(c, firsts.filter((v) => !created.has(v.record.id)).map((v) => v.record.id));
    for (const v of valid) {
      const id = v.record.id;
      if (created.has(id) && firstOf.get(id) === v) continue;
      const old = existing.get(id);
      if (old && !sameRecord(old, v.record)) outcomes.push({ id, index: v.index, result: 'invalid', problems: [idConflict(id)] });
      else outcomes.push({ id, result: 'duplicate' });
    }
    for (const id of inserted) outcomes.push({ id, result: 'created' });
    if (inserted.length) {
      await c.query(
        `INSERT INTO fmr_history (record_id, version, action, changed_by) SELECT id, 1, 'create', $2 FROM unnest($1::uuid[]) AS t(id)`,
        [inserted, p.id],
      );
      await checkAlerts(c, firsts.filter((v) => created.has(v.record.id)).map((v) => ({ fmp: v.record.fmp, day: v.record.date })));
      await audit(c, actor, 'flows.fmr.submit', 'fmr_record', inserted.length === 1 ? inserted[0] : null, { created: inserted.length, source });
    }
    return outcomes;
  });
}

export function idConflict(id: string): Problem {
  return {
    column: 'id',
    value: id,
    code: 'id_conflict' as any,
    message_en: 'This id is already used by a different record.',
    message_fa: 'این شناسه پیش‌تر برای رکورد دیگری به کار رفته است.',
  };
}

async function lockRecord(c: Queryable, p: Principal, id: string, permission: string): Promise<StoredRecord> {
  const r = (await c.query<StoredRecord>(`SELECT ${STORED_SELECT} FROM fmr_records WHERE id = $1 FOR UPDATE`, [id])).rows[0];
  if (!r || !can(p, 'flows.read', r.province_code)) throw notFound();
  if (!can(p, permission, r.province_code)) throw new AppError('forbidden', 403);
  return r;
}

export const REVIEW_ACTIONS = { approve: 'approved', flag: 'has_issues', reject: 'rejected', reopen: 'received' } as const;
export type ReviewAction = keyof typeof REVIEW_ACTIONS;

export async function reviewRecords(db: Database, p: Principal, actor: Actor, ids: string[], action: ReviewAction, comment: string | null) {
  if ((action === 'flag' || action === 'reject') && !comment?.trim()) throw new AppError('comment_required', 400);
  return db.tx(async (c) => {
    const keys: { fmp: string; day: string }[] = [];
    for (const id of ids) {
      const r = await lockRecord(c, p, id, 'flows.review');
      keys.push({ fmp: r.fmp, day: r.date });
      const status = REVIEW_ACTIONS[action];
      await c.query('UPDATE fmr_records SET status = $2, review_comment = $3, version = version + 1, updated_at = now() WHERE id = $1', [id, status, comment ?? null]);
      await c.query('INSERT INTO fmr_history (record_id, version, action, changes, comment, changed_by) VALUES ($1, $2, $3, $4, $5, $6)', [
        id,
        r.version + 1,
        action,
        JSON.stringify({ status: [r.status, status] }),
        comment ?? null,
        p.id,
      ]);
    }
    await checkAlerts(c, keys);
    await audit(c, actor, `flows.fmr.${action}`, 'fmr_record', ids.length === 1 ? ids[0] : null, { ids: ids.length > 1 ? ids : undefined, comment });
    return ids.length;
  });
}

/** A correction: the changed fields are validated as a whole record and kept in the history. */
export async function correctRecord(db: Database, p: Principal, actor: Actor, id: string, patch: RawRow, comment: string | null) {
  return db.tx(async (c) => {
    const before = await lockRecord(c, p, id, 'flows.review');
    const { registry, province } = await loadFmps(c);
    const merged: Record<string, unknown> = { ...before, reasons: before.reasons.join(';'), ...patch, id };
    const v = validateFmrRow(merged as RawRow, { today: todayIso(), fmps: registry });
    if (!v.ok) throw new AppError('invalid_record', 400, {}, v.problems);
    const changes = differences(before, v.record);
    if (!Object.keys(changes).length) return before;
    const prov = province.get(v.record.fmp)!;
    if (!can(p, 'flows.review', prov)) throw new AppError('forbidden', 403);
    const r = v.record;
    await c.query(
      `UPDATE fmr_records SET fmp_code = $2, province_code = $3, observed_on = $4, observed_time = $5, direction = $6, nationality = $7,
              men = $8, women = $9, boys = $10, girls = $11, deported = $12, transport = $13, reasons = $14, origin_country = $15,
              origin_admin1 = $16, destination_country = $17, destination_admin1 = $18, uasc = $19, pregnant_lactating = $20,
              elderly = $21, disabled = $22, medical = $23, enumerator = $24, note = $25, version = version + 1, updated_at = now()
        WHERE id = $1`,
      [id, r.fmp, prov, r.date, r.time, r.direction, r.nationality, r.men, r.women, r.boys, r.girls, r.deported, r.transport, [...r.reasons], r.origin_country, r.origin_admin1, r.destination_country, r.destination_admin1, r.uasc, r.pregnant_lactating, r.elderly, r.disabled, r.medical, r.enumerator, r.note],
    );
    await c.query('INSERT INTO fmr_history (record_id, version, action, changes, comment, changed_by) VALUES ($1, $2, $3, $4, $5, $6)', [id, before.version + 1, 'correct', JSON.stringify(changes), comment, p.id]);
    await checkAlerts(c, [
      { fmp: before.fmp, day: before.date },
      { fmp: r.fmp, day: r.date },
    ]);
    await audit(c, actor, 'flows.fmr.correct', 'fmr_record', id, { changes, comment });
    return (await c.query(`SELECT ${STORED_SELECT} FROM fmr_records WHERE id = $1`, [id])).rows[0] as StoredRecord;
  });
}

export async function deleteRecord(db: Database, p: Principal, actor: Actor, id: string, comment: string | null) {
  await db.tx(async (c) => {
    const before = await lockRecord(c, p, id, 'flows.review');
    await c.query('DELETE FROM fmr_records WHERE id = $1', [id]);
    const { submitted_at, updated_at, ...snapshot } = before;
    await c.query('INSERT INTO fmr_history (record_id, version, action, changes, comment, changed_by) VALUES ($1, $2, $3, $4, $5, $6)', [id, before.version + 1, 'delete', JSON.stringify({ record: snapshot }), comment, p.id]);
    await checkAlerts(c, [{ fmp: before.fmp, day: before.date }]);
    await audit(c, actor, 'flows.fmr.delete', 'fmr_record', id, { comment });
  });
}
