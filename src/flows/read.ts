// Streaming readers for FMR source files (CSV and XLSX). Each yields one
// { rowNumber, values } per data row with constant memory, whatever the file size.
//
// rowNumber is the row number a spreadsheet user sees for that row: the header is row 1,
// an HXL hashtag row (if any) row 2, and blank rows are counted but not yielded. For CSV,
// a quoted cell containing line breaks is still one row (as in Excel).

/// <reference path="./unzipper.d.ts" />
import { createReadStream } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { pipeline, Readable, Transform, type TransformCallback } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import unzipper from 'unzipper';
import { isoFromDateUtc } from '../platform/calendar.ts';

export interface SourceRow {
  rowNumber: number;
  values: Record<string, string>;
  /** A cell starts with an apostrophe (perhaps one Marz's exports add before a formula-like value: see unneutraliseCell). */
  apostrophe?: boolean;
}

export type ReadErrorCode = 'encoding' | 'empty' | 'header' | 'csv' | 'xlsx';

/** A problem with the whole file (as opposed to a row), with a stable code. */
export class ReadError extends Error {
  readonly code: ReadErrorCode;
  /** Byte offset of the first bad byte (encoding errors). */
  readonly offset?: number;
  /** Row (CSV record / sheet row) where the problem was found, when known. */
  readonly rowNumber?: number;
  constructor(code: ReadErrorCode, message: string, extra: { offset?: number; rowNumber?: number; cause?: unknown } = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'ReadError';
    this.code = code;
    this.offset = extra.offset;
    this.rowNumber = extra.rowNumber;
  }
}

export interface HeaderInfo {
  /** Column names as found (trimmed; BOM removed). */
  columns: string[];
  /** HXL hashtags per column when an HXL row was found (and skipped), else null. */
  hxl: string[] | null;
  /** Whether the file started with a UTF-8 byte order mark (CSV only). */
  bom: boolean;
  /** The delimiter used (CSV only). */
  delimiter?: string;
  /** Sheet name (XLSX only). */
  sheet?: string;
}

export interface ReadOptions {
  /** Called once, before the first row, with the header. */
  onHeader?: (header: HeaderInfo) => void;
}

export interface CsvReadOptions extends ReadOptions {
  /** Field delimiter, or `auto` (default) to pick among , ; tab and | from the header line. */
  delimiter?: string | 'auto';
}

export type Input = string | Readable | AsyncIterable<Uint8Array>;

function toReadable(input: Input): Readable {
  if (typeof input === 'string') return createReadStream(input);
  if (input instanceof Readable) return input;
  return Readable.from(input, { objectMode: false });
}

/** A cell that starts an HXL hashtag row: `#tag` optionally followed by `+attribute`s. */
const HXL_CELL = /^#[A-Za-z][A-Za-z0-9_]*(\s*\+\s*[A-Za-z][A-Za-z0-9_]*)*$/;

/** True when a row looks like an HXL hashtag row: every non-empty cell is a hashtag, and there is one. */
export function isHxlRow(cells: readonly string[]): boolean {
  let seen = false;
  for (const c of cells) {
    const t = c.trim();
    if (t === '') continue;
    if (!HXL_CELL.test(t)) return false;
    seen = true;
  }
  return seen;
}

// ---------------------------------------------------------------------------
// UTF-8 checking

/**
 * Offset of the first byte that makes `buf` invalid UTF-8, or -1. An incomplete sequence at
 * the very end is not an error here unless `final` is set (the caller carries it over).
 */
