// A small closed-loop HTTP load generator (what autocannon would do, without the dependency):
// C clients on loopback keep-alive connections, each sending its next request as soon as the
// previous one is answered, for a fixed time. Runs in its own process so that it does not share
// the server's event loop. Spec in MARZ_LOADGEN (JSON); prints its result as JSON on stdout.
import http from 'node:http';
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
}

const spec = JSON.parse(process.env.MARZ_LOADGEN ?? '{}') as Spec;
const agent = new http.Agent({ keepAlive: true, maxSockets: spec.clients });
const target = new URL(spec.url);

function request(method: string, path: string, headers: Record<string, string>, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: target.hostname, port: target.port, method, path, agent, headers: body ? { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : headers }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

// Records to submit: the demo generator with another seed, so every id is new.
const records = spec.kind === 'submit' ? generateDemoRecords({ seed: spec.seed ?? 4242, endDate: spec.endDate, records: 10_000_000 }) : null;
function nextBody(): string {
  const batch = [];
  for (let i = 0; i < (spec.batch ?? 1); i++) {
    const r = records!.next().value!;
    batch.push({ ...r, reasons: r.reasons.join(';') });
  }
  return JSON.stringify({ records: batch });
}

const latencies: number[] = [];
let errors = 0;
const statuses: Record<string, number> = {};
const end = performance.now() + spec.seconds * 1000;

async function client(i: number) {
  const s = spec.sessions[i % spec.sessions.length]!;
  while (performance.now() < end) {
    const t0 = performance.now();
    let status = 0;
    try {
      if (spec.kind === 'submit') status = await request('POST', '/api/v1/flows/fmr', { cookie: s.cookie, 'x-csrf-token': s.csrf }, nextBody());
      else if (spec.kind === 'read') status = await request('GET', spec.readPath!, { cookie: s.cookie });
      else status = await request('GET', '/api/health', {});
    } catch {
      status = -1;
    }
    latencies.push(performance.now() - t0);
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (status !== 200) errors++;
  }
}

const t0 = performance.now();
const cpu0 = process.cpuUsage();
await Promise.all(Array.from({ length: spec.clients }, (_, i) => client(i)));
const elapsed = (performance.now() - t0) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.max(0, Math.ceil((p / 100) * latencies.length) - 1)] ?? NaN;
agent.destroy();
process.stdout.write(
  JSON.stringify({ requests: latencies.length, errors, statuses, seconds: elapsed, loadgen_cpu_s: (process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) / 1e6, per_s: latencies.length / elapsed, p50: pct(50), p95: pct(95), p99: pct(99), max: latencies[latencies.length - 1] ?? NaN }),
);
