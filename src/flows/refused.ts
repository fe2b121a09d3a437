// The refused rows of an import, as a file to fix and import again (issue 12.4): each refused
// row as it was in the source file (its columns, in the file's order; the HXL row too when the
// file had one), plus a last column with its problems in the chosen language. CSV, UTF-8 with
// a BOM; text cells neutralised against formula injection (Marz's importer undoes that).
import { stringify } from 'csv-stringify';
import type { Writable } from 'node:stream';
import { readCsv, readXlsx, type HeaderInfo } from './read.ts';
import { neutraliseCell, type Lang } from './format.ts';
import type { ImportProblem } from './import.ts';

export const PROBLEMS_COLUMN: Record<Lang, string> = { en: 'Problems', fa: 'مشکلات' };

/** Collects the problems of an import by row (pass `add` as the import's onProblem). */
export class RefusedRows {
  readonly byRow = new Map<number, ImportProblem[]>();
  add = (p: ImportProblem) => {
    if (p.row === null) return;
    const list = this.byRow.get(p.row);
    if (list) list.push(p);
    else this.byRow.set(p.row, [p]);
  };
  get size() {
    return this.byRow.size;
  }
}

export interface RefusedFileResult {
  rows: number;
  /** True when maxBytes stopped the file before every refused row was written. */
  truncated: boolean;
}

/**
 * Writes the refused rows of `path` (the imported file) to `out`. Stops after about maxBytes
 * (the web keeps the file in the database) and says so.
 */
export async function writeRefusedRows(path: string, refused: RefusedRows, lang: Lang, out: Writable, maxBytes = Infinity): Promise<RefusedFileResult> {
  let header: HeaderInfo | null = null;
  const onHeader = (h: HeaderInfo) => {
    header = h;
  };
  const rows = /\.xlsx$/i.test(path) ? readXlsx(path, { onHeader }) : readCsv(path, { onHeader });
  const csv = stringify({ bom: true, record_delimiter: '\r\n' });
  csv.pipe(out);
  let bytes = 0;
  csv.on('data', (d: Buffer) => (bytes += d.length));
  const write = (row: string[]) => (csv.write(row) ? Promise.resolve() : new Promise<void>((r) => csv.once('drain', () => r())));
  let written = 0;
  let truncated = false;
  let columns: string[] | null = null;
  const sep = lang === 'fa' ? '؛ ' : '; ';
  for await (const r of rows) {
    if (!columns) {
      const h = header as HeaderInfo | null;
      columns = [...(h?.columns ?? [])];
      await write([...columns, PROBLEMS_COLUMN[lang]]);
      if (h?.hxl) await write([...h.hxl, '#meta+problems']);
    }
    const problems = refused.byRow.get(r.rowNumber);
    if (!problems) continue;
    if (bytes > maxBytes) {
      truncated = true;
      break;
    }
    // (Cells beyond the header, which no import reads, are left out.)
    const cells = columns.map((c) => neutraliseCell(r.values[c] ?? ''));
    await write([...cells, problems.map((p) => (lang === 'fa' ? p.message_fa : p.message_en)).join(sep)]);
    written++;
  }
  if (!columns) {
    const h = header as HeaderInfo | null;
    await write([...(h?.columns ?? []), PROBLEMS_COLUMN[lang]]);
  }
  await new Promise<void>((resolve, reject) => {
    out.once('error', reject);
    out.once('finish', resolve);
    csv.end();
  });
  return { rows: written, truncated };
}