export function firstInvalidUtf8(buf: Uint8Array, final = true): number {
  const n = buf.length;
  let i = 0;
  while (i < n) {
    const b = buf[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number, min: number, max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1, min = 0x80;
    else if (b === 0xe0) need = 2, min = 0xa0;
    else if (b >= 0xe1 && b <= 0xef) need = 2, min = 0x80, max = b === 0xed ? 0x9f : 0xbf;
    else if (b === 0xf0) need = 3, min = 0x90;
    else if (b >= 0xf1 && b <= 0xf3) need = 3, min = 0x80;
    else if (b === 0xf4) need = 3, min = 0x80, max = 0x8f;
    else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return final ? i : -1;
      const c = buf[i + k]!;
      if (k === 1 ? c < min || c > max : c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** Number of bytes at the end of `buf` that start an incomplete multi-byte sequence (0–3). */
function incompleteTail(buf: Uint8Array): number {
  const n = buf.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = buf[n - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    if (b < 0x80) return 0;
    const len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return len > back ? back : 0;
  }
  return 0;
}

/**
 * Passes bytes through unchanged after checking they are valid UTF-8; strips a leading BOM.
 * Fails with ReadError('encoding') naming the offset of the first bad byte.
 */
class Utf8Guard extends Transform {
  private offset = 0; // bytes of the input already passed on (before `carry`)
  private carry: Buffer = Buffer.alloc(0);
  private started = false;
  private line = 1;
  bom = false;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    if (!this.started) {
      if (buf.length < 3 && buf.length > 0 && Buffer.from([0xef, 0xbb, 0xbf]).subarray(0, buf.length).equals(buf)) {
        this.carry = buf; // maybe a BOM split across chunks: wait for more
        return done();
      }
      this.started = true;
      if (buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))) {
        return done(new ReadError('encoding', 'The file is UTF-16 (Excel "Unicode text"). Save it as "CSV UTF-8 (comma delimited)" and import again.', { offset: 0 }));
      }
      if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
        this.bom = true;
        buf = buf.subarray(3);
        this.offset = 3;
      }
    }
    const tail = incompleteTail(buf);
    const body = tail ? buf.subarray(0, buf.length - tail) : buf;
    if (!isUtf8(body)) {
      const at = firstInvalidUtf8(body, true);
      return done(this.encodingError(body, at));
    }
    this.carry = tail ? Buffer.from(buf.subarray(buf.length - tail)) : Buffer.alloc(0);
    this.countLines(body, body.length);
    this.offset += body.length;
    done(null, body);
  }

  override _flush(done: TransformCallback): void {
    if (this.carry.length) {
      if (!this.started) {
        // A tiny file that is only (part of) a BOM.
        this.started = true;
        const isBomPrefix = Buffer.from([0xef, 0xbb, 0xbf]).subarray(0, this.carry.length).equals(this.carry);
        if (isBomPrefix && this.carry.length === 3) return done();
      }
      return done(this.encodingError(this.carry, 0));
    }
    done();
  }

  private countLines(buf: Uint8Array, end: number): void {
    const b = Buffer.from(buf.buffer, buf.byteOffset, end);
    for (let i = b.indexOf(0x0a); i >= 0; i = b.indexOf(0x0a, i + 1)) this.line++;
  }

  private encodingError(buf: Uint8Array, at: number): ReadError {
    this.countLines(buf, at);
    const offset = this.offset + at;
    const byte = buf[at]!;
    const hex = '0x' + byte.toString(16).toUpperCase().padStart(2, '0');
    return new ReadError(
      'encoding',
      `The file is not valid UTF-8: byte ${hex} at offset ${offset} (line ${this.line}). ` +
        'It was probably saved as Windows-1256 (Arabic/Persian Windows) or another legacy encoding. ' +
        'In Excel choose "Save as → CSV UTF-8", or convert the file to UTF-8, and import again.',
      { offset },
    );
  }
}

// ---------------------------------------------------------------------------
// CSV

function detectDelimiter(firstLine: string): string {
  const candidates = [',', ';', '\t', '|'];
  let best = ',', bestCount = 0;
  for (const d of candidates) {
    let count = 0, quoted = false;
    for (const ch of firstLine) {
      if (ch === '"') quoted = !quoted;
      else if (!quoted && ch === d) count++;
    }
    if (count > bestCount) (best = d), (bestCount = count);
  }
  return best;
}

/**
 * Reads a CSV file (path, stream or async iterable of bytes) that must be UTF-8, with or
 * without a BOM. The first row is the header; an HXL hashtag row right after it is skipped.
 * Values are strings, untrimmed except for header names. Throws ReadError for file-level
 * problems (encoding, empty file, bad header, malformed CSV).
 */
export async function* readCsv(input: Input, options: CsvReadOptions = {}): AsyncGenerator<SourceRow> {
  for await (const rows of readCsvBatches(input, options)) yield* rows;
}

