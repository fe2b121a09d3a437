// The protection workflow: screening, status, consent, referral (with the consent gate),
// follow-up, case worker, closure, break-glass, legal hold, retention. Every function takes the
// transaction's client and writes its audit entry there. Access is decided by policy.ts.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../platform/db/database.ts';
import type { Principal } from '../platform/auth/access.ts';
import { audit, type Actor } from '../platform/audit.ts';
import { AppError, notFound } from '../platform/http/errors.ts';
import { todayIso, addDays } from '../platform/calendar.ts';
import { normalisePersian } from '../platform/text.ts';
import type { FieldCipher } from './crypto.ts';
import { insertCases, ctx, CASE_COLUMNS, type CaseFacts } from './cases.ts';
import { caseAccess, holds, mayAddTo, mayBreakGlass, VERB, FIELD_GROUPS, type CaseAccess } from './policy.ts';

export const OUTCOMES = ['no_concern', 'possible_victim', 'urgent'] as const;
export const URGENT_REASONS = ['child', 'medical', 'safety'] as const;
/** Allowed status changes (corrections go through a new decision, recorded the same way). */
export const TRANSITIONS: Record<string, string[]> = {
  possible: ['presumed', 'confirmed', 'not_victim'],
  presumed: ['confirmed', 'not_victim'],
  confirmed: ['not_victim'],
  not_victim: ['possible'],
};
export const BREAK_GLASS_HOURS = 4;

export async function loadCase(q: Queryable, id: string) {
  return (await q.query(`SELECT ${CASE_COLUMNS} FROM protection_cases c WHERE c.id = $1`, [id])).rows[0] as any;
}

/** The case and what the user may do with it; 404 when it does not exist or they may not read it. */
export async function openCase(q: Queryable, p: Principal | null, id: string, lock = false): Promise<{ row: any; access: CaseAccess }> {
  if (!p) throw new AppError('unauthenticated', 401);
  const row = lock ? (await q.query(`SELECT ${CASE_COLUMNS} FROM protection_cases c WHERE c.id = $1 FOR UPDATE`, [id])).rows[0] : await loadCase(q, id);
  if (!row) throw notFound();
  const access = await caseAccess(q, p, row);
  if (!access) throw notFound(); // the same answer as a case that does not exist: nothing leaks
  return { row, access };
}

export interface ScreeningInput {
  case_id?: string;
  screening_id?: string;
  owner_agency_id: number;
  fmp: string;
  screened_on: string;
  sex: CaseFacts['sex'];
  age: number | null;
  nationality: string | null;
  given_name?: string | null;
  family_name?: string | null;
  indicators: string[];
  assessment?: string | null;
  outcome: (typeof OUTCOMES)[number];
  urgent_reasons: string[];
  referral_offered?: boolean;
  best_interests?: { separated_or_unaccompanied: boolean; guardian_identified: boolean; assessment: string } | null;
  consent: { share_fields: string[]; share_with: string[]; statistics: boolean; retention_told: boolean };
  exploitation?: string[];
}

