// Hostile import files (issue 10, item 8): parsing must be linear in the input, and a workbook
// holding one huge cell must be refused before it is read.
//   - `csv_cell_<N>MB`: a CSV whose one cell is N MB (30 in the full run, 10 quick) read through
//     readCsv; before the fix a 30 MB cell took 27 s (quadratic: the buffer was flattened on
//     every chunk); now about 0.2 s on the reference machine. Target: ≤ 1 s for 30 MB. The cell
//     comes back cut to MAX_CELL + 1 characters (checked).
//   - `csv_cell_2x`: the same at twice the size; linear parsing takes about twice as long
//     (reported as details.ratio, expected < 3).
//   - `xlsx_bomb_check`: checkXlsxExpansion on a workbook with one 60 MB cell (about 65 KB on
//     disk): refused from the zip directory (checked), in milliseconds, without reading the cell.
//
// To register (bench/, the lead's): add 'flows-files' to ScenarioName and SCENARIOS in
// bench/lib/types.ts, `case 'flows-files': return (await import('./scenarios/flows-files.ts')).run(spec, log);`
// in bench/child.ts, and a plan entry in bench/run.ts (no database; runs 3 quick / 5 full).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { readCsv, checkXlsxExpansion, MAX_CELL, ReadError } from '../../src/flows/read.ts';
import { stats } from '../lib/measure.ts';
import type { Measurement, ScenarioResult, ScenarioSpec } from '../lib/types.ts';

async function readOnce(path: string): Promise<number> {
  let longest = 0;
  for await (const r of readCsv(path)) for (const v of Object.values(r.values)) longest = Math.max(longest, v.length);
  return longest;
}

export async function run(spec: ScenarioSpec, log: (s: string) => void): Promise<ScenarioResult> {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'marz-bench-files-'));
  const measurements: Measurement[] = [];
  const details: Record<string, unknown> = {};
  try {
    const mb = spec.quick ? 10 : 30;
    const medians: number[] = [];
    for (const size of [mb, mb * 2]) {
      const path = join(dir, `cell-${size}.csv`);
      writeFileSync(path, 'id,note\n1,"' + 'x'.repeat(size * 1024 * 1024) + '"\n2,b\n');
      const times: number[] = [];
      for (let i = 0; i < spec.runs; i++) {
        const t0 = performance.now();
        const longest = await readOnce(path);
        times.push(performance.now() - t0);
        if (longest !== MAX_CELL + 1) throw new Error(`the huge cell came back with ${longest} characters`);
      }
      const s = stats(times);
      medians.push(s.median);
      measurements.push({ name: size === mb ? `csv_cell_${mb}MB` : 'csv_cell_2x', median_ms: s.median, min_ms: s.min, max_ms: s.max, runs: s.runs });
      log(`csv cell ${size} MB: median ${Math.round(s.median)} ms`);
    }
    details.ratio = medians[0] ? medians[1]! / medians[0] : null;

    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Flows').addRow(['id', 'note']);
    wb.getWorksheet('Flows')!.addRow(['1', 'z'.repeat(60 * 1024 * 1024)]);
    const bomb = join(dir, 'bomb.xlsx');
    await wb.xlsx.writeFile(bomb);
    const times: number[] = [];
    for (let i = 0; i < spec.runs; i++) {
      const t0 = performance.now();
      const refused = await checkXlsxExpansion(bomb).then(
        () => false,
        (e) => e instanceof ReadError && e.code === 'xlsx',
      );
      times.push(performance.now() - t0);
      if (!refused) throw new Error('the 60 MB cell workbook was not refused');
    }
    const b = stats(times);
    measurements.push({ name: 'xlsx_bomb_check', median_ms: b.median, min_ms: b.min, max_ms: b.max, runs: b.runs });
    return { scenario: 'flows-files' as any, engine: spec.engine, records: 0, status: 'ok', measurements, seconds: (performance.now() - started) / 1000, details };
  } catch (e) {
    return { scenario: 'flows-files' as any, engine: spec.engine, records: 0, status: 'failed', reason: (e as Error).message, measurements, seconds: (performance.now() - started) / 1000, details };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