/**
 * The rows of readCsv, a chunk of the file at a time (a few hundred rows): the same rows,
 * row numbers, header callback and errors, with less per-row overhead for bulk imports.
 */
export async function* readCsvBatches(input: Input, options: CsvReadOptions = {}): AsyncGenerator<SourceRow[]> {
  const guard = new Utf8Guard();
  const auto = !options.delimiter || options.delimiter === 'auto';
  let delimiter = auto ? ',' : options.delimiter!;
  // bytes → UTF-8 check (guard) → CSV parser, with backpressure all along.
  const checked = pipeline(toReadable(input), guard, () => {});

  let header: string[] | null = null;
  let rowNumber = 0;
  let hxlChecked = false;
  const batches = parseRecords(checked, (firstLine) => {
    if (auto) delimiter = detectDelimiter(firstLine);
    return delimiter;
  });
  try {
    for await (const records of batches) {
      const out: SourceRow[] = [];
      for (const record of records) {
        rowNumber++;
        if (header === null) {
          header = record.map((h) => h.replace(/^\uFEFF/, '').trim());
          if (header.every((h) => h === '')) throw new ReadError('header', 'The first row (the header) is empty.', { rowNumber });
          const seen = new Set<string>();
          for (const h of header) {
            if (h !== '' && seen.has(h)) throw new ReadError('header', `Column "${h}" appears twice in the header.`, { rowNumber });
            seen.add(h);
          }
          continue;
        }
        if (!hxlChecked) {
          hxlChecked = true;
          const hxl = isHxlRow(record) ? header.map((_, i) => (record[i] ?? '').trim()) : null;
          options.onHeader?.({ columns: header, hxl, bom: guard.bom, delimiter });
          if (hxl) continue;
        }
        if (isBlankRecord(record)) continue;
        const row: SourceRow = { rowNumber, values: toValues(header, record) };
        if (startsWithApostrophe(record)) row.apostrophe = true;
        out.push(row);
      }
      if (out.length) yield out;
    }
  } catch (err) {
    if (err instanceof ReadError) throw err;
    // The parser's message names the physical line (e.g. "Quote Not Closed … at line 2").
    throw new ReadError('csv', `Malformed CSV: ${(err as Error).message ?? String(err)}`, { cause: err });
  }
  if (header === null) throw new ReadError('empty', 'The file is empty: no header row.');
  if (!hxlChecked) options.onHeader?.({ columns: header, hxl: null, bom: guard.bom, delimiter });
}

function startsWithApostrophe(record: readonly string[]): boolean {
  for (const c of record) if (c.charCodeAt(0) === 39) return true;
  return false;
}

function isBlankRecord(record: readonly string[]): boolean {
  for (const c of record) if (c !== '' && c.trim() !== '') return false;
  return true;
}

/**
 * Feeds bytes to the CSV parser and yields its records, a chunk at a time. The first line is
 * looked at (then put back) before the parser is built, so that the delimiter can be detected.
 * Single-character delimiters (, ; tab |) use Marz's own parser (CsvParser below, several
 * times faster); anything else goes through csv-parse.
 */
async function* parseRecords(bytes: Readable, chooseDelimiter: (firstLine: string) => string): AsyncGenerator<string[][]> {
  const head = await peekFirstLine(bytes);
  if (head === null) return;
  const delimiter = chooseDelimiter(head);
  if (delimiter.length === 1 && delimiter !== '"' && delimiter !== '\r' && delimiter !== '\n') {
    const parser = new CsvParser(delimiter);
    for await (const chunk of bytes as AsyncIterable<Buffer>) {
      const records = parser.push(chunk.toString('utf8'));
      if (records.length) yield records;
    }
    const last = parser.end();
    if (last.length) yield last;
    return;
  }
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: false, delimiter });
  pipeline(bytes, parser, () => {});
  try {
    for await (const rec of parser as AsyncIterable<string[]>) yield [rec];
  } finally {
    if (!parser.destroyed) parser.destroy();
  }
}

const QUOTE = 34, LF = 10, CR = 13;
/**
 * The largest cell Marz reads, in characters: Excel's own limit for a cell (32,767). The CSV
 * parser keeps at most one character more of a longer cell (the rest is dropped as it arrives,
 * so memory stays bounded), and the importer refuses such a row with `cell_too_large` naming the
 * row and column (see tooLongOrNul).
 */
