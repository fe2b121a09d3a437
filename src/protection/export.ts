// Exports of case data are encrypted files: `marz protection export-cases FILE --key-file KEY`
// writes the cases (decrypted fields, status history, consent versions) as gzip'd JSON lines,
// encrypted with AES-256-GCM under a key file (the same kind as `marz backup --new-key` makes),
// mode 0600; `marz protection read-export FILE --key-file KEY` reads one back. Each export is
// audited with the ids of the cases it holds.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Database } from '../platform/db/database.ts';
import { audit, type Actor } from '../platform/audit.ts';
import type { FieldCipher } from './crypto.ts';
import { CASE_COLUMNS, caseView } from './cases.ts';
import { FIELD_GROUPS } from './policy.ts';

const MAGIC = Buffer.from('MARZPCX1');

export async function exportCases(db: Database, cipher: FieldCipher, file: string, key: Buffer, actor: Actor, opts: { agencyId?: number | null } = {}): Promise<number> {
  if (key.length !== 32) throw new Error('The export key must be 32 bytes.');
  const params: unknown[] = [];
  let where = 'TRUE';
  if (opts.agencyId) params.push(opts.agencyId), (where = 'c.owner_agency_id = $1');
  const rows = await db.many(`SELECT ${CASE_COLUMNS} FROM protection_cases c WHERE ${where} ORDER BY c.screened_on, c.id`, params);
  const history = await db.many(`SELECT case_id, status, deciding_authority, legal_basis, to_char(decided_on,'YYYY-MM-DD') AS decided_on FROM protection_status_history ORDER BY id`);
  const consents = await db.many(`SELECT case_id, version, share_fields, share_with, statistics, retention_told, to_char(given_on,'YYYY-MM-DD') AS given_on, withdrawn FROM protection_consents ORDER BY case_id, version`);
  const by = <T extends { case_id: string }>(list: T[]) => {
    const m = new Map<string, Omit<T, 'case_id'>[]>();
    for (const { case_id, ...rest } of list) m.set(case_id, [...(m.get(case_id) ?? []), rest]);
    return m;
  };
  const h = by(history), k = by(consents);
  const all = new Set(FIELD_GROUPS);
  const lines = rows.map((r) => {
    const v = caseView(cipher, r, all);
    delete v.hidden_fields;
    return JSON.stringify({ ...v, status_history: h.get(r.id) ?? [], consents: k.get(r.id) ?? [] });
  });
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(MAGIC);
  const body = Buffer.concat([c.update(gzipSync(lines.join('\n') + (lines.length ? '\n' : ''))), c.final()]);
  writeFileSync(file, Buffer.concat([MAGIC, iv, body, c.getAuthTag()]), { mode: 0o600 });
  await db.tx((t) => audit(t, actor, 'protection.case.export', 'protection_case', null, { case_ids: rows.map((r) => r.id), file }));
  return rows.length;
}

/** The cases of an export file, decrypted (throws when the key is wrong or the file was altered). */
export function readExport(file: string, key: Buffer): object[] {
  const raw = readFileSync(file);
  if (!raw.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error(`${file} is not a Marz protection export.`);
  const iv = raw.subarray(MAGIC.length, MAGIC.length + 12);
  const d = createDecipheriv('aes-256-gcm', key, iv);
  d.setAAD(MAGIC);
  d.setAuthTag(raw.subarray(raw.length - 16));
  const text = gunzipSync(Buffer.concat([d.update(raw.subarray(MAGIC.length + 12, raw.length - 16)), d.final()])).toString('utf8');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
}
