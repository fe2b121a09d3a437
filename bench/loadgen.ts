// HTTP load with autocannon: C connections on loopback (keep-alive), each sending its next request
// as soon as the previous one is answered, for a fixed time. Runs in its own process so that its
// CPU is not the server's. Spec in MARZ_LOADGEN (JSON); prints its result as JSON on stdout.
import autocannon from 'autocannon';
import { existsSync } from 'node:fs';
import { generateDemoRecords } from '../src/flows/demo.ts';

interface Spec {
  url: string;
  clients: number;
  seconds: number;
  kind: 'submit' | 'read' | 'health';
  /** One session per client. */
  sessions: { cookie: string; csrf: string }[];
  readPath?: string;
  /** Records per submission request (default 1). */
  batch?: number;
  seed?: number;
  endDate?: string;
  /** Stop as soon as this file exists (instead of after `seconds`): load for as long as something else runs. */
  stopFile?: string;
}

const spec = JSON.parse(process.env.MARZ_LOADGEN ?? '{}') as Spec;
const batch = spec.batch ?? 1;

// Records to submit: the demo generator with another seed than the dataset's, so every id is new.
const records = spec.kind === 'submit' ? generateDemoRecords({ seed: spec.seed ?? 4242, endDate: spec.endDate, records: 10_000_000 }) : null;
/** Ids of the records in the submissions answered 2xx: the scenario checks that they are stored. */
const ids2xx: string[] = [];

const request: autocannon.Request =
  spec.kind === 'submit'
    ? {
        method: 'POST',
        path: '/api/v1/flows/fmr',
        // A fresh body for every request; its ids go with it (context) to its response.
        setupRequest: (req, context) => {
          const rows = Array.from({ length: batch }, () => {
            const r = records!.next().value!;
            return { ...r, reasons: r.reasons.join(';') };
          });
          context.ids = rows.map((r) => r.id);
          return { ...req, body: JSON.stringify({ records: rows }) };
        },
        onResponse: (status, _body, context) => {
          if (status >= 200 && status < 300) ids2xx.push(...context.ids);
        },
      }
    : { method: 'GET', path: spec.kind === 'read' ? spec.readPath! : '/api/health' };

// Each connection gets the session of its own client (health needs none).
let connection = 0;
const setupClient = (client: autocannon.Client) => {
  const s = spec.sessions[connection++ % Math.max(1, spec.sessions.length)];
  if (spec.kind === 'submit') client.setHeaders({ 'content-type': 'application/json', cookie: s!.cookie, 'x-csrf-token': s!.csrf });
  else if (spec.kind === 'read') client.setHeaders({ cookie: s!.cookie });
};

const latencies: number[] = [];
const cpu0 = process.cpuUsage();
// sampleInt 100 ms: a run stops at the first sample after `duration`, so at most 0.1 s late.
const run = autocannon({ url: spec.url, connections: spec.clients, duration: spec.seconds, sampleInt: 100, requests: [request], setupClient });
run.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
if (spec.stopFile) {
  const stopFile = spec.stopFile;
  const poll = setInterval(() => {
    if (existsSync(stopFile)) {
      clearInterval(poll);
      (run as unknown as { stop(): void }).stop(); // autocannon's instance can be stopped early (not in its types)
    }
  }, 50);
  void run.then(() => clearInterval(poll));
}
const r = await run;
const cpu = process.cpuUsage(cpu0);

latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.max(0, Math.ceil((p / 100) * latencies.length) - 1)] ?? NaN;
process.stdout.write(
  JSON.stringify({
    requests: latencies.length,
    errors: r.errors,
    non2xx: r.non2xx,
    statuses: Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, s]) => [code, s.count])),
    // Requests still unanswered when the run stopped (autocannon drops them; the server may still complete them).
    unanswered: r.requests.sent - r.requests.total - r.errors,
    seconds: r.duration,
    loadgen_cpu_s: (cpu.user + cpu.system) / 1e6,
    per_s: latencies.length / r.duration,
    p50: pct(50),
    p95: pct(95),
    p99: pct(99),
    max: latencies[latencies.length - 1] ?? NaN,
    ids_2xx: spec.kind === 'submit' ? ids2xx : undefined,
  }),
);
