// Streaming exports of records and daily aggregates, as CSV (UTF-8 with BOM, optional HXL tag
// row) or XLSX (right-to-left sheet in Persian). Rows are read through a server-side cursor, a
// batch at a time, so memory stays flat whatever the size.
//
// Speed (issue 5): records in CSV with Gregorian dates (lang en) are formatted by the database,
// by COPY … TO STDOUT itself, so JavaScript only moves bytes. XLSX is written directly (SpreadsheetML
// with inline strings in a streamed zip; see XlsxWriter) rather than through exceljs, which
// managed about 7,000 rows a second. The files are the same as before.
import { Readable, PassThrough, Transform, type TransformCallback } from 'node:stream';
import { once } from 'node:events';
import { createDeflateRaw, crc32 } from 'node:zlib';
import { stringify } from 'csv-stringify';
import type pg from 'pg';
import type { Database } from '../platform/db/database.ts';
import { copyOut } from '../platform/db/copy.ts';
import { formatJalali } from '../platform/calendar.ts';
import { fmrHeader, fmrHxlRow, fmrLabels, neutraliseCell, valueLabel, STATUS_COLUMN } from './format.ts';
import { filterSql, type FlowFilters } from './summary.ts';

export interface ExportOptions {
  format: 'csv' | 'xlsx';
  hxl: boolean;
  lang: 'en' | 'fa';
  /**
   * Write value labels in `lang` instead of codes (direction, deported, transport, reasons,
   * countries, review status) and the column labels as the header (issue 12.3). Marz imports
   * such files back.
   */
  labels?: boolean;
  filters: FlowFilters;
}

const FETCH = 10_000;
/** Smaller batches for XLSX, whose rows are large (about 1.4 KB of XML each): memory stays low. */
const XLSX_FETCH = 2_000;

/** Rows of a query, a batch at a time, in one read-only transaction with a cursor. */
async function* cursor(db: Database, sql: string, params: unknown[], rowMode?: 'array', size = FETCH): AsyncGenerator<any[]> {
  const client = await db.pool.connect();
  let next: Promise<unknown> | null = null;
  let done = false;
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(`DECLARE export_cursor NO SCROLL CURSOR FOR ${sql}`, params);
    const fetch = () => client.query<any>((rowMode ? { text: `FETCH ${size} FROM export_cursor`, rowMode } : `FETCH ${size} FROM export_cursor`) as any);
    // The next batch is asked for before this one is handed on, so the database produces it
    // while the caller formats this one.
    next = fetch();
    for (;;) {
      const { rows } = (await next!) as { rows: any[] };
      if (rows.length < size) {
        if (rows.length) yield rows;
        break;
      }
      const ahead = fetch();
      ahead.catch(() => {}); // awaited on the next turn; an error then is handled there
      next = ahead;
      yield rows;
    }
    await client.query('COMMIT');
    done = true;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    done = true;
    throw e;
  } finally {
    // Also when the reader stopped early: end the transaction before the connection goes back.
    if (!done) {
      await next?.catch(() => {});
      await client.query('ROLLBACK').catch(() => {});
    }
    client.release();
  }
}

interface Table {
  header: string[];
  labels: string[];
  hxl: string[];
  batches: AsyncGenerator<string[][]>;
}

function recordsQuery(o: ExportOptions, select: string) {
  const params: unknown[] = [];
  const where = filterSql(o.filters, params, { from: o.filters.from, to: o.filters.to, dayColumn: 'observed_on' });
  return { sql: `SELECT ${select} FROM fmr_records WHERE ${where} ORDER BY observed_on, fmp_code, id`, params };
}

