// Import under load (issue 9): while a server imports a file of N records (in its own process, as
// a web upload does), other users keep asking for /api/health and the dashboard summary. Load
// from autocannon in separate processes (bench/loadgen.ts), a few clients each, for exactly as
// long as the import runs. Target: p99 ≤ 200 ms for both.
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addDays } from '../../src/platform/calendar.ts';
import { importFlows } from '../../src/flows/import.ts';
import { cliActor } from '../../src/platform/audit.ts';
import { freshDatabase } from '../lib/engines.ts';
import { benchUser, runLoadgen, sessions, startApp, type Session } from '../lib/app.ts';
import { csvFile, END_DATE } from '../lib/data.ts';
import { round } from '../lib/measure.ts';
import type { Measurement, ScenarioResult, ScenarioSpec } from '../lib/types.ts';

interface LoadResult {
  requests: number;
  errors: number;
  non2xx: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function loadUntil(spec: { url: string; clients: number; kind: 'read' | 'health'; sessions: Session[]; readPath?: string; stopFile: string }): Promise<LoadResult> {
  return runLoadgen<LoadResult>({ ...spec, seconds: 7200 });
}

export async function run(spec: ScenarioSpec, log: (s: string) => void): Promise<Partial<ScenarioResult>> {
  const clients = spec.options.clients ?? 4;
  const { path } = await csvFile(spec.records);
  const db = await freshDatabase(spec.engine, 12);
  const stopFile = join(tmpdir(), `marz-bench-import-load-${process.pid}`);
  rmSync(stopFile, { force: true });
  try {
    const viewer = await benchUser(db, 'viewer');
    const readers = await sessions(db, viewer, clients);
    const stopWatching = await db.watchChanges();
    const server = await startApp(db);
    try {
      const readPath = `/api/v1/flows/summary?from=${addDays(END_DATE, -29)}&to=${END_DATE}`;
      const health = loadUntil({ url: server.url, clients, kind: 'health', sessions: [], stopFile });
      const read = loadUntil({ url: server.url, clients, kind: 'read', sessions: readers, readPath, stopFile });
      const started = performance.now();
      const report = await importFlows(db, { path, actor: cliActor('marz bench'), principal: null }).finally(() => writeFileSync(stopFile, ''));
      const importMs = performance.now() - started;
      if (!report.ok || report.added !== spec.records) throw new Error(`import failed: ok=${report.ok} added=${report.added}`);
      const [h, r] = await Promise.all([health, read]);
      log(`import ${Math.round(importMs)} ms; health p99 ${round(h.p99, 1)} ms (${h.requests} requests, ${h.errors} errors, ${h.non2xx} non-2xx); summary p99 ${round(r.p99, 1)} ms (${r.requests} requests)`);
      const m = (name: string, l: LoadResult): Measurement => ({
        name,
        median_ms: round(l.p50, 1),
        min_ms: null,
        max_ms: round(l.max, 1),
        runs: l.requests,
        p50_ms: round(l.p50, 1),
        p95_ms: round(l.p95, 1),
        p99_ms: round(l.p99, 1),
        reference: { name: `import of ${spec.records.toLocaleString('en')} records meanwhile`, median_ms: Math.round(importMs), min_ms: null, max_ms: null },
        target: 'p99 ≤ 200 ms, no errors',
        met: l.errors === 0 && l.non2xx === 0 && l.p99 <= 200,
      });
      return {
        measurements: [m(`GET /api/health during an import (${clients} clients)`, h), m(`dashboard summary during an import (${clients} clients)`, r)],
        details: { clients, import_ms: Math.round(importMs), health: h, summary: r },
      };
    } finally {
      await server.close();
      await stopWatching();
    }
  } finally {
    rmSync(stopFile, { force: true });
    await db.close();
  }
}
