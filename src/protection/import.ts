// `marz import protection-cases FILE` and the web upload: a case list (CSV or XLSX) imported
// all or nothing, in one transaction, with the row/column/value/why problem report of flow
// imports. A row whose id is already stored with the same facts is "already present"; the
// same id with other facts is a problem. Importing the same file twice therefore changes nothing.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type { Database } from '../platform/db/database.ts';
import type { Principal } from '../platform/auth/access.ts';
import { audit, type Actor } from '../platform/audit.ts';
import { readCsvBatches, readXlsx, ReadError, type HeaderInfo, type SourceRow } from '../flows/read.ts';
import { todayIso } from '../platform/calendar.ts';
import type { FieldCipher } from './crypto.ts';
import { validateCase, insertCases, storedFacts, CASE_COLUMNS, type CaseFacts, type NewCase } from './cases.ts';
import { holds, VERB } from './policy.ts';

export const IMPORT_COLUMNS = ['id', 'screened_on', 'fmp', 'sex', 'age', 'nationality', 'given_name', 'family_name', 'status', 'exploitation', 'consent_statistics'] as const;
const BATCH = 1000;
const KEEP_PROBLEMS = 1000;

export interface ImportProblem {
  file: string;
  row: number | null;
  column: string | null;
  value: string | null;
  code: string;
  message_en: string;
  message_fa: string;
}

export interface CaseImportReport {
  file: string;
  dry_run: boolean;
  ok: boolean;
  rows: number;
  added: number;
  present: number;
  problem_count: number;
  problems: ImportProblem[];
  import_id: number | null;
}

export interface CaseImportOptions {
  path: string;
  fileName?: string;
  ownerAgencyId: number;
  dryRun?: boolean;
  actor: Actor;
  /** The importing user (scope checks); null for the command line. */
  principal: Principal | null;
  cipher: FieldCipher;
  onProblem?: (p: ImportProblem) => void;
}

async function* rowsOf(path: string, onHeader: (h: HeaderInfo) => void): AsyncGenerator<SourceRow[]> {
  if (/\.xlsx$/i.test(path)) {
    let batch: SourceRow[] = [];
    for await (const r of readXlsx(createReadStream(path), { onHeader })) {
      batch.push(r);
      if (batch.length >= BATCH) yield batch, (batch = []);
    }
    if (batch.length) yield batch;
  } else yield* readCsvBatches(createReadStream(path), { onHeader });
}

const same = (a: CaseFacts, b: CaseFacts) => JSON.stringify(a) === JSON.stringify(b);

