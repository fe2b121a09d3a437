// Streaming exports of records and daily aggregates, as CSV (UTF-8 with BOM, optional HXL tag
// row) or XLSX (right-to-left sheet in Persian). Rows are read through a server-side cursor, a
// batch at a time, so memory stays flat whatever the size.
import { Readable, PassThrough } from 'node:stream';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import type { Database } from '../platform/db/database.ts';
import { formatJalali } from '../platform/calendar.ts';
import { fmrHeader, fmrHxlRow, fmrLabels, fmrRecordToRow } from './format.ts';
import { filterSql, type FlowFilters } from './summary.ts';
import { STORED_SELECT } from './store.ts';

export interface ExportOptions {
  format: 'csv' | 'xlsx';
  hxl: boolean;
  lang: 'en' | 'fa';
  filters: FlowFilters;
}

const FETCH = 10_000;

/** Rows of a query, a batch at a time, in one read-only transaction with a cursor. */
async function* cursor(db: Database, sql: string, params: unknown[]): AsyncGenerator<any[]> {
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(`DECLARE export_cursor NO SCROLL CURSOR FOR ${sql}`, params);
    for (;;) {
      const { rows } = await client.query(`FETCH ${FETCH} FROM export_cursor`);
      if (!rows.length) break;
      yield rows;
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}

interface Table {
  header: string[];
  labels: string[];
  hxl: string[];
  batches: AsyncGenerator<string[][]>;
}

function recordsTable(db: Database, o: ExportOptions): Table {
  const params: unknown[] = [];
  const where = filterSql(o.filters, params, { from: o.filters.from, to: o.filters.to, dayColumn: 'observed_on' });
  const sql = `SELECT ${STORED_SELECT} FROM fmr_records WHERE ${where} ORDER BY observed_on, fmp_code, id`;
  const header = [...fmrHeader('all'), 'status'];
  const display = o.lang === 'fa';
  async function* batches() {
    for await (const rows of cursor(db, sql, params)) {
      yield rows.map((r) => {
        const row = fmrRecordToRow(r, display ? { calendar: 'jalali' } : {});
        return [...header.slice(0, -1).map((k) => row[k] ?? ''), r.status];
      });
    }
  }
  return { header, labels: [...fmrLabels(o.lang, 'all'), o.lang === 'fa' ? 'وضعیت بازبینی' : 'Review status'], hxl: [...fmrHxlRow('all'), '#status+review'], batches: batches() };
}

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
      yield rows.map((r) => DAILY_COLUMNS.map(([k]) => (k === 'date' && o.lang === 'fa' ? formatJalali(r.date, { digits: 'latn' }) : String(r[k]))));
    }
  }
  return { header: DAILY_COLUMNS.map((c) => c[0]), labels: DAILY_COLUMNS.map((c) => (o.lang === 'fa' ? c[3] : c[2])), hxl: DAILY_COLUMNS.map((c) => c[1]), batches: batches() };
}

/** The export as a byte stream; `what` is the records or their daily aggregates. */
export function exportFlows(db: Database, what: 'records' | 'daily', o: ExportOptions): Readable {
  const table = what === 'records' ? recordsTable(db, o) : dailyTable(db, o);
  // Canonical column names head the file (so it imports back as is); Persian files put the
  // Persian labels first for people, and the canonical names are kept in the HXL row's place.
  const headerRow = o.lang === 'fa' ? table.labels : table.header;
  return o.format === 'csv' ? csvStream(table, headerRow, o.hxl) : xlsxStream(table, headerRow, o);
}

function csvStream(table: Table, headerRow: string[], hxl: boolean): Readable {
  const out = stringify({ bom: true, record_delimiter: '\r\n' });
  (async () => {
    const write = (row: string[]) => (out.write(row) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
    try {
      await write(headerRow);
      if (hxl) await write(table.hxl);
      for await (const batch of table.batches) for (const row of batch) await write(row);
      out.end();
    } catch (e) {
      out.destroy(e as Error);
    }
  })();
  return out;
}

function xlsxStream(table: Table, headerRow: string[], o: ExportOptions): Readable {
  const out = new PassThrough();
  (async () => {
    try {
      const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
      const ws = wb.addWorksheet(o.lang === 'fa' ? 'جریان‌ها' : 'Flows', { views: [{ rightToLeft: o.lang === 'fa', state: 'frozen', ySplit: o.hxl ? 2 : 1 }] });
      const head = ws.addRow(headerRow);
      head.font = { bold: true };
      head.commit();
      if (o.hxl) ws.addRow(table.hxl).commit();
      const numeric = new Set(['men', 'women', 'boys', 'girls', 'groups', 'individuals', 'uasc', 'pregnant_lactating', 'elderly', 'disabled', 'medical']);
      const isNumeric = table.header.map((h) => numeric.has(h));
      for await (const batch of table.batches) {
        for (const row of batch) ws.addRow(row.map((v, i) => (isNumeric[i] && v !== '' ? Number(v) : v))).commit();
        // let the writer flush to the stream between batches
        if (out.writableNeedDrain) await new Promise((r) => out.once('drain', r));
      }
      ws.commit();
      await wb.commit();
    } catch (e) {
      out.destroy(e as Error);
    }
  })();
  return out;
}