function recordsTable(db: Database, o: ExportOptions): Table {
  // The cells as text straight from the database (what fmrRecordToRow would make of each
  // record), in fmrHeader('all') order and then the status; Persian files get Jalali dates.
  // Each row comes as one JSON array (one field per row is much cheaper than 25 to carry).
  const { sql, params } = recordsQuery(o, `json_build_array(${CSV_COLUMNS.join(', ')})::text`);
  const header = [...fmrHeader('all'), 'status'];
  const jalali = o.lang === 'fa';
  const DATE = header.indexOf('date');
  const labelled = o.labels ? header.map((h, i) => [h, i] as const).filter(([h]) => LABELLED.has(h)) : [];
  async function* batches() {
    for await (const rows of cursor(db, sql, params, 'array', o.format === 'xlsx' ? XLSX_FETCH : FETCH)) {
      const out: string[][] = new Array(rows.length);
      for (let k = 0; k < rows.length; k++) {
        const r = JSON.parse(rows[k][0]) as (string | null)[];
        for (let i = 0; i < r.length; i++) if (r[i] === null) r[i] = '';
        if (jalali) r[DATE] = formatJalali(r[DATE]!, { digits: 'latn' });
        for (const [h, i] of labelled) r[i] = valueLabel(h, r[i]!, o.lang);
        out[k] = r as string[];
      }
      yield out;
    }
  }
  return { header, labels: [...fmrLabels(o.lang, 'all'), STATUS_COLUMN.label[o.lang]], hxl: [...fmrHxlRow('all'), STATUS_COLUMN.hxl], batches: batches() };
}

/** Columns whose codes become labels in an export with labels. */
const LABELLED = new Set(['direction', 'deported', 'transport', 'reasons', 'nationality', 'origin_country', 'destination_country', 'status']);

const DAILY_COLUMNS: [string, string, string, string][] = [
  ['date', '#date', 'Date', 'تاریخ'],
  ['fmp', '#loc+code', 'Flow monitoring point', 'نقطه پایش جریان'],
  ['province', '#adm1+code', 'Province', 'استان'],
  ['direction', '#indicator+direction', 'Direction', 'جهت'],
  ['nationality', '#country+code+nationality', 'Nationality', 'تابعیت'],
  ['deported', '#indicator+deported', 'Deported', 'اخراجی'],
  ['groups', '#indicator+num+groups', 'Groups', 'گروه‌ها'],
  ['individuals', '#affected+num', 'Individuals', 'افراد'],
  ['men', '#affected+m+adults', 'Men', 'مردان'],
  ['women', '#affected+f+adults', 'Women', 'زنان'],
  ['boys', '#affected+m+children', 'Boys', 'پسران'],
  ['girls', '#affected+f+children', 'Girls', 'دختران'],
  ['uasc', '#affected+children+uasc', 'Unaccompanied or separated children', 'کودکان بدون همراه یا جدامانده'],
  ['pregnant_lactating', '#affected+f+pregnant_lactating', 'Pregnant or lactating women', 'زنان باردار یا شیرده'],
  ['elderly', '#affected+elderly', 'Elderly', 'سالمندان'],
  ['disabled', '#affected+disabled', 'Persons with disabilities', 'افراد دارای معلولیت'],
  ['medical', '#affected+medical', 'Persons with medical needs', 'افراد نیازمند مراقبت پزشکی'],
];

function dailyTable(db: Database, o: ExportOptions): Table {
  const params: unknown[] = [];
  const where = filterSql(o.filters, params, { from: o.filters.from, to: o.filters.to });
  const sql = `SELECT to_char(day, 'YYYY-MM-DD') AS date, fmp_code AS fmp, min(province_code) AS province, direction, nationality, deported,
                      sum(groups) AS groups, sum(men + women + boys + girls) AS individuals, sum(men) AS men, sum(women) AS women,
                      sum(boys) AS boys, sum(girls) AS girls, sum(uasc) AS uasc, sum(pregnant_lactating) AS pregnant_lactating,
                      sum(elderly) AS elderly, sum(disabled) AS disabled, sum(medical) AS medical
                 FROM flow_daily WHERE ${where}
                GROUP BY day, fmp_code, direction, nationality, deported HAVING sum(groups) > 0
                ORDER BY day, fmp_code, direction, nationality, deported`;
  async function* batches() {
    for await (const rows of cursor(db, sql, params)) {
      yield rows.map((r) =>
        DAILY_COLUMNS.map(([k]) => (k === 'date' && o.lang === 'fa' ? formatJalali(r.date, { digits: 'latn' }) : o.labels && LABELLED.has(k) ? valueLabel(k, String(r[k]), o.lang) : String(r[k]))),
      );
    }
  }
  return { header: DAILY_COLUMNS.map((c) => c[0]), labels: DAILY_COLUMNS.map((c) => (o.lang === 'fa' ? c[3] : c[2])), hxl: DAILY_COLUMNS.map((c) => c[1]), batches: batches() };
}