export const MAX_CELL = 32_767;
/** A record holding more than this many characters of cells is refused (a runaway file). */
const MAX_RECORD = 64 * 1024 * 1024;

/**
 * The first cell of a row that is too long (longer than MAX_CELL) or holds a NUL character,
 * as [column, problem], or null. Such cells cannot be stored (PostgreSQL text holds no NUL).
 */
export function tooLongOrNul(values: Record<string, string>): [string, 'cell_too_large' | 'nul_byte'] | null {
  for (const k in values) {
    const v = values[k]!;
    if (v.length > MAX_CELL) return [k, 'cell_too_large'];
    if (v.includes('\0')) return [k, 'nul_byte'];
  }
  return null;
}

/**
 * An incremental RFC 4180 CSV parser for text arriving in chunks, with csv-parse's rules as
 * Marz used them (relax_column_count, skip_empty_lines off): records end at the first kind of
 * line break found in the file (\r\n, \n or \r); a field is quoted only if it starts with a
 * quote, "" inside it is a quote, and a quoted field may span lines; a quote inside an unquoted
 * field, or anything but a delimiter or line break after a closing quote, is an error, as is a
 * quote still open at the end. An empty line is a record of one empty field.
 */
export class CsvParser {
  private buf = '';
  /** Scan position in buf. */
  private pos = 0;
  /** Start of the current field in buf. */
  private fieldStart = 0;
  private fields: string[] = [];
  /** The current field started with a quote … */
  private quoted = false;
  /** … and its closing quote has not been seen yet. */
  private inQuotes = false;
  /** Text of the quoted field up to segStart (its "" already made single), at most MAX_CELL + 1 characters. */
  private value = '';
  /**
   * Text of the unquoted field before fieldStart (taken out of the buffer at the end of a chunk),
   * at most MAX_CELL + 1 characters. Moving a long field's text out of the buffer at each chunk
   * keeps parsing linear: keeping it in the buffer made every chunk copy (flatten) the whole
   * field so far, which was quadratic in the cell's length (a 30 MB cell took 27 s).
   */
  private partial = '';
  /** Characters of cells in the current record so far (for MAX_RECORD). */
  private recordChars = 0;
  private segStart = 0;
  /** The record delimiter once known: '\n', '\r\n' or '\r'. */
  private rd: string | null = null;
  /** Physical line of the scan position, for messages. */
  private line = 1;
  private readonly d: number;

  constructor(delimiter: string) {
    this.d = delimiter.charCodeAt(0);
  }

  /** Parses the next chunk of text; returns the records it completed. */
  push(text: string): string[][] {
    this.buf = this.pos === this.buf.length && !this.inQuotes && this.fieldStart === this.pos ? text : this.buf + text;
    return this.scan(false);
  }

  /** Ends the input; returns the last record, if any. */
  end(): string[][] {
    return this.scan(true);
  }

  private fail(message: string): never {
    throw new Error(`${message} at line ${this.line}`);
  }

  private endField(s: string, i: number) {
    const v = this.quoted ? this.value : this.partial === '' ? s.slice(this.fieldStart, i) : capped(this.partial + s.slice(this.fieldStart, i));
    this.fields.push(v);
    this.recordChars += v.length;
    if (this.recordChars > MAX_RECORD) this.fail('A row longer than 64 MB');
    this.quoted = false;
    this.value = '';
    this.partial = '';
  }