export async function importCases(db: Database, o: CaseImportOptions): Promise<CaseImportReport> {
  const file = o.fileName ?? basename(o.path);
  const report: CaseImportReport = { file, dry_run: !!o.dryRun, ok: false, rows: 0, added: 0, present: 0, problem_count: 0, problems: [], import_id: null };
  const problem = (p: Omit<ImportProblem, 'file'>) => {
    const full = { file, ...p };
    report.problem_count++;
    if (report.problems.length < KEEP_PROBLEMS) report.problems.push(full);
    o.onProblem?.(full);
  };
  const h = createHash('sha256');
  for await (const chunk of createReadStream(o.path)) h.update(chunk);
  const digest = h.digest('hex');

  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    const fmps = new Map((await client.query<{ code: string; province_code: string }>('SELECT code, province_code FROM fmps')).rows.map((r) => [r.code, r.province_code]));
    const importId = Number(
      (await client.query('INSERT INTO protection_imports (file_name, file_sha256, owner_agency_id, created_by) VALUES ($1, $2, $3, $4) RETURNING id', [file, digest, o.ownerAgencyId, o.principal?.id ?? null])).rows[0].id,
    );
    const today = todayIso();
    const seen = new Set<string>();
    let header: HeaderInfo | null = null;
    let checkedHeader = false;
    let stop = false;
    let pending: { facts: CaseFacts; row: number; province: string }[] = [];
    const addedIds: string[] = [];

    const flush = async () => {
      if (!pending.length) return;
      const items = pending;
      pending = [];
      const ids = items.map((i) => i.facts.id);
      const existing = new Map(
        (
          await client.query(
            `SELECT ${CASE_COLUMNS},
                (SELECT h.status FROM protection_status_history h WHERE h.case_id = c.id ORDER BY h.id LIMIT 1) AS first_status,
                (SELECT k.statistics FROM protection_consents k WHERE k.case_id = c.id ORDER BY k.version LIMIT 1) AS first_consent
             FROM protection_cases c WHERE c.id = ANY($1::uuid[])`,
            [ids],
          )
        ).rows.map((r: any) => [r.id, r]),
      );
      const fresh: NewCase[] = [];
      for (const it of items) {
        const old = existing.get(it.facts.id);
        if (!old) {
          fresh.push({ ...it.facts, province: it.province, owner_agency_id: o.ownerAgencyId, source: 'import', import_id: importId });
          continue;
        }
        const stored = { ...storedFacts(o.cipher, old, old.first_status ?? old.status), consent_statistics: old.first_consent ?? old.consent_statistics };
        if (Number(old.owner_agency_id) === o.ownerAgencyId && same(stored, it.facts)) report.present++;
        else problem({ row: it.row, column: 'id', value: it.facts.id, code: 'id_conflict', message_en: 'This id is already used by a different case (or one of another agency).', message_fa: 'این شناسه پیش‌تر برای پروندهٔ دیگری به کار رفته است.' });
      }
      if (report.problem_count) return; // nothing will be kept: spare the writes
      const added = await insertCases(client, o.cipher, fresh, { userId: o.principal?.id ?? null, authority: 'system:import', legalBasis: 'system:import_basis' });
      report.added += added.length;
      addedIds.push(...added);
    };

    for await (const rows of rowsOf(o.path, (hh) => (header = hh))) {
      for (const source of rows) {
        if (!checkedHeader) {
          checkedHeader = true;
          const columns = (header as HeaderInfo | null)?.columns ?? [];
          const missing = IMPORT_COLUMNS.filter((c) => !columns.includes(c));
          if (missing.length) {
            problem({ row: 1, column: missing.join(', '), value: null, code: 'missing_columns', message_en: `The file has no column ${missing.join(', ')}.`, message_fa: `ستون ${missing.join('، ')} در پرونده نیست.` });
            stop = true;
            break;
          }
        }
        report.rows++;
        const r = validateCase(source.values, fmps, today);
        if (!r.ok) {
          for (const p of r.problems) problem({ row: source.rowNumber, ...p });
          continue;
        }
        const f = r.facts;
        if (seen.has(f.id)) {
          problem({ row: source.rowNumber, column: 'id', value: f.id, code: 'id_duplicate_in_file', message_en: 'This id appears more than once in the file.', message_fa: 'این شناسه بیش از یک بار در پرونده آمده است.' });
          continue;
        }
        seen.add(f.id);
        const province = fmps.get(f.fmp!)!;
        if (o.principal && !holds(o.principal, VERB.import, o.ownerAgencyId, province)) {
          problem({ row: source.rowNumber, column: 'fmp', value: f.fmp, code: 'fmp_out_of_scope', message_en: 'You may not import cases for this FMP (outside your provinces or agency).', message_fa: 'شما اجازهٔ درون‌برد پرونده برای این نقطه را ندارید (بیرون از استان‌ها یا نهاد شما).' });
          continue;
        }
        pending.push({ facts: f, row: source.rowNumber, province });
        if (pending.length >= BATCH) await flush();
      }
      if (stop) break;
    }
    if (!checkedHeader && !stop) {
      const columns = (header as HeaderInfo | null)?.columns ?? [];
      const missing = IMPORT_COLUMNS.filter((c) => !columns.includes(c));
      if (missing.length) problem({ row: 1, column: missing.join(', '), value: null, code: 'missing_columns', message_en: `The file has no column ${missing.join(', ')}.`, message_fa: `ستون ${missing.join('، ')} در پرونده نیست.` });
    }
    if (!stop) await flush();
    report.ok = report.problem_count === 0;
    if (report.ok && !o.dryRun && (report.added > 0)) {
      await client.query('UPDATE protection_imports SET rows = $2, added = $3 WHERE id = $1', [importId, report.rows, report.added]);
      for (let i = 0; i < addedIds.length; i += BATCH) {
        await audit(client, o.actor, 'protection.case.import', 'protection_import', String(importId), { case_ids: addedIds.slice(i, i + BATCH), file, rows: report.rows });
      }
      await client.query('COMMIT');
      report.import_id = importId;
    } else {
      // Refused, a dry run, or nothing new: nothing is kept (importing a file again changes nothing).
      await client.query('ROLLBACK');
      if (report.ok && !o.dryRun) await db.tx((c) => audit(c, o.actor, 'protection.case.import_unchanged', 'protection_import', null, { file, rows: report.rows, present: report.present }));
    }
    return report;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    if (e instanceof ReadError) {
      problem({ row: e.rowNumber ?? null, column: null, value: null, code: `file_${e.code}`, message_en: e.message, message_fa: 'پرونده خوانده نشد (نوع یا رمزگذاری پرونده درست نیست).' });
      return report;
    }
    throw e;
  } finally {
    client.release();
  }
}
