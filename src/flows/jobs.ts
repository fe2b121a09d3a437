// Import jobs kept in the database (issue 10.8): progress, a bounded report (the first 1,000
// problems, values cut to 200 characters — see import.ts) and, for imports with skip_invalid,
// the refused rows as a CSV to download; so any Marz process behind a load balancer answers a
// job's status. Jobs expire after JOB_DAYS days and are swept when a new import starts.
import { Writable } from 'node:stream';
import type { Database } from '../platform/db/database.ts';
import type { ImportReport } from './import.ts';
import { writeRefusedRows, type RefusedRows } from './refused.ts';
import type { Lang } from './format.ts';

export const JOB_DAYS = 7;
/** The refused-rows file kept for the web stops after this many bytes (it says so). */
export const ERRORS_CSV_MAX_BYTES = 20 * 1024 * 1024;
/** A running job not heard of for this long died with its process. */
const STALE_MINUTES = 10;

export interface JobProgress {
  bytes: number;
  totalBytes: number;
  rows: number;
}

export async function createJob(db: Database, id: string, userId: string, fileName: string) {
  await db.query(`DELETE FROM flow_import_jobs WHERE expires_at < now()`);
  await db.query(`INSERT INTO flow_import_jobs (id, user_id, file_name, status, expires_at) VALUES ($1, $2, $3, 'running', now() + make_interval(days => $4))`, [id, userId, fileName, JOB_DAYS]);
}

/** A progress callback writing to the database at most once a second. */
export function progressWriter(db: Database, id: string): (p: JobProgress) => void {
  let last = 0;
  let writing = false;
  return (p) => {
    const now = Date.now();
    if (writing || now - last < 1000) return;
    last = now;
    writing = true;
    db.query(`UPDATE flow_import_jobs SET progress = $2, updated_at = now() WHERE id = $1 AND status = 'running'`, [id, JSON.stringify(p)])
      .catch(() => {})
      .finally(() => (writing = false));
  };
}

export async function finishJob(db: Database, id: string, report: ImportReport, errors: { path: string; refused: RefusedRows; lang: Lang } | null) {
  let csv: string | null = null;
  if (errors && report.ok && report.refused > 0) {
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        chunks.push(chunk);
        cb();
      },
    });
    const r = await writeRefusedRows(errors.path, errors.refused, errors.lang, sink, ERRORS_CSV_MAX_BYTES);
    csv = Buffer.concat(chunks).toString('utf8');
    if (r.truncated) (report as ImportReport & { errors_file_truncated?: boolean }).errors_file_truncated = true;
  }
  const progress = { bytes: 0, totalBytes: 0, rows: report.rows };
  await db.query(`UPDATE flow_import_jobs SET status = 'done', report = $2, errors_csv = $3, progress = $4, updated_at = now() WHERE id = $1`, [id, JSON.stringify(report), csv, JSON.stringify(progress)]);
}

export async function failJob(db: Database, id: string, error: string) {
  await db.query(`UPDATE flow_import_jobs SET status = 'failed', error = $2, updated_at = now() WHERE id = $1`, [id, error.slice(0, 500)]);
}

export interface JobView {
  id: string;
  file_name: string;
  status: 'running' | 'done' | 'failed';
  progress: JobProgress;
  report: ImportReport | null;
  error: string | null;
  errors_file: boolean;
  expires_at: string;
}

/** The user's own job, or null. A running job not updated for 10 minutes is reported as failed. */
export async function getJob(db: Database, id: string, userId: string): Promise<JobView | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const r = await db.one(
    `SELECT id::text, file_name, CASE WHEN status = 'running' AND updated_at < now() - make_interval(mins => $3) THEN 'failed' ELSE status END AS status,
            progress, report, CASE WHEN status = 'running' AND updated_at < now() - make_interval(mins => $3) THEN 'interrupted' ELSE error END AS error,
            errors_csv IS NOT NULL AS errors_file, expires_at
       FROM flow_import_jobs WHERE id = $1 AND user_id = $2 AND expires_at > now()`,
    [id, userId, STALE_MINUTES],
  );
  return (r as JobView | null) ?? null;
}

export async function jobErrorsCsv(db: Database, id: string, userId: string): Promise<{ file_name: string; csv: string } | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const r = await db.one(`SELECT file_name, errors_csv FROM flow_import_jobs WHERE id = $1 AND user_id = $2 AND expires_at > now() AND errors_csv IS NOT NULL`, [id, userId]);
  return r ? { file_name: r.file_name, csv: r.errors_csv } : null;
}
