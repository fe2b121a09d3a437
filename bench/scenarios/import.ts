// Import: a CSV file of N FMR records through importFlows (what `marz import flows` runs:
// reading, validation, duplicate checks, inserts, summaries, alerts, audit — one transaction)
// against the limit: COPY of the same file into a bare table of the same columns, same engine.
// A second, informative reference ("SQL floor") loads the same rows into fmr_records with one
// INSERT … SELECT from a COPY'd staging table: what the schema itself (keys, checks, foreign
// keys, summary triggers) costs, with no parsing or validation in JavaScript.
import { createReadStream } from 'node:fs';
import type { Database } from '../../src/platform/db/database.ts';
import { importFlows } from '../../src/flows/import.ts';
import { cliActor } from '../../src/platform/audit.ts';
import { csvFile } from '../lib/data.ts';
import { freshDatabase } from '../lib/engines.ts';
import { copyIn } from '../../src/platform/db/copy.ts';
import { stats, timed, round, maxRssMb, type Timed } from '../lib/measure.ts';
import type { Measurement, ScenarioResult, ScenarioSpec } from '../lib/types.ts';

/** The CSV's columns with the types fmr_records gives them (reasons stays text: "a;b"). */
export const BARE_COLUMNS = `id uuid, fmp text, date date, direction text, nationality text, men integer, women integer, boys integer, girls integer,
  deported text, time time, transport text, reasons text, origin_country text, origin_admin1 text, destination_country text,
  destination_admin1 text, uasc integer, pregnant_lactating integer, elderly integer, disabled integer, medical integer, enumerator text, note text`;

/** COPY of a CSV file (with its header line) into a table, the engine's fastest way. */
export async function copyCsvInto(db: Database, table: string, path: string): Promise<number> {
  const client = await db.pool.connect();
  try {
    return await copyIn(client, `COPY ${table} FROM STDIN WITH (FORMAT csv, HEADER true)`, createReadStream(path, { highWaterMark: 1 << 16 }));
  } finally {
    client.release();
  }
}

export async function backendPid(db: Database): Promise<number | null> {
  return Number((await db.one('SELECT pg_backend_pid() AS pid'))!.pid);
}

export async function runImportOnce(engine: Database['engine'], path: string, records: number): Promise<Timed<unknown>> {
  // One connection, so that its backend's CPU time is the import's.
  const db = await freshDatabase(engine, 1);
  try {
    const pid = await backendPid(db);
    const t = await timed(() => importFlows(db, { path, actor: cliActor('marz bench'), principal: null }), pid);
    const report = t.value as Awaited<ReturnType<typeof importFlows>>;
    if (!report.ok || report.added !== records) throw new Error(`import failed: ok=${report.ok} added=${report.added} ${JSON.stringify(report.problems.slice(0, 3))}`);
    return t;
  } finally {
    await db.close();
  }
}