export async function recordScreening(q: Queryable, cipher: FieldCipher, p: Principal, actor: Actor, s: ScreeningInput) {
  const fmp = (await q.query('SELECT province_code FROM fmps WHERE code = $1', [s.fmp])).rows[0];
  if (!fmp) throw new AppError('protection_fmp_unknown', 400, { code: s.fmp });
  const province = fmp.province_code as string;
  if (!holds(p, VERB.screen, s.owner_agency_id, province)) throw new AppError('forbidden', 403, {}, { permission: VERB.screen });
  if (s.screened_on > todayIso()) throw new AppError('protection_date_future', 400, { field: 'screened_on' });
  const child = s.age != null && s.age < 18;
  if (child && !s.best_interests?.assessment?.trim()) throw new AppError('protection_best_interests_required', 400, { field: 'best_interests' });
  if (s.outcome === 'urgent' && !s.urgent_reasons.length) throw new AppError('protection_urgent_reason_required', 400, { field: 'urgent_reasons' });
  const known = new Set((await q.query('SELECT code FROM protection_indicators WHERE active')).rows.map((r) => r.code));
  const unknown = s.indicators.filter((i) => !known.has(i));
  if (unknown.length) throw new AppError('protection_indicator_unknown', 400, { field: 'indicators', codes: unknown.join(', ') });

  const id = s.case_id ?? randomUUID();
  const screeningId = s.screening_id ?? randomUUID();
  // A resent offline screening (same ids) is stored once.
  const dup = (await q.query('SELECT case_id FROM protection_screenings WHERE id = $1', [screeningId])).rows[0];
  if (dup) return { case_id: dup.case_id as string, screening_id: screeningId, created: false };
  const concern = s.outcome !== 'no_concern';
  // Minimal data: with no concern found, no name is kept.
  const inserted = await insertCases(
    q,
    cipher,
    [
      {
        id,
        screened_on: s.screened_on,
        fmp: s.fmp,
        province,
        owner_agency_id: s.owner_agency_id,
        sex: s.sex,
        age: s.age,
        nationality: s.nationality,
        given_name: concern ? normalisePersian(s.given_name ?? '') || null : null,
        family_name: concern ? normalisePersian(s.family_name ?? '') || null : null,
        status: concern ? 'possible' : 'not_victim',
        exploitation: [...new Set(s.exploitation ?? [])].sort(),
        consent_statistics: s.consent.statistics,
        source: 'screening',
        case_worker_id: p.id,
      },
    ],
    { userId: p.id, authority: concern ? 'system:screening_possible' : 'system:screening_no_concern', legalBasis: 'system:screening' },
  );
  if (!inserted.length) throw new AppError('protection_case_exists', 409, { id });
  await q.query('UPDATE protection_consents SET share_fields = $2, share_with = $3, retention_told = $4 WHERE case_id = $1 AND version = 1', [id, s.consent.share_fields, s.consent.share_with, s.consent.retention_told]);
  await q.query(
    `INSERT INTO protection_screenings (id, case_id, screened_on, screener_id, indicators, assessment_enc, outcome, urgent_reasons, referral_offered, best_interests_enc)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      screeningId, id, s.screened_on, p.id, s.indicators, cipher.encrypt(s.assessment ?? null, ctx('protection_screenings', 'assessment', screeningId)), s.outcome, s.urgent_reasons,
      concern && (s.referral_offered ?? true), s.best_interests ? cipher.encrypt(JSON.stringify(s.best_interests), ctx('protection_screenings', 'best_interests', screeningId)) : null,
    ],
  );
  await audit(q, actor, 'protection.case.screen', 'protection_case', id, { screening_id: screeningId, outcome: s.outcome, child });
  return { case_id: id, screening_id: screeningId, created: true };
}

export async function changeStatus(q: Queryable, p: Principal, actor: Actor, id: string, s: { status: string; deciding_authority: string; legal_basis: string; decided_on: string }) {
  const { row, access } = await openCase(q, p, id, true);
  if (!access.edit) throw new AppError('forbidden', 403, {}, { permission: VERB.edit });
  if (!TRANSITIONS[row.status]?.includes(s.status)) throw new AppError('protection_status_transition', 409, { from: row.status, to: s.status });
  if (s.decided_on > todayIso()) throw new AppError('protection_date_future', 400, { field: 'decided_on' });
  await q.query(
    `INSERT INTO protection_status_history (case_id, status, deciding_authority, legal_basis, decided_on, recorded_by) VALUES ($1,$2,$3,$4,$5,$6)`,
    [id, s.status, normalisePersian(s.deciding_authority), normalisePersian(s.legal_basis), s.decided_on, p.id],
  );
  await q.query('UPDATE protection_cases SET status = $2, updated_at = now() WHERE id = $1', [id, s.status]);
  await audit(q, actor, 'protection.case.status', 'protection_case', id, { from: row.status, to: s.status, decided_on: s.decided_on });
}

export interface ConsentInput {
  share_fields: string[];
  share_with: string[];
  statistics: boolean;
  retention_told: boolean;
  given_on: string;
  withdrawn: boolean;
}

export async function recordConsent(q: Queryable, p: Principal, actor: Actor, id: string, c: ConsentInput) {
  const { access } = await openCase(q, p, id, true);
  if (!access.edit) throw new AppError('forbidden', 403, {}, { permission: VERB.edit });
  const v = Number((await q.query('SELECT coalesce(max(version), 0) + 1 AS v FROM protection_consents WHERE case_id = $1', [id])).rows[0].v);
  await q.query(
    `INSERT INTO protection_consents (case_id, version, share_fields, share_with, statistics, retention_told, given_on, withdrawn, recorded_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
    [id, v, c.withdrawn ? [] : c.share_fields, c.withdrawn ? [] : c.share_with, c.statistics && !c.withdrawn, c.retention_told, c.given_on, c.withdrawn, p.id],
  );
  await q.query('UPDATE protection_cases SET consent_statistics = $2, updated_at = now() WHERE id = $1', [id, c.statistics && !c.withdrawn]);
  await audit(q, actor, 'protection.case.consent', 'protection_case', id, { version: v, withdrawn: c.withdrawn, statistics: c.statistics && !c.withdrawn, share_fields: c.share_fields, share_with: c.share_with });
  return v;
}

export interface ReferralInput {
  id?: string;
  kind: 'referral' | 'transfer';
  to_agency_id: number;
  service: string;
  pillar: string;
  fields: string[];
  due_on?: string | null;
  note?: string | null;
  override_reason?: string | null;
}

export async function refer(q: Queryable, cipher: FieldCipher, p: Principal, actor: Actor, caseId: string, r: ReferralInput) {
  const { row, access } = await openCase(q, p, caseId, true);
  if (!access.refer || access.via !== 'owner') throw new AppError('forbidden', 403, {}, { permission: VERB.refer });
  const owner = Number(row.owner_agency_id);
  if (r.to_agency_id === owner) throw new AppError('protection_refer_self', 400, { field: 'to_agency_id' });
  if (!(await q.query('SELECT 1 FROM agencies WHERE id = $1', [r.to_agency_id])).rowCount) throw new AppError('protection_agency_unknown', 400, { field: 'to_agency_id' });
  const fields = r.kind === 'transfer' ? [...FIELD_GROUPS] : [...new Set(r.fields)];
  const consent = (await q.query('SELECT version, share_fields, share_with, withdrawn FROM protection_consents WHERE case_id = $1 ORDER BY version DESC LIMIT 1', [caseId])).rows[0];
  const consented = consent && !consent.withdrawn && consent.share_with.includes(r.service) && fields.every((f: string) => consent.share_fields.includes(f));
  const reason = r.override_reason?.trim() || null;
  if (!consented) {
    if (!reason) throw new AppError('protection_consent_required', 409, {}, { consent_version: consent?.version ?? null });
    if (!holds(p, VERB.override, owner, row.province_code)) throw new AppError('forbidden', 403, {}, { permission: VERB.override });
    if (reason.length < 10) throw new AppError('protection_reason_too_short', 400, { field: 'override_reason' });
  }
  const id = r.id ?? randomUUID();
  await q.query(
    `INSERT INTO protection_referrals (id, case_id, kind, from_agency_id, to_agency_id, service, pillar, fields, consent_version, override_reason_enc, override_by, due_on, note_enc, created_by)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
    [
      id, caseId, r.kind, owner, r.to_agency_id, r.service, r.pillar, fields, consented ? consent.version : null,
      consented ? null : cipher.encrypt(reason, ctx('protection_referrals', 'override_reason', id)), consented ? null : p.id,
      r.due_on ?? addDays(todayIso(), 7), cipher.encrypt(r.note ?? null, ctx('protection_referrals', 'note', id)), p.id,
    ],
  );
  if (!consented) {
    await q.query(`INSERT INTO protection_alerts (kind, case_id, agency_id, province_code, user_id, details) VALUES ('consent_override', $1, $2, $3, $4, $5)`, [
      caseId, owner, row.province_code, p.id, JSON.stringify({ referral_id: id, to_agency_id: r.to_agency_id, service: r.service }),
    ]);
    await audit(q, actor, 'protection.referral.consent_override', 'protection_case', caseId, { referral_id: id, to_agency_id: r.to_agency_id });
  }
  await audit(q, actor, 'protection.referral.create', 'protection_case', caseId, { referral_id: id, kind: r.kind, to_agency_id: r.to_agency_id, service: r.service, fields, consented });
  return { id, consented };
}

export async function respondReferral(q: Queryable, cipher: FieldCipher, p: Principal, actor: Actor, referralId: string, action: 'accept' | 'decline' | 'done' | 'revoke', note: string | null) {
  const ref = (await q.query('SELECT r.*, c.province_code, c.owner_agency_id FROM protection_referrals r JOIN protection_cases c ON c.id = r.case_id WHERE r.id = $1 FOR UPDATE OF r', [referralId])).rows[0];
  if (!ref) throw notFound();
  const to = Number(ref.to_agency_id);
  const from = Number(ref.from_agency_id);
  const prov = ref.province_code as string;
  const recipient = holds(p, VERB.refer, to, prov);
  const sender = holds(p, VERB.refer, from, prov);
  if (!recipient && !sender) {
    if (holds(p, VERB.read, to, prov) || holds(p, VERB.read, from, prov)) throw new AppError('forbidden', 403, {}, { permission: VERB.refer });
    throw notFound();
  }
  const allowed: Record<string, [string[], boolean]> = { accept: [['pending'], recipient], decline: [['pending'], recipient], done: [['accepted'], recipient], revoke: [['pending', 'accepted'], sender] };
  const [from_states, who] = allowed[action]!;
  if (!who) throw new AppError('forbidden', 403, {}, { permission: VERB.refer });
  if (!from_states.includes(ref.status)) throw new AppError('protection_referral_state', 409, { status: ref.status, action });
  const status = { accept: 'accepted', decline: 'declined', done: 'done', revoke: 'revoked' }[action];
  await q.query(
    `UPDATE protection_referrals SET status = $2, responded_at = CASE WHEN $3 IN ('accept','decline') THEN now() ELSE responded_at END, done_at = CASE WHEN $3 = 'done' THEN now() ELSE done_at END,
       response_enc = coalesce($4, response_enc) WHERE id = $1`,
    [referralId, status, action, cipher.encrypt(note, ctx('protection_referrals', 'response', referralId))],
  );
  if (action === 'done') {
    // Done marks the service delivered (a follow-up of the case, under the referral's pillar).
    const fid = randomUUID();
    await q.query(`INSERT INTO protection_followups (id, case_id, kind, pillar, body_enc, referral_id, delivered, created_by) VALUES ($1,$2,'service',$3,$4,$5,true,$6)`, [
      fid, ref.case_id, ref.pillar, cipher.encrypt(note || `service delivered: ${ref.service}`, ctx('protection_followups', 'body', fid)), referralId, p.id,
    ]);
  }
  if (action === 'accept' && ref.kind === 'transfer') {
    await q.query('UPDATE protection_cases SET owner_agency_id = $2, case_worker_id = NULL, updated_at = now() WHERE id = $1', [ref.case_id, to]);
  }
  await audit(q, actor, `protection.referral.${action}`, 'protection_case', ref.case_id, { referral_id: referralId, kind: ref.kind });
  return status;
}

export async function addFollowup(q: Queryable, cipher: FieldCipher, p: Principal, actor: Actor, caseId: string, f: { kind: string; pillar: string | null; body: string }) {
  const { row, access } = await openCase(q, p, caseId, true);
  if (!mayAddTo(p, access, row.province_code)) throw new AppError('forbidden', 403, {}, { permission: VERB.edit });
  const id = randomUUID();
  await q.query(`INSERT INTO protection_followups (id, case_id, kind, pillar, body_enc, delivered, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7)`, [
    id, caseId, f.kind, f.pillar, cipher.encrypt(normalisePersian(f.body), ctx('protection_followups', 'body', id)), f.kind === 'service', p.id,
  ]);
  await audit(q, actor, 'protection.case.followup', 'protection_case', caseId, { followup_id: id, kind: f.kind, pillar: f.pillar });
  return id;
}

export async function updateCase(q: Queryable, cipher: FieldCipher, p: Principal, actor: Actor, caseId: string, u: { case_worker_id?: string | null; close?: { reason: string } | null; exploitation_detail?: string | null; perpetrator?: string | null }) {
  const { row, access } = await openCase(q, p, caseId, true);
  if (!access.edit) throw new AppError('forbidden', 403, {}, { permission: VERB.edit });
  const changed: string[] = [];
  if (u.case_worker_id !== undefined) {
    if (u.case_worker_id) {
      const w = (await q.query('SELECT id FROM users WHERE id = $1 AND active', [u.case_worker_id])).rows[0];
      if (!w) throw new AppError('protection_user_unknown', 400, { field: 'case_worker_id' });
    }
    await q.query('UPDATE protection_cases SET case_worker_id = $2 WHERE id = $1', [caseId, u.case_worker_id]);
    changed.push('case_worker_id');
  }
  for (const f of ['exploitation_detail', 'perpetrator'] as const) {
    if (u[f] === undefined) continue;
    await q.query(`UPDATE protection_cases SET ${f}_enc = $2 WHERE id = $1`, [caseId, cipher.encrypt(u[f] ? normalisePersian(u[f]!) : null, ctx('protection_cases', f, caseId))]);
    changed.push(f);
  }
  if (u.close) {
    if (row.closed_at) throw new AppError('protection_case_closed', 409);
    await q.query('UPDATE protection_cases SET closed_at = now(), closure_reason = $2 WHERE id = $1', [caseId, u.close.reason]);
    changed.push('closed');
  }
  await q.query('UPDATE protection_cases SET updated_at = now() WHERE id = $1', [caseId]);
  await audit(q, actor, 'protection.case.update', 'protection_case', caseId, { changed });
}

export async function breakGlass(q: Queryable, p: Principal, actor: Actor, caseId: string, reason: string) {
  const row = await loadCase(q, caseId);
  if (!row || !mayBreakGlass(p, row.province_code)) throw notFound();
  const r = normalisePersian(reason);
  if (r.length < 10) throw new AppError('protection_reason_too_short', 400, { field: 'reason' });
  const g = (
    await q.query(`INSERT INTO protection_break_glass (case_id, user_id, reason, expires_at) VALUES ($1, $2, $3, now() + make_interval(hours => $4)) RETURNING id, expires_at`, [caseId, p.id, r, BREAK_GLASS_HOURS])
  ).rows[0];
  await q.query(`INSERT INTO protection_alerts (kind, case_id, agency_id, province_code, user_id, details) VALUES ('break_glass', $1, $2, $3, $4, $5)`, [
    caseId, row.owner_agency_id, row.province_code, p.id, JSON.stringify({ grant_id: Number(g.id), reason: r }),
  ]);
  await audit(q, actor, 'protection.case.break_glass', 'protection_case', caseId, { grant_id: Number(g.id), reason: r });
  return g.expires_at as Date;
}

export async function setLegalHold(q: Queryable, actor: Actor, caseId: string, hold: boolean, reason: string | null) {
  await q.query('UPDATE protection_cases SET legal_hold = $2, legal_hold_reason = $3 WHERE id = $1', [caseId, hold, hold ? reason : null]);
  await audit(q, actor, 'protection.case.legal_hold', 'protection_case', caseId, { hold, reason });
}

export const RECORD_TYPES = ['case_not_victim', 'case_victim'] as const;

/** Sets the retention rule of a record type (anonymise or purge N years after closure). */
export async function setRetentionRule(q: Queryable, actor: Actor, recordType: string, action: 'anonymise' | 'purge', years: number) {
  if (!(RECORD_TYPES as readonly string[]).includes(recordType)) throw new Error(`record type must be one of ${RECORD_TYPES.join(', ')}`);
  if (!Number.isInteger(years) || years < 0 || years > 100) throw new Error('years must be a whole number from 0 to 100');
  await q.query(
    'INSERT INTO protection_retention (record_type, action, years) VALUES ($1, $2, $3) ON CONFLICT (record_type) DO UPDATE SET action = EXCLUDED.action, years = EXCLUDED.years',
    [recordType, action, years],
  );
  await audit(q, actor, 'protection.retention.rule', 'protection_retention', recordType, { action, years });
}

export interface RetentionItem {
  case_id: string;
  record_type: string;
  action: 'anonymise' | 'purge';
  closed_at: string;
}

/**
 * Cases due for anonymisation or purge: closed more than N years ago (per record type), not
 * under legal hold, not already anonymised. `apply` carries it out; otherwise it is a dry run.
 */
export async function retention(q: Queryable, actor: Actor, opts: { apply: boolean; scope?: { agencies: number[]; provinces: string[] | null } | null; now?: string }) {
  const params: unknown[] = [opts.now ?? new Date().toISOString()];
  let scope = 'TRUE';
  if (opts.scope) {
    params.push(opts.scope.agencies);
    scope = `c.owner_agency_id = ANY($${params.length}::bigint[])`;
    if (opts.scope.provinces) params.push(opts.scope.provinces), (scope += ` AND c.province_code = ANY($${params.length}::text[])`);
  }
  const due: RetentionItem[] = (
    await q.query(
      `SELECT c.id AS case_id, r.record_type, r.action, to_char(c.closed_at, 'YYYY-MM-DD') AS closed_at
       FROM protection_cases c JOIN protection_retention r ON r.record_type = CASE WHEN c.status = 'not_victim' THEN 'case_not_victim' ELSE 'case_victim' END
       WHERE c.closed_at IS NOT NULL AND NOT c.legal_hold AND c.anonymised_at IS NULL AND ${scope}
         AND c.closed_at + make_interval(years => r.years) <= $1::timestamptz
       ORDER BY c.closed_at, c.id`,
      params,
    )
  ).rows;
  const held = Number((await q.query(`SELECT count(*)::int AS n FROM protection_cases c WHERE c.legal_hold AND c.closed_at IS NOT NULL AND $1::timestamptz IS NOT NULL AND ${scope}`, params)).rows[0].n);
  if (opts.apply && due.length) {
    const anon = due.filter((d) => d.action === 'anonymise').map((d) => d.case_id);
    const purge = due.filter((d) => d.action === 'purge').map((d) => d.case_id);
    if (anon.length) {
      // Keeps the non-identifying facts (for statistics); removes everything that names or describes the person.
      await q.query(
        `UPDATE protection_cases SET given_name_enc = NULL, family_name_enc = NULL, exploitation_detail_enc = NULL, perpetrator_enc = NULL, given_name_bidx = NULL, family_name_bidx = NULL,
           age = NULL, case_worker_id = NULL, anonymised_at = now() WHERE id = ANY($1::uuid[])`,
        [anon],
      );
      await q.query('UPDATE protection_screenings SET assessment_enc = NULL, best_interests_enc = NULL WHERE case_id = ANY($1::uuid[])', [anon]);
      await q.query('UPDATE protection_referrals SET note_enc = NULL, response_enc = NULL, override_reason_enc = NULL WHERE case_id = ANY($1::uuid[])', [anon]);
      await q.query('DELETE FROM protection_followups WHERE case_id = ANY($1::uuid[])', [anon]);
      await q.query('DELETE FROM protection_documents WHERE case_id = ANY($1::uuid[])', [anon]);
    }
    if (purge.length) {
      for (const t of ['protection_documents', 'protection_followups', 'protection_referrals', 'protection_screenings', 'protection_status_history', 'protection_consents', 'protection_break_glass', 'protection_alerts']) {
        await q.query(`DELETE FROM ${t} WHERE case_id = ANY($1::uuid[])`, [purge]);
      }
      await q.query('DELETE FROM protection_cases WHERE id = ANY($1::uuid[])', [purge]);
    }
    for (const d of due) await audit(q, actor, `protection.case.retention_${d.action}`, 'protection_case', d.case_id, { record_type: d.record_type, closed_at: d.closed_at });
  } else if (due.length) {
    // The dry run's list names cases: a read, recorded as such.
    await audit(q, actor, 'protection.retention.dry_run', 'protection_case', null, { case_ids: due.map((d) => d.case_id) });
  }
  return { dry_run: !opts.apply, due, anonymise: due.filter((d) => d.action === 'anonymise').length, purge: due.filter((d) => d.action === 'purge').length, on_legal_hold: held };
}