  private scan(final: boolean): string[][] {
    const s = this.buf;
    const n = s.length;
    const d = this.d;
    const out: string[][] = [];
    let i = this.pos;
    while (i < n) {
      if (this.inQuotes) {
        const q = s.indexOf('"', i);
        const upto = q < 0 ? n : q;
        for (let k = s.indexOf('\n', i); k >= 0 && k < upto; k = s.indexOf('\n', k + 1)) this.line++;
        if (q < 0) {
          i = n;
          break;
        }
        if (q + 1 >= n && !final) {
          i = q; // is it "" or the closing quote? Wait for the next chunk.
          break;
        }
        if (q + 1 < n && s.charCodeAt(q + 1) === QUOTE) {
          this.value = capped(this.value + s.slice(this.segStart, q + 1));
          i = q + 2;
          this.segStart = i;
          continue;
        }
        this.value = capped(this.value + s.slice(this.segStart, q));
        this.inQuotes = false;
        i = q + 1;
        if (i < n) {
          const c = s.charCodeAt(i);
          if (c !== d && c !== LF && c !== CR) this.fail('Invalid Closing Quote: got another character after the closing quote');
        }
        continue;
      }
      // Outside quotes: the rest of an unquoted field, or the delimiter or line break after a closed quoted field.
      let j = i;
      if (!this.quoted) {
        if (j === this.fieldStart && this.partial === '' && s.charCodeAt(j) === QUOTE) {
          this.quoted = true;
          this.inQuotes = true;
          this.value = '';
          this.segStart = i = j + 1;
          continue;
        }
        while (j < n) {
          const c = s.charCodeAt(j);
          if (c === d || c === LF || c === CR || c === QUOTE) break;
          j++;
        }
        if (j >= n) {
          i = n;
          break;
        }
      }
      const c = s.charCodeAt(j);
      if (this.quoted && c !== d && c !== LF && c !== CR) this.fail('Invalid Closing Quote: got another character after the closing quote');
      if (c === d) {
        this.endField(s, j);
        i = this.fieldStart = j + 1;
        continue;
      }
      if (c === QUOTE) this.fail('Invalid Opening Quote: a quote is found inside a field');
      // c is \n or \r
      if (this.rd === null) {
        if (c === LF) this.rd = '\n';
        else if (j + 1 < n) this.rd = s.charCodeAt(j + 1) === LF ? '\r\n' : '\r';
        else if (final) this.rd = '\r';
        else {
          i = j; // \r at the end of the chunk: \r\n or \r? Wait.
          break;
        }
      }
      let next = -1;
      if (this.rd === '\n') next = c === LF ? j + 1 : -1;
      else if (this.rd === '\r') next = c === CR ? j + 1 : -1;
      else if (c === CR) {
        if (j + 1 < n) next = s.charCodeAt(j + 1) === LF ? j + 2 : -1;
        else if (!final) {
          i = j;
          break;
        }
      }
      if (next < 0) {
        // A line break that does not end records here is part of the field.
        if (this.quoted) this.fail('Invalid Closing Quote: got another character after the closing quote');
        if (c === LF) this.line++;
        i = j + 1;
        continue;
      }
      this.endField(s, j);
      out.push(this.fields);
      this.fields = [];
      this.recordChars = 0;
      this.line++;
      i = this.fieldStart = next;
    }
    if (final) {
      if (this.inQuotes) this.fail('Quote Not Closed: the parsing is finished with an opening quote');
      if (this.fields.length || this.quoted || this.fieldStart < n || this.partial !== '') {
        this.endField(s, n);
        out.push(this.fields);
        this.fields = [];
      }
      this.recordChars = 0;
      this.buf = '';
      this.pos = this.fieldStart = this.segStart = 0;
      return out;
    }
    // Keep only what is still needed: the text scanned so far of the open field moves out of the
    // buffer (into value or partial, capped), so that the buffer never holds more than a chunk.
    if (this.inQuotes && this.segStart < i) {
      this.value = capped(this.value + s.slice(this.segStart, i));
      this.segStart = i;
    } else if (!this.inQuotes && !this.quoted && this.fieldStart < i) {
      this.partial = capped(this.partial + s.slice(this.fieldStart, i));
      this.fieldStart = i;
    }
    const keep = this.inQuotes ? Math.min(this.segStart, i) : this.quoted ? i : Math.min(this.fieldStart, i);
    this.buf = s.slice(keep);
    this.pos = i - keep;
    this.fieldStart = Math.max(0, this.fieldStart - keep);
    this.segStart = Math.max(0, this.segStart - keep);
    if (this.buf.length > MAX_RECORD) this.fail('Quote Not Closed (or a row longer than 64 MB)');
    return out;
  }
}

/** Cuts a cell's text to MAX_CELL + 1 characters (enough to tell that it is too long). */
const capped = (s: string) => (s.length > MAX_CELL + 1 ? s.slice(0, MAX_CELL + 1) : s);