export async function run(spec: ScenarioSpec, log: (s: string) => void): Promise<Partial<ScenarioResult>> {
  const { path, bytes } = await csvFile(spec.records);
  const N = spec.records;

  // Marz first, so that the process's maxRSS after it is the import's own peak.
  const marz: Timed<unknown>[] = [];
  for (let i = 0; i < spec.runs; i++) {
    const t = await runImportOnce(spec.engine, path, N);
    log(`import ${i + 1}/${spec.runs}: ${Math.round(t.ms)} ms (node ${t.nodeCpuS} s cpu, db ${t.dbCpuS ?? '-'} s cpu, rss ${t.rssMb} MB)`);
    marz.push(t);
  }
  const marzMaxRss = maxRssMb();

  // The reference: COPY into a bare table in a fresh database (emptied between runs).
  const copies: Timed<number>[] = [];
  {
    const db = await freshDatabase(spec.engine, 1);
    try {
      await db.query(`CREATE TABLE bench_copy (${BARE_COLUMNS})`);
      const pid = await backendPid(db);
      for (let i = 0; i < spec.runs; i++) {
        if (i) await db.query('TRUNCATE bench_copy');
        const t = await timed(() => copyCsvInto(db, 'bench_copy', path), pid);
        if (t.value !== N) throw new Error(`COPY loaded ${t.value} rows, not ${N}`);
        log(`COPY ${i + 1}/${spec.runs}: ${Math.round(t.ms)} ms`);
        copies.push(t);
      }
    } finally {
      await db.close();
    }
  }

  // The SQL floor: the same rows into fmr_records straight from SQL (one run; informative).
  let floor: Timed<unknown> | null = null;
  const floorTriggers: Record<string, { ms: number; calls: number }> = {};
  if (spec.options.floor !== false) {
    const db = await freshDatabase(spec.engine, 1);
    try {
      await db.query(`CREATE TABLE bench_stage (${BARE_COLUMNS})`);
      await copyCsvInto(db, 'bench_stage', path);
      const pid = await backendPid(db);
      // EXPLAIN ANALYZE runs the insert and reports how long each trigger took: the summary
      // trigger and the foreign-key checks, i.e. what the schema costs on top of the rows.
      floor = await timed(
        () =>
          db.query(`EXPLAIN (ANALYZE) INSERT INTO fmr_records (id, fmp_code, province_code, observed_on, observed_time, direction, nationality, men, women, boys, girls, deported,
                      transport, reasons, origin_country, origin_admin1, destination_country, destination_admin1, uasc, pregnant_lactating, elderly,
                      disabled, medical, enumerator, note, status, source)
                    SELECT s.id, s.fmp, f.province_code, s.date, s.time, s.direction, s.nationality, s.men, s.women, s.boys, s.girls, s.deported,
                      s.transport, CASE WHEN s.reasons IS NULL THEN '{}' ELSE string_to_array(s.reasons, ';') END, s.origin_country, s.origin_admin1,
                      s.destination_country, s.destination_admin1, s.uasc, s.pregnant_lactating, s.elderly, s.disabled, s.medical, s.enumerator, s.note,
                      'received', 'import'
                      FROM bench_stage s JOIN fmps f ON f.code = s.fmp`),
        pid,
      );
      const plan = ((floor.value as any).rows as any[]).map((r) => r['QUERY PLAN'] as string);
      for (const line of plan) {
        const m = /^(Trigger .*?): time=([\d.]+) calls=(\d+)/.exec(line.trim());
        if (m) floorTriggers[m[1]!] = { ms: Number(m[2]), calls: Number(m[3]) };
        const e = /^Execution Time: ([\d.]+) ms/.exec(line.trim());
        if (e) floorTriggers['total (execution)'] = { ms: Number(e[1]), calls: 1 };
      }
      log(`SQL floor (INSERT … SELECT into fmr_records): ${Math.round(floor.ms)} ms; ${JSON.stringify(floorTriggers)}`);
    } finally {
      await db.close();
    }
  }

  const m = stats(marz.map((t) => t.ms));
  const c = stats(copies.map((t) => t.ms));
  const ratio = round(m.median / c.median);
  // Issue 9: at most 5× a bare COPY of the same file on the same engine, peak RSS ≤ 400 MB.
  const limit = 5.0;
  const rss = Math.max(...marz.map((t) => t.rssMb), 0);
  const measurement: Measurement = {
    name: 'import CSV (validation on)',
    median_ms: m.median,
    min_ms: m.min,
    max_ms: m.max,
    runs: m.runs,
    rows: N,
    rows_per_s: Math.round(N / (m.median / 1000)),
    peak_rss_mb: Math.max(rss, 0),
    cpu: { node_s: median(marz.map((t) => t.nodeCpuS)), db_s: median(marz.map((t) => t.dbCpuS)) },
    reference: { name: 'COPY into a bare table', median_ms: c.median, min_ms: c.min, max_ms: c.max, rows_per_s: Math.round(N / (c.median / 1000)) },
    ratio,
    ratio_basis: 'median time / median COPY time',
    target: `ratio ≤ ${limit.toFixed(1)}, peak RSS ≤ 400 MB`,
    met: ratio <= limit && rss <= 400,
  };
  const out: Measurement[] = [measurement];
  if (floor) {
    out.push({
      name: 'SQL floor: INSERT…SELECT into fmr_records',
      median_ms: round(floor.ms, 1),
      min_ms: round(floor.ms, 1),
      max_ms: round(floor.ms, 1),
      runs: 1,
      rows: N,
      rows_per_s: Math.round(N / (floor.ms / 1000)),
      cpu: { node_s: floor.nodeCpuS, db_s: floor.dbCpuS },
      reference: { name: 'COPY into a bare table', median_ms: c.median },
      ratio: round(floor.ms / c.median),
      ratio_basis: 'time / median COPY time',
      note: 'informative: the schema’s own cost (keys, checks, foreign keys, summary triggers) with rows already parsed; time per trigger in details.floor_triggers',
    });
  }
  return { measurements: out, details: { floor_triggers: floorTriggers, file_bytes: bytes, marz_process_max_rss_mb: marzMaxRss, runs: marz.map(({ value, ...t }) => t), copy_runs: copies.map(({ value, ...t }) => t) } };
}

function median(xs: (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x != null);
  return v.length ? stats(v).median : null;
}
