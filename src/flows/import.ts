// Importing flow records from CSV or XLSX (Marz's canonical format, or a KoboToolbox/ODK export
// through a mapping). One pass, constant memory: rows are validated and written in batches
// inside one transaction, which is committed only if the whole file is valid — otherwise (or
// for a dry run) it is rolled back, so a file is written whole or not at all. Records already
// stored with the same content are counted as present, so importing a file twice adds nothing.
//
// Speed (issues 5 and 9): the CSV is read a chunk at a time (readCsvBatches) and validated;
// each batch is planned here — its new rows as COPY lines, what they add to the summaries — and
// COPY'd straight into fmr_records (ImportWriter in store.ts); while the database writes one
// batch the next one is read, validated and planned (so memory stays flat).
import { createReadStream, statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { basename } from 'node:path';
import { Transform } from 'node:stream';
import type { Database } from '../platform/db/database.ts';
import type { Principal } from '../platform/auth/access.ts';
import { can } from '../platform/auth/access.ts';
import { audit, type Actor } from '../platform/audit.ts';
import { todayIso } from '../platform/calendar.ts';
import { readCsvBatches, readXlsx, ReadError, tooLongOrNul, checkXlsxExpansion, MAX_CELL, type HeaderInfo, type SourceRow } from './read.ts';
import { applyMapping, mappingValidateOptions, missingColumns, type Mapping } from './mapping.ts';
import { validateFmrRow, IMPORT_MESSAGES as M, type ValidateOptions } from './validate.ts';
import { CORE_FIELDS, columnRenamer, unneutraliseCell } from './format.ts';
import { loadFmps, ImportWriter, type BatchPlan } from './store.ts';
import { checkAlerts } from './alerts.ts';

// 20,000 rows a batch: smaller batches cost the database more per row (each is a COPY, a
// savepoint and a summary update, and a batch's ids fill the primary key in order only within
// it), bigger ones memory (docs/PERFORMANCE.md).
export const BATCH = 20_000;
const KEEP_PROBLEMS = 1000;
/** Values in problems are cut to this many characters (reports stay small whatever the cells). */
export const PROBLEM_VALUE_CHARS = 200;
/** Problems about the whole file (no row can be imported); the others are about one row. */
const FILE_PROBLEMS = new Set(['missing_columns', 'empty', 'encoding', 'header', 'csv', 'xlsx']);

export interface ImportProblem {
  file: string;
  row: number | null;
  column: string | null;
  value: string | null;
  code: string;
  message_en: string;
  message_fa: string;
}

export interface ImportReport {
  file: string;
  dry_run: boolean;
  ok: boolean;
  rows: number;
  added: number;
  present: number;
  /** Rows refused (each with one or more problems); with skip_invalid the others were imported. */
  refused: number;
  skip_invalid: boolean;
  problem_count: number;
  /** The first problems (all of them go to onProblem). */
  problems: ImportProblem[];
  import_id: number | null;
}

export interface ImportOptions {
  path: string;
  /** The name shown in reports (defaults to the file's name). */
  fileName?: string;
  mapping?: Mapping | null;
  mappingName?: string | null;
  dryRun?: boolean;
  /**
   * Import the valid rows and refuse the others (issue 12.4). The default (false) is all or
   * nothing. Problems with the whole file (missing columns, encoding, …) still refuse it all.
   */
  skipInvalid?: boolean;
  actor: Actor;
  /** The importing user (scope checks); null for the command line (all provinces). */
  principal: Principal | null;
  onProgress?: (p: { bytes: number; totalBytes: number; rows: number }) => void;
  onProblem?: (p: ImportProblem) => void;
  /** Rows written together (BATCH); tests make it small to cross batch boundaries. */
  batchRows?: number;
}

// Hashing a file is CPU work: done in a worker thread, beside the parsing and validation that
// keep the import's own thread busy.
const HASH_WORKER = `
  const { parentPort, workerData } = require('node:worker_threads');
  const h = require('node:crypto').createHash('sha256');
  require('node:fs').createReadStream(workerData)
    .on('data', (chunk) => h.update(chunk))
    .on('end', () => parentPort.postMessage(h.digest('hex')))
    .on('error', (e) => { throw e; });`;

function sha256(path: string): Promise<string> {
  const digest = new Promise<string>((resolve, reject) => {
    const worker = new Worker(HASH_WORKER, { eval: true, workerData: path });
    worker.unref();
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  digest.catch(() => {}); // an import that stops early may never ask for it
  return digest;
}

export async function importFlows(db: Database, o: ImportOptions): Promise<ImportReport> {
  const file = o.fileName ?? basename(o.path);
  const totalBytes = statSync(o.path).size;
  const report: ImportReport = { file, dry_run: !!o.dryRun, ok: false, rows: 0, added: 0, present: 0, refused: 0, skip_invalid: !!o.skipInvalid, problem_count: 0, problems: [], import_id: null };
  const refusedRows = new Set<number>();
  let fileProblem = false;
  const problem = (p: Omit<ImportProblem, 'file'>) => {
    const value = p.value !== null && p.value.length > PROBLEM_VALUE_CHARS ? p.value.slice(0, PROBLEM_VALUE_CHARS) + '…' : p.value;
    const full = { file, ...p, value };
    report.problem_count++;
    if (FILE_PROBLEMS.has(p.code) || p.row === null) fileProblem = true;
    else if (!refusedRows.has(p.row)) {
      refusedRows.add(p.row);
      report.refused++;
    }
    if (report.problems.length < KEEP_PROBLEMS) report.problems.push(full);
    o.onProblem?.(full);
  };
  const digest = sha256(o.path);
  let bytes = 0;
  const counter = new Transform({
    transform(chunk, _enc, cb) {
      bytes += chunk.length;
      cb(null, chunk);
    },
  });
  const stream = createReadStream(o.path).pipe(counter);
  let header: HeaderInfo | null = null;
  const onHeader = (h: HeaderInfo) => {
    header = h;
  };
  const batches = /\.xlsx$/i.test(o.path) ? inBatches(readXlsx(stream, { onHeader }), 1000) : readCsvBatches(stream, { onHeader });

  const client = await db.pool.connect();
  let inFlight: Promise<void> = Promise.resolve();
  let writeError: unknown = null;
  try {
    if (/\.xlsx$/i.test(o.path)) await checkXlsxExpansion(o.path);
    await client.query('BEGIN');
    const { registry, province } = await loadFmps(client);
    const importId = Number(
      (await client.query('INSERT INTO flow_imports (file_name, file_sha256, mapping, created_by) VALUES ($1, $2, $3, $4) RETURNING id', [file, '', o.mappingName ?? null, o.principal?.id ?? null])).rows[0].id,
    );
    const days = new Map<string, { fmp: string; day: string }>();
    // Writes one batch: its new rows are COPY'd into fmr_records with what they add to the
    // summaries (ImportWriter), which names the rows it did not insert — repeated in the file,
    // already present with the same content, or an id taken by a different record.
    const writer = await ImportWriter.start(client, { submittedBy: o.principal?.id ?? null, source: 'import', importId });
    const write = async (plan: BatchPlan) => {
      // Rows are written even after a problem (the transaction is then rolled back), so that
      // duplicates further down the file are still found.
      const written = await writer.write(plan);
      report.added += written.added;
      for (const d of written.days) days.set(`${d.fmp}|${d.day}`, d);
      for (const [row, { outcome, id }] of written.notInserted) {
        if (outcome === 'present') report.present++;
        else if (outcome === 'conflict') problem({ row, column: 'id', value: id, code: 'id_conflict', ...msg(M.idConflict()) });
        else problem({ row, column: 'id', value: id, code: 'id_duplicate_in_file', ...msg(M.duplicateInFile()) });
      }
      o.onProgress?.({ bytes, totalBytes, rows: report.rows });
    };
    // While one batch is written, the next can wait for it and a third be read, validated and
    // planned: the database and the reading then rarely wait for each other (memory stays flat).
    let before: Promise<void> = Promise.resolve();
    const flush = async () => {
      if (!writer.size) return;
      const next = writer.plan();
      await before;
      if (writeError) throw writeError;
      before = inFlight;
      inFlight = inFlight.then(() => (writeError ? undefined : write(next))).catch((e) => {
        writeError ??= e;
      });
    };

    const vopts: ValidateOptions = { today: todayIso(), fmps: registry, excelSerialDates: true };
    const validateOptions: ValidateOptions = o.mapping ? { ...mappingValidateOptions(o.mapping), ...vopts } : vopts;
    const mapping = o.mapping ?? null;
    const csv = !/\.xlsx$/i.test(o.path);
    // Marz's own exports (labelled headers, Persian headers, or an HXL row) are read by their
    // columns' HXL tags or labels (issue 12.3).
    let rename: ((values: Record<string, string>) => Record<string, string>) | null = null;
    let checkedHeader = false;
    let stop = false;
    for await (const rows of batches) {
      for (const source of rows) {
        // A turn of the event loop every 50 rows (half a millisecond or so): the database's replies
        // and the rest of a COPY being sent wait for one (a chunk read ahead of time arrives as
        // a microtask, which would not give it).
        if (report.rows % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
        if (!checkedHeader) {
          checkedHeader = true;
          const h = header as HeaderInfo | null;
          let columns = h?.columns ?? [];
          const recognised = o.mapping ? null : columnRenamer(columns, h?.hxl ?? null);
          if (recognised) {
            columns = recognised.columns;
            rename = recognised.rename;
          }
          const missing = o.mapping ? missingColumns(o.mapping, columns) : CORE_FIELDS.filter((c) => !columns.includes(c));
          if (missing.length) {
            problem({
              row: 1,
              column: missing.join(', '),
              value: null,
              code: 'missing_columns',
              ...msg(M.missingColumns(missing, !!o.mapping)),
            });
            stop = true;
            break;
          }
        }
        report.rows++;
        const bad = tooLongOrNul(source.values);
        if (bad) {
          const [column, code] = bad;
          const value = source.values[column]!;
          problem(
            code === 'cell_too_large'
              ? { row: source.rowNumber, column, value, code, ...msg(M.cellTooLarge(column, MAX_CELL)) }
              : { row: source.rowNumber, column, value: value.replaceAll('\0', '\\0'), code, ...msg(M.nulByte(column)) },
          );
          continue;
        }
        let values = source.values;
        if (csv && source.apostrophe) for (const k in values) if (values[k]!.charCodeAt(0) === 39) values[k] = unneutraliseCell(values[k]!);
        if (rename) values = rename(values);
        const result = validateFmrRow(mapping ? applyMapping(mapping, values) : values, validateOptions);
        if (!result.ok) {
          for (const p of result.problems) problem({ row: source.rowNumber, column: p.column, value: p.value, code: p.code, message_en: p.message_en, message_fa: p.message_fa });
          continue;
        }
        const rec = result.record;
        const prov = province.get(rec.fmp)!;
        if (o.principal && !can(o.principal, 'flows.import', prov)) {
          problem({ row: source.rowNumber, column: 'fmp', value: rec.fmp, code: 'fmp_out_of_scope', ...msg(M.outOfScope()) });
          continue;
        }
        writer.add(rec, prov, source.rowNumber);
        if (writer.size >= (o.batchRows ?? BATCH)) await flush();
      }
      if (stop) break;
    }
    await flush();
    await inFlight;
    if (writeError) throw writeError;
    if (report.rows === 0 && report.problem_count === 0) {
      problem({ row: null, column: null, value: null, code: 'empty', ...msg(M.empty()) });
    }
    report.ok = o.skipInvalid ? !fileProblem : report.problem_count === 0;
    if (report.ok && !o.dryRun) {
      await writer.finish();
      await client.query('UPDATE flow_imports SET file_sha256 = $8, rows_read = $2, rows_added = $3, rows_present = $4, rows_refused = $5, outcome = $6, problem_count = $7 WHERE id = $1', [importId, report.rows, report.added, report.present, report.refused, report.refused ? 'partial' : 'imported', report.problem_count, await digest]);
      await checkAlerts(client, [...days.values()]);
      await audit(client, o.actor, 'flows.import', 'flow_import', String(importId), { file, sha256: await digest, rows: report.rows, added: report.added, present: report.present, refused: report.refused, mapping: o.mappingName ?? null });
      await client.query('COMMIT');
      report.import_id = importId;
    } else {
      await client.query('ROLLBACK');
      // A dry run reports what would be added; a refused file added nothing.
      if (!report.ok) {
        report.added = 0;
        if (!o.dryRun) await recordRefused(client, o, file, await digest, report);
      }
    }
    o.onProgress?.({ bytes: totalBytes, totalBytes, rows: report.rows });
    return report;
  } catch (e) {
    await inFlight;
    await client.query('ROLLBACK').catch(() => {});
    if (e instanceof ReadError) {
      problem({ row: e.rowNumber ?? null, column: null, value: e.offset != null ? `byte ${e.offset}` : null, code: e.code, message_en: e.message, message_fa: M.readErrorFa(e.code, e.offset, e.rowNumber) });
      report.ok = false;
      report.added = 0;
      if (!o.dryRun) await recordRefused(client, o, file, await digest, report).catch(() => {});
      return report;
    }
    throw e;
  } finally {
    client.release();
    stream.destroy();
  }
}

/** A refused import is listed in the import history too (nothing of it was written). */
async function recordRefused(client: { query: (sql: string, params: unknown[]) => Promise<unknown> }, o: ImportOptions, file: string, digest: string, report: ImportReport) {
  await client.query(
    `INSERT INTO flow_imports (file_name, file_sha256, mapping, created_by, rows_read, rows_added, rows_present, rows_refused, outcome, problem_count) VALUES ($1, $2, $3, $4, $5, 0, 0, $6, 'refused', $7)`,
    [file, digest, o.mappingName ?? null, o.principal?.id ?? null, report.rows, report.refused, report.problem_count],
  );
}

/** A message pair as the fields of a problem. */
const msg = ([message_en, message_fa]: [string, string]) => ({ message_en, message_fa });

/** Groups the rows of a one-row-at-a-time reader (XLSX) into arrays. */
async function* inBatches(rows: AsyncIterable<SourceRow>, size: number): AsyncGenerator<SourceRow[]> {
  let batch: SourceRow[] = [];
  for await (const r of rows) {
    batch.push(r);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}