/** The export as a byte stream; `what` is the records or their daily aggregates. */
export function exportFlows(db: Database, what: 'records' | 'daily', o: ExportOptions): Readable {
  if (what === 'records' && o.lang === 'en' && !o.labels) {
    // Formatted by the database (see the top of this file).
    if (o.format === 'csv') return recordsCsvFast(db, o);
    // The XML is built by the server, in parallel with the compression here.
    return xlsxStream(null, [...fmrHeader('all'), 'status'], o, db);
  }
  const table = what === 'records' ? recordsTable(db, o) : dailyTable(db, o);
  // Canonical column names head the file; Persian files and files with labels put the column
  // labels first for people. Marz imports all of them back (by the canonical names, the HXL
  // row or the labels in either language).
  const headerRow = o.lang === 'fa' || o.labels ? table.labels : table.header;
  return o.format === 'csv' ? csvStream(table, headerRow, o.hxl) : xlsxStream(table, headerRow, o);
}

function csvStream(table: Table, headerRow: string[], hxl: boolean): Readable {
  const out = stringify({ bom: true, record_delimiter: '\r\n' });
  // Text cells are neutralised against formula injection; numeric columns are left as numbers.
  const text = table.header.map((h, i) => [h, i] as const).filter(([h]) => !NUMERIC.has(h)).map(([, i]) => i);
  (async () => {
    const write = (row: string[]) => (out.write(row) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
    try {
      await write(headerRow);
      if (hxl) await write(table.hxl);
      for await (const batch of table.batches)
        for (const row of batch) {
          for (const i of text) row[i] = neutraliseCell(row[i]!);
          await write(row);
        }
      out.end();
    } catch (e) {
      out.destroy(e as Error);
    }
  })();
  return out;
}

// ---------------------------------------------------------------------------
// CSV of records, formatted by the database

/**
 * A CSV cell as csv-stringify writes it with record_delimiter \r\n: quoted when it holds the
 * delimiter, a quote or \r\n. (Stored text never holds a line break: validation turns every run
 * of white space into one space, so the database's CSV quoting — which also quotes lone \r or
 * \n — gives the same bytes.)
 */
export function csvCell(v: string): string {
  return v.includes(',') || v.includes('"') || v.includes('\r\n') ? '"' + v.replaceAll('"', '""') + '"' : v;
}

/** The record columns of the CSV export, as SQL text expressions (NULL for an empty cell). */
const CSV_COLUMNS = [
  'id::text',
  'fmp_code',
  "to_char(observed_on, 'YYYY-MM-DD')",
  'direction',
  'nationality',
  'men::text',
  'women::text',
  'boys::text',
  'girls::text',
  'deported',
  "to_char(observed_time, 'HH24:MI')",
  'transport',
  "nullif(array_to_string(reasons, ';'), '')",
  'origin_country',
  'origin_admin1',
  'destination_country',
  'destination_admin1',
  'uasc::text',
  'pregnant_lactating::text',
  'elderly::text',
  'disabled::text',
  'medical::text',
  'enumerator',
  'note',
  'status',
];
/** Columns whose values are codes or numbers that never need quoting. */
const PLAIN = new Set(['id::text', 'fmp_code', "to_char(observed_on, 'YYYY-MM-DD')", 'direction', 'nationality', 'men::text', 'women::text', 'boys::text', 'girls::text', 'deported', "to_char(observed_time, 'HH24:MI')", 'origin_country', 'destination_country', 'uasc::text', 'pregnant_lactating::text', 'elderly::text', 'disabled::text', 'medical::text', 'status']);

/**
 * A free-text column neutralised against formula injection as neutraliseCell does (a quote in
 * front of a cell that begins, after any quotes, with = + - @ tab or carriage return).
 */
const neutraliseSql = (e: string) => (PLAIN.has(e) ? e : `CASE WHEN ${e} ~ '^''*[-=+@\t\r]' AND ${e} !~ '^[-+]?[0-9]+([.][0-9]+)?$' THEN '''' || ${e} ELSE ${e} END`);
/** CSV_COLUMNS as written to a CSV file (text columns neutralised). */
const CSV_TEXT_COLUMNS = CSV_COLUMNS.map(neutraliseSql);

function recordsCsvFast(db: Database, o: ExportOptions): Readable {
  const out = new PassThrough();
  const head = '\uFEFF' + [...fmrHeader('all'), 'status'].map(csvCell).join(',') + '\r\n' + (o.hxl ? [...fmrHxlRow('all'), '#status+review'].map(csvCell).join(',') + '\r\n' : '');
  (async () => {
    try {
      out.write(head);
      await copyRecords(db, o, out);
      out.end();
    } catch (e) {
      out.destroy(e as Error);
    }
  })();
  return out;
}

/** COPY … TO STDOUT (FORMAT csv) of the records into `out`, with \r\n line ends. */
async function copyRecords(db: Database, o: ExportOptions, out: PassThrough) {
  const { sql, params } = recordsQuery(o, CSV_TEXT_COLUMNS.join(', '));
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN READ ONLY');
    // COPY cannot take query parameters, so the filter values are written into the query as
    // quoted literals.
    const bound = sql.replace(/\$(\d+)/g, (_, i) => literal(params[Number(i) - 1]));
    const crlf = new CrLf();
    crlf.pipe(out, { end: false });
    await copyOut(client, `COPY (${bound}) TO STDOUT WITH (FORMAT csv)`, crlf, false);
    crlf.end();
    await once(crlf, 'end');
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}

/** A SQL literal for a filter value (strings and string arrays; dates are strings). */
function literal(v: unknown): string {
  // An E'' string reads backslashes the same way whatever standard_conforming_strings says.
  const quote = (s: string) => (s.includes('\\') ? "E'" + s.replaceAll('\\', '\\\\').replaceAll("'", "''") + "'" : "'" + s.replaceAll("'", "''") + "'");
  if (Array.isArray(v)) return `ARRAY[${v.map((x) => quote(String(x))).join(', ')}]::text[]`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return 'NULL';
  return quote(String(v));
}

/** Turns the \n that end CSV records into \r\n (a \n inside a quoted cell is left alone). */
class CrLf extends Transform {
  private quoted = false;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
    const parts: Buffer[] = [];
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (c === 0x22) this.quoted = !this.quoted;
      else if (c === 0x0a && !this.quoted) {
        parts.push(chunk.subarray(start, i), CRLF);
        start = i + 1;
      }
    }
    parts.push(chunk.subarray(start));
    done(null, Buffer.concat(parts));
  }
}
const CRLF = Buffer.from('\r\n');

