// Reads, in the browser, the header and the first rows of a file about to be imported, without
// uploading it: to start a mapping from its columns, to collect the values of a column for a
// value map, and to check a file against a mapping before sending it.
//  - CSV (UTF-8, with or without BOM; delimiter , ; tab or | found from the header line, as
//    the server does; quoted cells may hold delimiters, quotes and line breaks). Only the first
//    megabyte is read.
//  - XLSX: the zip is read from its central directory and only the first worksheet and the
//    shared strings are inflated (DecompressionStream), and only until enough rows are read, so
//    a large workbook is not loaded whole.
// As on the server, the header is the first non-blank row, and an HXL hashtag row right after
// it is skipped.

export interface FileSample {
  kind: 'csv' | 'xlsx';
  header: string[];
  rows: Record<string, string>[];
  /** CSV: the delimiter found. */
  delimiter?: string;
  /** CSV: the bytes were not valid UTF-8 (the server will refuse the file). */
  notUtf8?: boolean;
  /** An HXL hashtag row was found after the header (and skipped). */
  hxl?: boolean;
  /** The HXL row's tags, per column, when there is one. */
  hxlTags?: string[];
  /** Columns named twice (the server refuses such a file). */
  duplicates: string[];
}

export class SampleError extends Error {
  constructor(readonly code: 'empty' | 'xlsx' | 'type', message: string) {
    super(message);
  }
}

const HXL_CELL = /^#[A-Za-z][A-Za-z0-9_]*(\s*\+\s*[A-Za-z][A-Za-z0-9_]*)*$/;
const isHxlRow = (cells: string[]) => cells.some((c) => c.trim() !== '') && cells.every((c) => c.trim() === '' || HXL_CELL.test(c.trim()));

function finish(kind: 'csv' | 'xlsx', table: string[][], maxRows: number, extra: Partial<FileSample> = {}): FileSample {
  const start = table.findIndex((r) => r.some((c) => c.trim() !== ''));
  if (start < 0) throw new SampleError('empty', 'empty');
  const header = table[start]!.map((h) => h.trim());
  let body = table.slice(start + 1);
  let hxl = false;
  let hxlTags: string[] | undefined;
  if (body[0] && isHxlRow(body[0])) {
    hxl = true;
    hxlTags = header.map((_, i) => (body[0]![i] ?? '').trim());
    body = body.slice(1);
  }
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const h of header) {
    if (h !== '' && seen.has(h)) duplicates.add(h);
    seen.add(h);
  }
  const rows = body
    .filter((r) => r.some((c) => c.trim() !== ''))
    .slice(0, maxRows)
    .map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
  return { kind, header, rows, hxl, hxlTags, duplicates: [...duplicates], ...extra };
}

// ---------------------------------------------------------------------------
// CSV

export function detectDelimiter(firstLine: string): string {
  let best = ',';
  let bestCount = 0;
  for (const d of [',', ';', '\t', '|']) {
    let count = 0;
    let quoted = false;
    for (const ch of firstLine) {
      if (ch === '"') quoted = !quoted;
      else if (!quoted && ch === d) count++;
    }
    if (count > bestCount) (best = d), (bestCount = count);
  }
  return best;
}

/** Parses CSV text into rows (RFC 4180 quoting). With `complete` false, the last row (maybe cut) is dropped. */
export function parseCsv(text: string, delimiter: string, maxRows: number, complete: boolean): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else cell += ch;
      i++;
      continue;
    }
    if (ch === '"' && cell === '') quoted = true;
    else if (ch === delimiter) {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      row.push(cell);
      cell = '';
      rows.push(row);
      row = [];
      if (ch === '\r' && text[i + 1] === '\n') i++;
      if (rows.length >= maxRows) return rows;
    } else cell += ch;
    i++;
  }
  if (complete && (cell !== '' || row.length)) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

const CSV_BYTES = 1024 * 1024;

async function sampleCsv(file: File, maxRows: number): Promise<FileSample> {
  const complete = file.size <= CSV_BYTES;
  const bytes = new Uint8Array(await file.slice(0, CSV_BYTES).arrayBuffer());
  let notUtf8 = false;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: !complete });
  } catch {
    // Maybe only a multi-byte character cut at the end of the slice: check without the tail.
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, Math.max(0, bytes.length - 3)), { stream: true });
      if (complete) notUtf8 = true;
    } catch {
      notUtf8 = true;
      text = new TextDecoder('utf-8').decode(bytes);
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const firstLine = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  const delimiter = detectDelimiter(firstLine);
  // Header, perhaps an HXL row, blank lines: read a few rows more than asked.
  const table = parseCsv(text, delimiter, maxRows + 20, complete);
  return finish('csv', table, maxRows, { delimiter, notUtf8 });
}