/** Reads up to the first line break (or 1 MiB), puts the bytes back, returns the line; null if empty. */
async function peekFirstLine(stream: Readable): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const chunk = stream.read() as Buffer | null;
    if (chunk !== null) {
      chunks.push(chunk);
      size += chunk.length;
      if (chunk.includes(0x0a) || size > 1 << 20) break;
      continue;
    }
    if (stream.readableEnded) break;
    const ended = await new Promise<boolean>((resolve, reject) => {
      const done = (value: boolean) => {
        stream.off('readable', onReadable).off('end', onEnd).off('error', onError).off('close', onEnd);
        resolve(value);
      };
      const onReadable = () => done(false);
      const onEnd = () => done(true);
      const onError = (err: Error) => {
        stream.off('readable', onReadable).off('end', onEnd).off('close', onEnd);
        reject(err);
      };
      stream.on('readable', onReadable).on('end', onEnd).on('error', onError).on('close', onEnd);
    });
    if (ended) {
      if (stream.errored) throw stream.errored;
      break;
    }
  }
  const buf = Buffer.concat(chunks);
  if (buf.length === 0) return null;
  stream.unshift(buf);
  const nl = buf.indexOf(0x0a);
  return buf.subarray(0, nl >= 0 ? nl : buf.length).toString('utf8');
}

function toValues(header: readonly string[], record: readonly string[]): Record<string, string> {
  let make = factories.get(header);
  if (!make) factories.set(header, (make = rowFactory(header)));
  const values = make(record);
  // Cells beyond the header are kept under positional names when they hold something.
  for (let i = header.length; i < record.length; i++) {
    if (record[i]!.trim() !== '') values[`_col${i + 1}`] = record[i]!;
  }
  return values;
}

const factories = new WeakMap<readonly string[], (record: readonly string[]) => Record<string, string>>();

/**
 * A function making the values object of a record for this header, compiled once per file: an
 * object literal with the header's names (one hidden class for all rows) instead of one keyed
 * store per cell. Names are embedded with JSON.stringify; `__proto__` becomes an own property.
 */
function rowFactory(header: readonly string[]): (record: readonly string[]) => Record<string, string> {
  const props = header
    .map((h, i) => (h === '' ? null : `${h === '__proto__' ? '["__proto__"]' : JSON.stringify(h)}: r[${i}] ?? ''`))
    .filter((x) => x !== null);
  return new Function('r', `return { ${props.join(', ')} };`) as (record: readonly string[]) => Record<string, string>;
}

// ---------------------------------------------------------------------------
// XLSX

type CellValue = ExcelJS.CellValue;

const pad2 = (n: number) => (n < 10 ? '0' : '') + n;

/** Converts an exceljs cell value to the string a person would type for it. */
export function cellToString(v: CellValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 1e10) / 1e10);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return '';
    const t = v.getTime();
    const hasTime = v.getUTCHours() !== 0 || v.getUTCMinutes() !== 0 || v.getUTCSeconds() !== 0;
    // A time-only cell is a date in the first days of Excel's epoch (serial < 1).
    if (t < Date.UTC(1900, 0, 1) && t >= Date.UTC(1899, 11, 30)) return pad2(v.getUTCHours()) + ':' + pad2(v.getUTCMinutes());
    return hasTime ? isoFromDateUtc(v) + ' ' + pad2(v.getUTCHours()) + ':' + pad2(v.getUTCMinutes()) : isoFromDateUtc(v);
  }
  if (typeof v === 'object') {
    if ('richText' in v && Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if ('formula' in v || 'sharedFormula' in v) return cellToString((v as { result?: CellValue }).result);
    if ('text' in v && 'hyperlink' in v) return String(v.text);
    if ('error' in v) return '';
  }
  return String(v);
}

/**
 * Reads the first worksheet of an .xlsx file with exceljs's streaming reader. Date-formatted
 * cells become ISO dates (YYYY-MM-DD, or YYYY-MM-DD HH:MM when they carry a time; time-only
 * cells HH:MM), numbers become plain decimal strings, formulas their cached result.
 */