// ---------------------------------------------------------------------------
// XLSX

const NUMERIC = new Set(['men', 'women', 'boys', 'girls', 'groups', 'individuals', 'uasc', 'pregnant_lactating', 'elderly', 'disabled', 'medical']);

/** Free-text columns (the only ones whose values may need XML escaping). */
const FREE_TEXT = new Set(['origin_admin1', 'destination_admin1', 'enumerator', 'note', 'transport']);

/**
 * The worksheet rows of the records export written by the database itself: one `<row>` element
 * per record, numbered from `first`, cells as XlsxWriter.row would make them (numbers for
 * counts, inline strings otherwise, no cell when empty). One concat() per row (a chain of ||
 * would copy the growing row for every piece). Used with Gregorian dates (lang en). Stored
 * free text has no leading or trailing white space (validation trims it), so no cell needs
 * xml:space="preserve"; characters XML forbids are dropped, as XlsxWriter.row drops them.
 */
function xmlRowSql(first: number): string {
  const rn = `(row_number() OVER w + ${first - 1})`;
  const header = [...fmrHeader('all'), 'status'];
  const parts = CSV_COLUMNS.map((e, i) => {
    const ref = `'<c r="${COLUMN_LETTERS(i)}', ${rn}, '"`;
    if (NUMERIC.has(header[i]!)) return `CASE WHEN ${e} IS NOT NULL THEN concat(${ref}><v>', ${e}, '</v></c>') END`;
    const text = FREE_TEXT.has(header[i]!)
      ? `CASE WHEN ${e} ~ '[&<>\x01-\x08\x0B\x0C\x0E-\x1F]' THEN replace(replace(replace(regexp_replace(${e}, '[\x01-\x08\x0B\x0C\x0E-\x1F]', '', 'g'), '&', '&amp;'), '<', '&lt;'), '>', '&gt;') ELSE ${e} END`
      : e;
    return `CASE WHEN ${e} <> '' THEN concat(${ref} t="inlineStr"><is><t>', ${text}, '</t></is></c>') END`;
  });
  return `concat('<row r="', ${rn}, '">', ${parts.join(', ')}, '</row>')`;
}

