// Timing, percentiles, memory and CPU accounting for the benchmark scenarios.
import { readFileSync, readdirSync } from 'node:fs';

export interface Stats {
  runs: number;
  median: number;
  min: number;
  max: number;
}

export function stats(values: number[]): Stats {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  const median = n === 0 ? NaN : n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
  return { runs: n, median: round(median), min: round(s[0] ?? NaN), max: round(s[n - 1] ?? NaN) };
}

/** Nearest-rank percentile (p in 0–100). */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * s.length));
  return round(s[rank - 1]!);
}

export const round = (x: number, digits = 2) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x);
export const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);

/** Peak resident set size of this process so far, in MB (getrusage; never decreases). */
export const maxRssMb = () => round(process.resourceUsage().maxRSS / 1024, 1);

/**
 * Samples the resident set size while a phase runs, giving the phase's own peak (maxRSS only
 * ever grows, so a later, smaller phase could not be told apart from an earlier, larger one).
 */
export class RssSampler {
  private peak = 0;
  private timer: NodeJS.Timeout | null = null;
  start(intervalMs = 50) {
    this.peak = process.memoryUsage.rss();
    this.timer = setInterval(() => (this.peak = Math.max(this.peak, process.memoryUsage.rss())), intervalMs);
    this.timer.unref();
    return this;
  }
  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
    return mb(this.peak);
  }
}

/** CPU seconds (user + system) used by a process, from /proc (Linux); null elsewhere. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11] = utime, fields[12] = stime (in clock ticks; 100 per second on Linux)
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

export interface Timed<T> {
  ms: number;
  /** CPU seconds of this Node process during the run. */
  nodeCpuS: number;
  /** CPU seconds of the PostgreSQL backend during the run (server on this machine), else null. */
  dbCpuS: number | null;
  rssMb: number;
  value: T;
}

/** Runs fn once, measuring wall time, this process's CPU, a backend's CPU and the RSS peak. */
export async function timed<T>(fn: () => Promise<T>, backendPid: number | null = null): Promise<Timed<T>> {
  const sampler = new RssSampler().start();
  const cpu0 = process.cpuUsage();
  const db0 = backendPid ? processCpuSeconds(backendPid) : null;
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const db1 = backendPid ? processCpuSeconds(backendPid) : null;
  return {
    ms: round(ms, 1),
    nodeCpuS: round((cpu.user + cpu.system) / 1e6, 2),
    dbCpuS: db0 != null && db1 != null ? round(db1 - db0, 2) : null,
    rssMb: sampler.stop(),
    value,
  };
}

/** CPU seconds used so far by all processes with this command name (e.g. every PostgreSQL backend). */
export function commandCpuSeconds(command: string): number | null {
  try {
    let total = 0;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== command) continue;
        total += processCpuSeconds(Number(pid)) ?? 0;
      } catch {
        // the process ended meanwhile
      }
    }
    return total;
  } catch {
    return null;
  }
}

/**
 * Warm latencies of one API request through HTTP: `warmup` requests first, then `requests` timed
 * ones (GET, or POST with a CSRF token and a JSON body); fails on any answer but 200. Returns the
 * times and the last answer's JSON.
 */
export async function timedRequests(url: string, cookie: string, path: string, requests: number, warmup: number, post?: { csrf: string; body: unknown }): Promise<{ times: number[]; last: any }> {
  const times: number[] = [];
  let last: any = null;
  for (let i = 0; i < warmup + requests; i++) {
    const t0 = performance.now();
    const res = await fetch(url + path, post ? { method: 'POST', headers: { cookie, 'x-csrf-token': post.csrf, 'content-type': 'application/json' }, body: JSON.stringify(post.body) } : { headers: { cookie } });
    const body = await res.text();
    const ms = performance.now() - t0;
    if (res.status !== 200) throw new Error(`${post ? 'POST' : 'GET'} ${path}: ${res.status} ${body.slice(0, 200)}`);
    if (i >= warmup) times.push(ms);
    last = JSON.parse(body);
  }
  return { times, last };
}
