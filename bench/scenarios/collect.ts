// Collect (issue 12, item 2): what a phone waits for when ODK Collect or KoboCollect sends its
// finalized forms to Marz — HEAD then a multipart POST of one FMR instance to
// /api/collect/key/{token}/submission, on a dataset of N flow records (the flows summary
// triggers and surge checks run for each). Measured: a new submission, and an identical resend
// (Collect resends when an answer was lost). Target: p95 ≤ 200 ms for each. Check: the records
// added equal the new submissions (resends add nothing).
//
// Writes: works on a clone of the dataset.
//
// To register (bench/, the lead's): add 'collect' to ScenarioName and SCENARIOS in
// bench/lib/types.ts, `case 'collect': return (await import('./scenarios/collect.ts')).run(spec, log);`
// in bench/child.ts, and a plan entry in bench/run.ts (records: quick 100 000, full 10 000 000;
// requests: quick 20, full 200).
import { randomUUID } from 'node:crypto';
import { addDays } from '../../src/platform/calendar.ts';
import { openDataset } from '../lib/engines.ts';
import { benchUser, startApp } from '../lib/app.ts';
import { END_DATE } from '../lib/data.ts';
import { percentile, stats } from '../lib/measure.ts';
import type { Measurement, ScenarioResult, ScenarioSpec } from '../lib/types.ts';
import { createDevice } from '../../src/collect/devices.ts';
import { cliActor } from '../../src/platform/audit.ts';

export const TARGET_MS = 200;

function instance(id: string, day: string, i: number) {
  return `<?xml version="1.0"?><data id="marz_fmr" version="bench"><fmp>dogharoun</fmp><date>${day}</date><direction>${i % 2 ? 'in' : 'out'}</direction><nationality>AFG</nationality><men>${1 + (i % 3)}</men><women>1</women><boys>0</boys><girls>1</girls><deported>no</deported><reasons>return_home</reasons><meta><instanceID>uuid:${id}</instanceID></meta></data>`;
}

function multipart(xml: string) {
  const boundary = '----marzbench' + randomUUID();
  const body = `--${boundary}\r\nContent-Disposition: form-data; name="xml_submission_file"; filename="submission.xml"\r\nContent-Type: text/xml\r\n\r\n${xml}\r\n--${boundary}--\r\n`;
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'x-openrosa-version': '1.0' } };
}

async function send(base: string, xml: string): Promise<number> {
  const t0 = performance.now();
  const head = await fetch(`${base}/submission`, { method: 'HEAD', headers: { 'x-openrosa-version': '1.0' } });
  if (head.status !== 204) throw new Error(`HEAD submission: ${head.status}`);
  const m = multipart(xml);
  const res = await fetch(`${base}/submission`, { method: 'POST', body: m.body, headers: m.headers });
  const text = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 201) throw new Error(`POST submission: ${res.status} ${text.slice(0, 200)}`);
  return ms;
}

function measurement(name: string, times: number[]): Measurement {
  const s = stats(times);
  const p95 = percentile(times, 95);
  return { name, median_ms: s.median, min_ms: s.min, max_ms: s.max, runs: times.length, p50_ms: percentile(times, 50), p95_ms: p95, target: `p95 ≤ ${TARGET_MS} ms`, met: p95 <= TARGET_MS };
}

export async function run(spec: ScenarioSpec, log: (s: string) => void): Promise<Partial<ScenarioResult>> {
  const requests = spec.options.requests ?? (spec.quick ? 20 : 200);
  const db = await openDataset(spec.engine, spec.records, { clone: true, poolSize: 4 });
  try {
    const userId = await benchUser(db);
    const username = (await db.one<{ username: string }>('SELECT username FROM users WHERE id = $1', [userId]))!.username;
    const device = await createDevice(db, cliActor('marz bench'), username, 'bench', null);
    const server = await startApp(db);
    const base = `${server.url}/api/collect/key/${device.token}`;
    const day = addDays(END_DATE, -1);
    const before = Number((await db.one('SELECT count(*) AS n FROM fmr_records'))!.n);
    const ids = Array.from({ length: requests }, () => randomUUID());
    const created: number[] = [];
    const resent: number[] = [];
    try {
      for (let i = 0; i < requests; i++) created.push(await send(base, instance(ids[i]!, day, i)));
      for (let i = 0; i < requests; i++) resent.push(await send(base, instance(ids[i]!, day, i)));
    } finally {
      await server.close();
    }
    const added = Number((await db.one('SELECT count(*) AS n FROM fmr_records'))!.n) - before;
    const measurements = [measurement('Collect submission (HEAD + POST), new', created), measurement('Collect submission, identical resend', resent)];
    for (const m of measurements) log(`${m.name}: p50 ${m.p50_ms} ms, p95 ${m.p95_ms} ms (${m.target}${m.met ? ', met' : ', NOT met'})`);
    log(added === requests ? `records added: ${added} for ${requests} submissions sent twice` : `MISMATCH: ${added} records added for ${requests} submissions`);
    return { measurements, details: { requests, records_added: added, stored_once: added === requests } };
  } finally {
    await db.close();
  }
}