function xlsxStream(table: Table | null, headerRow: string[], o: ExportOptions, db?: Database): Readable {
  const header = table?.header ?? [...fmrHeader('all'), 'status'];
  const writer = new XlsxWriter({
    sheetName: o.lang === 'fa' ? 'جریان‌ها' : 'Flows',
    rightToLeft: o.lang === 'fa',
    frozenRows: o.hxl ? 2 : 1,
    numeric: header.map((h) => NUMERIC.has(h)),
  });
  (async () => {
    try {
      writer.row(headerRow, { bold: true, text: true });
      if (o.hxl) writer.row(table?.hxl ?? [...fmrHxlRow('all'), '#status+review'], { text: true });
      if (table) {
        for await (const batch of table.batches) {
          for (const row of batch) writer.row(row);
          await writer.flush();
        }
      } else {
        const { sql, params } = recordsQuery(o, `${xmlRowSql(o.hxl ? 3 : 2)} AS x`);
        const windowed = sql.replace(/ ORDER BY observed_on, fmp_code, id$/, ' WINDOW w AS (ORDER BY observed_on, fmp_code, id) ORDER BY observed_on, fmp_code, id');
        for await (const rows of cursor(db!, windowed, params, undefined, XLSX_FETCH)) {
          let chunk = '';
          for (const r of rows) chunk += r.x;
          writer.raw(chunk, rows.length);
          await writer.flush();
        }
      }
      await writer.end();
    } catch (e) {
      writer.output.destroy(e as Error);
    }
  })();
  return writer.output;
}