export async function* readXlsx(input: string | Readable, options: ReadOptions = {}): AsyncGenerator<SourceRow> {
  const stream = typeof input === 'string' ? createReadStream(input) : input;
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(stream, {
    sharedStrings: 'cache',
    styles: 'cache', // needed to recognise date-formatted numbers
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  let header: string[] | null = null;
  let hxlChecked = false;
  let sheetName = '';
  let lastRow = 0;
  try {
    for await (const sheet of reader) {
      sheetName = (sheet as unknown as { name?: string }).name ?? '';
      for await (const row of sheet) {
        lastRow = row.number;
        const cells = rowCells(row);
        if (header === null) {
          if (cells.every((c) => c.trim() === '')) continue;
          header = cells.map((h) => h.trim());
          const seen = new Set<string>();
          for (const h of header) {
            if (h !== '' && seen.has(h)) throw new ReadError('header', `Column "${h}" appears twice in the header.`, { rowNumber: row.number });
            seen.add(h);
          }
          continue;
        }
        if (!hxlChecked) {
          hxlChecked = true;
          const hxl = isHxlRow(cells) ? header.map((_, i) => (cells[i] ?? '').trim()) : null;
          options.onHeader?.({ columns: header, hxl, bom: false, sheet: sheetName });
          if (hxl) continue;
        }
        if (cells.every((c) => c.trim() === '')) continue;
        yield { rowNumber: row.number, values: toValues(header, cells) };
      }
      break; // first worksheet only
    }
  } catch (err) {
    if (err instanceof ReadError) throw err;
    // Name the sheet and the row (and cell, when the message has one) where reading stopped.
    const where = lastRow ? ` (sheet "${sheetName || '1'}", after row ${lastRow})` : sheetName ? ` (sheet "${sheetName}")` : '';
    throw new ReadError('xlsx', `Cannot read the workbook${where}: ${(err as Error).message}`, { cause: err, rowNumber: lastRow ? lastRow + 1 : undefined });
  } finally {
    stream.destroy();
  }
  if (header === null) throw new ReadError('empty', 'The first worksheet is empty: no header row.');
  if (!hxlChecked) options.onHeader?.({ columns: header, hxl: null, bom: false, sheet: sheetName });
}

function rowCells(row: ExcelJS.Row): string[] {
  // row.values is 1-based and sparse.
  const values = row.values as CellValue[];
  const out: string[] = [];
  for (let i = 1; i < values.length; i++) out.push(cellToString(values[i]));
  return out;
}

/** A workbook part may expand at most this many times its compressed size … */
export const XLSX_MAX_RATIO = 200;
/** … once it is larger than this (small parts compress as they like). */
const XLSX_RATIO_FROM = 16 * 1024 * 1024;

/**
 * Checks an .xlsx file's zip directory before it is read: a part that expands more than
 * XLSX_MAX_RATIO times (a single huge cell, or a zip bomb — a 65 KB workbook holding a 60 MB
 * cell expands 900 times) is refused with ReadError('xlsx') naming the part, since the
 * spreadsheet reader would hold it in memory. Ordinary workbooks expand 5 to 30 times.
 */
export async function checkXlsxExpansion(path: string): Promise<void> {
  let dir;
  try {
    dir = await unzipper.Open.file(path);
  } catch (err) {
    throw new ReadError('xlsx', `Cannot read the workbook: ${(err as Error).message}`, { cause: err });
  }
  for (const f of dir.files) {
    if (f.type !== 'File' || f.uncompressedSize <= XLSX_RATIO_FROM) continue;
    const ratio = f.uncompressedSize / Math.max(1, f.compressedSize);
    if (ratio > XLSX_MAX_RATIO) {
      const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
      throw new ReadError('xlsx', `The workbook's part ${f.path} expands from ${mb(f.compressedSize)} MB to ${mb(f.uncompressedSize)} MB (${Math.round(ratio)} times); Marz refuses workbooks that expand more than ${XLSX_MAX_RATIO} times (a huge cell or a zip bomb).`);
    }
  }
}

/** Picks the reader from the file name: .xlsx → readXlsx, anything else → readCsv. */
export function readRows(path: string, options: CsvReadOptions = {}): AsyncGenerator<SourceRow> {
  return /\.xlsx$/i.test(path) ? readXlsx(path, options) : readCsv(path, options);
}