// ---------------------------------------------------------------------------
// XLSX

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  offset: number;
}

async function bytesOf(file: Blob, start: number, end: number): Promise<DataView> {
  return new DataView(await file.slice(start, end).arrayBuffer());
}

async function zipEntries(file: File): Promise<Map<string, ZipEntry>> {
  const tailSize = Math.min(file.size, 65557);
  const tail = await bytesOf(file, file.size - tailSize, file.size);
  let eocd = -1;
  for (let i = tail.byteLength - 22; i >= 0; i--) {
    if (tail.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new SampleError('xlsx', 'not a zip file');
  const count = tail.getUint16(eocd + 10, true);
  const size = tail.getUint32(eocd + 12, true);
  const offset = tail.getUint32(eocd + 16, true);
  const dir = await bytesOf(file, offset, offset + size);
  const entries = new Map<string, ZipEntry>();
  const dec = new TextDecoder();
  let p = 0;
  for (let k = 0; k < count && p + 46 <= dir.byteLength; k++) {
    if (dir.getUint32(p, true) !== 0x02014b50) break;
    const method = dir.getUint16(p + 10, true);
    const compressedSize = dir.getUint32(p + 20, true);
    const nameLen = dir.getUint16(p + 28, true);
    const extraLen = dir.getUint16(p + 30, true);
    const commentLen = dir.getUint16(p + 32, true);
    const local = dir.getUint32(p + 42, true);
    const name = dec.decode(new Uint8Array(dir.buffer, dir.byteOffset + p + 46, nameLen));
    entries.set(name, { name, method, compressedSize, offset: local });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** A zip entry's text, chunk by chunk; stop() ends the reading early. */
async function* entryText(file: File, e: ZipEntry): AsyncGenerator<string> {
  const head = await bytesOf(file, e.offset, e.offset + 30);
  if (head.getUint32(0, true) !== 0x04034b50) throw new SampleError('xlsx', 'bad zip entry');
  const start = e.offset + 30 + head.getUint16(26, true) + head.getUint16(28, true);
  let stream: ReadableStream<Uint8Array> = file.slice(start, start + e.compressedSize).stream();
  if (e.method === 8) stream = stream.pipeThrough(new DecompressionStream('deflate-raw') as unknown as TransformStream<Uint8Array, Uint8Array>);
  else if (e.method !== 0) throw new SampleError('xlsx', `zip method ${e.method}`);
  const reader = stream.pipeThrough(new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    void reader.cancel().catch(() => undefined);
  }
}

async function wholeText(file: File, e: ZipEntry | undefined): Promise<string> {
  if (!e) return '';
  let s = '';
  for await (const chunk of entryText(file, e)) s += chunk;
  return s;
}

const unescapeXml = (s: string) =>
  s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, x: string) =>
    x === 'amp' ? '&' : x === 'lt' ? '<' : x === 'gt' ? '>' : x === 'quot' ? '"' : x === 'apos' ? "'" : String.fromCodePoint(x[1] === 'x' ? parseInt(x.slice(2), 16) : parseInt(x.slice(1), 10)),
  );
/** The text of an <si> or <is> element: its <t> parts (rich-text runs), without phonetic runs. */
const textOf = (xml: string) => {
  let out = '';
  for (const m of xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, '').matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>|<t\s*\/>/g)) out += unescapeXml(m[1] ?? '');
  return out;
};
const colIndex = (ref: string) => {
  let n = 0;
  for (const ch of ref.replace(/\d+$/, '')) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
};