const COLUMN_LETTERS = (n: number) => {
  let s = '';
  for (n++; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
};
const XML_SPECIAL = /[&<>\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;
const xmlText = (s: string) =>
  XML_SPECIAL.test(s) ? s.replace(/[&<>]|[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '')) : s;
const xmlAttr = (s: string) => xmlText(s).replaceAll('"', '&quot;');

interface XlsxOptions {
  sheetName: string;
  rightToLeft: boolean;
  frozenRows: number;
  /** Per column: numeric cells (written as numbers when they parse). */
  numeric: boolean[];
}

/**
 * A minimal streaming XLSX writer: one worksheet of inline-string and number cells, a bold
 * style for the header, frozen header rows, right-to-left when asked. The sheet's XML is
 * deflated as it is produced into a zip written to `output`; only the zip's small parts and
 * directory are held in memory. Readable by Excel, LibreOffice and exceljs.
 */
export class XlsxWriter {
  readonly output = new PassThrough();
  private rowNumber = 0;
  private xml: string[] = [];
  private xmlLength = 0;
  private readonly letters: string[];
  private readonly deflate = createDeflateRaw({ level: 1 });
  private crc = 0;
  private rawSize = 0;
  private compressedSize = 0;
  private offset = 0;
  private readonly entries: { name: Buffer; crc: number; compressed: number; raw: number; offset: number; method: number }[] = [];
  private sheetOffset = 0;
  private pending: Promise<void> = Promise.resolve();
  private draining = false;

  constructor(private readonly o: XlsxOptions) {
    this.letters = Array.from({ length: Math.max(o.numeric.length, 1) + 64 }, (_, i) => COLUMN_LETTERS(i));
    for (const [name, body] of this.parts()) this.stored(name, Buffer.from(body, 'utf8'));
    // The sheet: local header now, deflated data as it comes, sizes in a data descriptor.
    this.sheetOffset = this.offset;
    this.emit(this.localHeader(Buffer.from('xl/worksheets/sheet1.xml'), 8, 0, 0, 0, true));
    this.deflate.on('data', (d: Buffer) => {
      this.compressedSize += d.length;
      this.emit(d);
    });
    const view = `<sheetView workbookViewId="0"${o.rightToLeft ? ' rightToLeft="1"' : ''}>${
      o.frozenRows ? `<pane ySplit="${o.frozenRows}" topLeftCell="A${o.frozenRows + 1}" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/>` : ''
    }</sheetView>`;
    this.text(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
        `<sheetViews>${view}</sheetViews><sheetFormatPr defaultRowHeight="15"/><sheetData>`,
    );
  }

  /** Adds a row; cells are strings (empty = no cell). */
  row(cells: readonly string[], opts: { bold?: boolean; text?: boolean } = {}) {
    const r = String(++this.rowNumber);
    let s = `<row r="${r}">`;
    for (let i = 0; i < cells.length; i++) {
      const v = cells[i]!;
      if (v === '') continue;
      const ref = this.letters[i]! + r;
      if (!opts.text && this.o.numeric[i] && /^-?\d+(\.\d+)?$/.test(v)) s += `<c r="${ref}"><v>${v}</v></c>`;
      else {
        const space = v.charCodeAt(0) <= 32 || v.charCodeAt(v.length - 1) <= 32 ? ' xml:space="preserve"' : '';
        s += `<c r="${ref}"${opts.bold ? ' s="1"' : ''} t="inlineStr"><is><t${space}>${xmlText(v)}</t></is></c>`;
      }
    }
    this.text(s + '</row>');
  }

  /** Adds rows already written as XML (`<row r="…">` elements numbered after the rows so far). */
  raw(xml: string, rows: number) {
    this.rowNumber += rows;
    this.text(xml);
  }

  /** Waits until the output has room (call between batches of rows). */
  async flush() {
    this.pushXml();
    await this.pending;
    if (this.output.writableNeedDrain) await once(this.output, 'drain');
  }

  async end() {
    this.text('</sheetData></worksheet>');
    this.pushXml();
    await this.pending;
    await new Promise<void>((resolve, reject) => this.deflate.end((err?: Error | null) => (err ? reject(err) : resolve())));
    if (!this.deflate.readableEnded) await once(this.deflate, 'end');
    if (this.rawSize > 0xffffffff || this.compressedSize > 0xffffffff) throw new Error('The worksheet is larger than 4 GB (zip64 is not written).');
    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(this.crc >>> 0, 4);
    descriptor.writeUInt32LE(this.compressedSize, 8);
    descriptor.writeUInt32LE(this.rawSize, 12);
    this.emit(descriptor);
    this.entries.push({ name: Buffer.from('xl/worksheets/sheet1.xml'), crc: this.crc >>> 0, compressed: this.compressedSize, raw: this.rawSize, offset: this.sheetOffset, method: 8 });
    // Central directory and its end.
    const start = this.offset;
    for (const e of this.entries) {
      const h = Buffer.alloc(46);
      h.writeUInt32LE(0x02014b50, 0);
      h.writeUInt16LE(20, 4);
      h.writeUInt16LE(20, 6);
      h.writeUInt16LE(e.method === 8 ? 0x0808 : 0x0800, 8);
      h.writeUInt16LE(e.method, 10);
      h.writeUInt16LE(DOS_TIME, 12);
      h.writeUInt16LE(DOS_DATE, 14);
      h.writeUInt32LE(e.crc, 16);
      h.writeUInt32LE(e.compressed, 20);
      h.writeUInt32LE(e.raw, 24);
      h.writeUInt16LE(e.name.length, 28);
      h.writeUInt32LE(e.offset, 42);
      this.emit(Buffer.concat([h, e.name]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(this.offset - start, 12);
    end.writeUInt32LE(start, 16);
    this.emit(end);
    this.output.end();
  }

  private text(s: string) {
    this.xml.push(s);
    this.xmlLength += s.length;
    if (this.xmlLength > 1 << 16) this.pushXml();
  }

  private pushXml() {
    if (!this.xml.length) return;
    const data = Buffer.from(this.xml.join(''), 'utf8');
    this.xml = [];
    this.xmlLength = 0;
    this.crc = crc32(data, this.crc);
    this.rawSize += data.length;
    if (!this.deflate.write(data) && !this.draining) {
      this.draining = true;
      this.pending = once(this.deflate, 'drain').then(() => {
        this.draining = false;
      });
    }
  }

  private emit(b: Buffer) {
    this.offset += b.length;
    this.output.write(b);
  }

  private localHeader(name: Buffer, method: number, crc: number, compressed: number, raw: number, descriptor: boolean) {
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(descriptor ? 0x0808 : 0x0800, 6);
    h.writeUInt16LE(method, 8);
    h.writeUInt16LE(DOS_TIME, 10);
    h.writeUInt16LE(DOS_DATE, 12);
    h.writeUInt32LE(crc, 14);
    h.writeUInt32LE(compressed, 18);
    h.writeUInt32LE(raw, 22);
    h.writeUInt16LE(name.length, 26);
    return Buffer.concat([h, name]);
  }

  private stored(name: string, body: Buffer) {
    const n = Buffer.from(name);
    const crc = crc32(body) >>> 0;
    this.entries.push({ name: n, crc, compressed: body.length, raw: body.length, offset: this.offset, method: 0 });
    this.emit(this.localHeader(n, 0, crc, body.length, body.length, false));
    this.emit(body);
  }

  private parts(): [string, string][] {
    const x = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
    return [
      [
        '[Content_Types].xml',
        x +
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
          '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
          '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>',
      ],
      [
        '_rels/.rels',
        x +
          '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
      ],
      [
        'xl/workbook.xml',
        x +
          '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
          `<bookViews><workbookView/></bookViews><sheets><sheet name="${xmlAttr(this.o.sheetName)}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      ],
      [
        'xl/_rels/workbook.xml.rels',
        x +
          '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' +
          '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>',
      ],
      [
        'xl/styles.xml',
        x +
          '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
          '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>' +
          '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
          '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
          '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
          '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>' +
          '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>',
      ],
    ];
  }
}

// 1 January 2025, 00:00, in MS-DOS form (zip entries carry a date; a fixed one keeps files reproducible).
const DOS_TIME = 0;
const DOS_DATE = ((2025 - 1980) << 9) | (1 << 5) | 1;
