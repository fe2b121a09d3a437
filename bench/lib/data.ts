// Benchmark data: the seeded demo generator (src/flows/demo.ts) written out as Marz-format CSV
// files, cached by size and seed so that every run and every engine reads the same bytes.
import { closeSync, existsSync, mkdirSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { generateDemoRecords } from '../../src/flows/demo.ts';
import { fmrHeader } from '../../src/flows/format.ts';
import type { FmrRecord } from '../../src/flows/format.ts';

/** Fixed window so that the data never depend on the day the benchmark runs. */
export const END_DATE = '2025-09-30';
export const DAYS = 731;
export const SEED = 1;

export function cacheDir(): string {
  const dir = process.env.MARZ_BENCH_CACHE ?? join(tmpdir(), 'marz-bench');
  mkdirSync(dir, { recursive: true });
  return dir;
}

const needsQuote = /[",\r\n]/;
const cell = (v: string | number | null) => {
  if (v === null) return '';
  const s = typeof v === 'number' ? String(v) : v;
  return needsQuote.test(s) ? '"' + s.replaceAll('"', '""') + '"' : s;
};

export const CSV_HEADER = fmrHeader('all');

/** One record as a line of the canonical CSV (fields in fmrHeader('all') order). */
export function csvLine(r: FmrRecord): string {
  return (
    r.id + ',' + r.fmp + ',' + r.date + ',' + r.direction + ',' + r.nationality + ',' + r.men + ',' + r.women + ',' + r.boys + ',' + r.girls + ',' + r.deported + ',' +
    cell(r.time) + ',' + cell(r.transport) + ',' + cell(r.reasons.join(';')) + ',' + cell(r.origin_country) + ',' + cell(r.origin_admin1) + ',' +
    cell(r.destination_country) + ',' + cell(r.destination_admin1) + ',' + cell(r.uasc) + ',' + cell(r.pregnant_lactating) + ',' + cell(r.elderly) + ',' +
    cell(r.disabled) + ',' + cell(r.medical) + ',' + cell(r.enumerator) + ',' + cell(r.note) + '\n'
  );
}

export function demoRecords(records: number, seed = SEED) {
  return generateDemoRecords({ seed, endDate: END_DATE, days: DAYS, records });
}

/** Path of a CSV file of `records` demo FMR records (made once, then reused). */
export async function csvFile(records: number, seed = SEED): Promise<{ path: string; bytes: number }> {
  const path = join(cacheDir(), `fmr-${records}-s${seed}-${END_DATE}.csv`);
  if (!existsSync(path)) {
    const tmp = path + '.' + process.pid + '.tmp';
    // Lines go straight into a byte buffer: each line (a rope of small strings) dies young,
    // which keeps the garbage collector out of the way (an array of retained lines is ~5× slower).
    const fd = openSync(tmp, 'w');
    const size = 1 << 22;
    const buf = Buffer.allocUnsafe(size);
    let off = buf.write(CSV_HEADER.join(',') + '\n', 0);
    for (const r of demoRecords(records, seed)) {
      off += buf.write(csvLine(r), off);
      if (off > size - 65536) {
        writeSync(fd, buf, 0, off);
        off = 0;
      }
    }
    writeSync(fd, buf, 0, off);
    closeSync(fd);
    renameSync(tmp, path);
  }
  return { path, bytes: statSync(path).size };
}