async function firstSheet(file: File, entries: Map<string, ZipEntry>): Promise<ZipEntry | undefined> {
  try {
    const wb = await wholeText(file, entries.get('xl/workbook.xml'));
    const rid = /<sheet\b[^>]*\br:id="([^"]+)"/.exec(wb)?.[1] ?? /<sheet\b[^>]*\bid="([^"]+)"/.exec(wb)?.[1];
    const rels = await wholeText(file, entries.get('xl/_rels/workbook.xml.rels'));
    if (rid) {
      for (const m of rels.matchAll(/<Relationship\b[^>]*>/g)) {
        if (new RegExp(`\\bId="${rid}"`).test(m[0])) {
          const target = /\bTarget="([^"]+)"/.exec(m[0])?.[1];
          if (target) {
            const path = target.startsWith('/') ? target.slice(1) : `xl/${target}`;
            if (entries.has(path)) return entries.get(path);
          }
        }
      }
    }
  } catch {
    /* fall back below */
  }
  return entries.get('xl/worksheets/sheet1.xml') ?? [...entries.values()].find((e) => /^xl\/worksheets\/[^/]+\.xml$/.test(e.name));
}

async function sampleXlsx(file: File, maxRows: number): Promise<FileSample> {
  if (typeof DecompressionStream === 'undefined') throw new SampleError('xlsx', 'DecompressionStream is not available');
  const entries = await zipEntries(file);
  const sheet = await firstSheet(file, entries);
  if (!sheet) throw new SampleError('xlsx', 'no worksheet');
  // Cells of the first rows: [column index, type, raw value].
  type Cell = [number, string, string];
  const rawRows: Cell[][] = [];
  let buf = '';
  const want = maxRows + 20;
  outer: for await (const chunk of entryText(file, sheet)) {
    buf += chunk;
    for (;;) {
      const start = buf.search(/<row\b/);
      if (start < 0) {
        buf = buf.slice(-5); // maybe "<ro" cut between chunks
        break;
      }
      const tagEnd = buf.indexOf('>', start);
      if (tagEnd < 0) break;
      if (buf[tagEnd - 1] === '/') {
        rawRows.push([]);
        buf = buf.slice(tagEnd + 1);
        continue;
      }
      const end = buf.indexOf('</row>', tagEnd);
      if (end < 0) break;
      const rowXml = buf.slice(tagEnd + 1, end);
      buf = buf.slice(end + 6);
      const cells: Cell[] = [];
      let next = 0;
      for (const m of rowXml.matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
        const attrs = m[1] ?? '';
        const ref = /\br="([A-Z]+)\d*"/.exec(attrs)?.[1];
        const col = ref ? colIndex(ref) : next;
        next = col + 1;
        const type = /\bt="([^"]+)"/.exec(attrs)?.[1] ?? 'n';
        const inner = m[2] ?? '';
        const value = type === 'inlineStr' ? textOf(inner) : unescapeXml(/<v>([\s\S]*?)<\/v>/.exec(inner)?.[1] ?? '');
        cells.push([col, type, value]);
      }
      rawRows.push(cells);
      if (rawRows.length >= want) break outer;
    }
  }
  // Shared strings, only as far as the rows read need them.
  const needed = Math.max(-1, ...rawRows.flat().filter((c) => c[1] === 's').map((c) => Number(c[2])));
  const shared: string[] = [];
  const sst = entries.get('xl/sharedStrings.xml');
  if (needed >= 0 && sst) {
    let sbuf = '';
    outer2: for await (const chunk of entryText(file, sst)) {
      sbuf += chunk;
      let end: number;
      while ((end = sbuf.indexOf('</si>')) >= 0) {
        const start = sbuf.indexOf('<si');
        shared.push(textOf(sbuf.slice(start, end)));
        sbuf = sbuf.slice(end + 5);
        if (shared.length > needed) break outer2;
      }
    }
  }
  const table = rawRows.map((cells) => {
    const row: string[] = [];
    for (const [col, type, v] of cells) {
      while (row.length < col) row.push('');
      row[col] = type === 's' ? (shared[Number(v)] ?? '') : type === 'b' ? (v === '1' ? 'true' : 'false') : v;
    }
    return row;
  });
  return finish('xlsx', table, maxRows);
}

/** The header and up to `maxRows` first data rows of a CSV or XLSX file. */
export async function sampleFile(file: File, maxRows = 200): Promise<FileSample> {
  if (/\.xlsx$/i.test(file.name)) {
    try {
      return await sampleXlsx(file, maxRows);
    } catch (e) {
      if (e instanceof SampleError) throw e;
      throw new SampleError('xlsx', String((e as Error)?.message ?? e));
    }
  }
  if (!/\.(csv|txt)$/i.test(file.name)) throw new SampleError('type', file.name);
  return sampleCsv(file, maxRows);
}
