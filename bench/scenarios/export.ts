// Export: all N records of a dataset to CSV with the HXL tag row and to XLSX, streamed to a file
// through exportFlows (what `marz export flows` and the API run), against the limit: COPY … TO
// STDOUT of the same rows, in the same order, to a file.
import { createWriteStream, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Database } from '../../src/platform/db/database.ts';
import { exportFlows } from '../../src/flows/export.ts';
import { cacheDir, END_DATE } from '../lib/data.ts';
import { openDataset } from '../lib/engines.ts';
import { copyOut } from '../../src/platform/db/copy.ts';
import { mb, round, stats, timed, type Timed } from '../lib/measure.ts';
import type { Measurement, ScenarioResult, ScenarioSpec } from '../lib/types.ts';
import { backendPid } from './import.ts';

const COPY_SQL = `COPY (SELECT id, fmp_code, to_char(observed_on, 'YYYY-MM-DD'), direction, nationality, men, women, boys, girls, deported,
  to_char(observed_time, 'HH24:MI'), transport, array_to_string(reasons, ';'), origin_country, origin_admin1, destination_country,
  destination_admin1, uasc, pregnant_lactating, elderly, disabled, medical, enumerator, note, status
  FROM fmr_records WHERE observed_on >= DATE '2000-01-01' AND observed_on <= DATE '${END_DATE}' AND status <> 'rejected'
  ORDER BY observed_on, fmp_code, id)`;

async function copyToFile(db: Database, file: string): Promise<number> {
  const client = await db.pool.connect();
  try {
    return await copyOut(client, `${COPY_SQL} TO STDOUT WITH (FORMAT csv, HEADER true)`, createWriteStream(file, { highWaterMark: 1 << 20 }));
  } finally {
    client.release();
  }
}

async function exportTo(db: Database, format: 'csv' | 'xlsx', file: string) {
  await pipeline(
    exportFlows(db, 'records', { format, hxl: true, lang: 'en', filters: { from: '2000-01-01', to: END_DATE, scope: null } }),
    createWriteStream(file, { highWaterMark: 1 << 20 }),
  );
  return statSync(file).size;
}

export async function run(spec: ScenarioSpec, log: (s: string) => void): Promise<Partial<ScenarioResult>> {
  const N = spec.records;
  const xlsxRuns = spec.options.xlsxRuns ?? spec.runs;
  const db = await openDataset(spec.engine, N, { clone: false, poolSize: 1 });
  const file = join(cacheDir(), `export-${process.pid}`);
  try {
    const pid = await backendPid(db);
    const csv: Timed<number>[] = [];
    for (let i = 0; i < spec.runs; i++) {
      const t = await timed(() => exportTo(db, 'csv', file + '.csv'), pid);
      log(`CSV+HXL ${i + 1}/${spec.runs}: ${Math.round(t.ms)} ms, ${mb(t.value)} MB, rss ${t.rssMb} MB`);
      csv.push(t);
    }
    const xlsx: Timed<number>[] = [];
    for (let i = 0; i < xlsxRuns; i++) {
      const t = await timed(() => exportTo(db, 'xlsx', file + '.xlsx'), pid);
      log(`XLSX ${i + 1}/${xlsxRuns}: ${Math.round(t.ms)} ms, ${mb(t.value)} MB, rss ${t.rssMb} MB`);
      xlsx.push(t);
    }
    const copy: Timed<number>[] = [];
    for (let i = 0; i < spec.runs; i++) {
      const t = await timed(() => copyToFile(db, file + '.copy.csv'), pid);
      if (t.value !== N) throw new Error(`COPY wrote ${t.value} rows, not ${N}`);
      log(`COPY TO ${i + 1}/${spec.runs}: ${Math.round(t.ms)} ms`);
      copy.push(t);
    }
    const c = stats(csv.map((t) => t.ms));
    const x = stats(xlsx.map((t) => t.ms));
    const r = stats(copy.map((t) => t.ms));
    const ref = { name: 'COPY … TO STDOUT (same rows and order)', median_ms: r.median, min_ms: r.min, max_ms: r.max, rows_per_s: Math.round(N / (r.median / 1000)), peak_rss_mb: Math.max(...copy.map((t) => t.rssMb)) };
    const csvRss = Math.max(...csv.map((t) => t.rssMb));
    const xlsxRss = Math.max(...xlsx.map((t) => t.rssMb));
    const csvRatio = round(c.median / r.median);
    const xlsxRate = Math.round(N / (x.median / 1000));
    const cpu = (ts: Timed<unknown>[]) => ({ node_s: stats(ts.map((t) => t.nodeCpuS)).median, db_s: ts[0]?.dbCpuS == null ? null : stats(ts.map((t) => t.dbCpuS!)).median });
    const measurements: Measurement[] = [
      {
        name: 'export CSV + HXL (streamed)',
        median_ms: c.median,
        min_ms: c.min,
        max_ms: c.max,
        runs: c.runs,
        rows: N,
        rows_per_s: Math.round(N / (c.median / 1000)),
        peak_rss_mb: csvRss,
        cpu: cpu(csv),
        reference: ref,
        ratio: csvRatio,
        ratio_basis: 'median time / median COPY TO time',
        target: 'ratio ≤ 2.0, peak RSS < 300 MB',
        met: csvRatio <= 2 && csvRss < 300,
        note: `${mb(csv[0]!.value)} MB written`,
      },
      {
        name: 'export XLSX (streamed)',
        median_ms: x.median,
        min_ms: x.min,
        max_ms: x.max,
        runs: x.runs,
        rows: N,
        rows_per_s: xlsxRate,
        peak_rss_mb: xlsxRss,
        cpu: cpu(xlsx),
        reference: ref,
        ratio: round(x.median / r.median),
        ratio_basis: 'median time / median COPY TO time',
        target: '≥ 50,000 rows/s, peak RSS < 300 MB',
        met: xlsxRate >= 50_000 && xlsxRss < 300,
        note: `${mb(xlsx[0]!.value)} MB written`,
      },
    ];
    return { measurements, details: { csv_bytes: csv[0]!.value, xlsx_bytes: xlsx[0]!.value, copy_bytes: statSync(file + '.copy.csv').size } };
  } finally {
    for (const ext of ['.csv', '.xlsx', '.copy.csv']) rmSync(file + ext, { force: true });
    await db.close();
  }
}
