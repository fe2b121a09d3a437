// Frameworks as XLSX (import and export, round-tripping exactly to the JSON format) and the
// assessment export (a right-to-left workbook in Persian).
//
// Framework workbook: five sheets with fixed, language-neutral column names —
//   framework       key | value         (formatVersion, id, version, kind, title_en, title_fa, …)
//   sources         title | url | note
//   answer_schemes  scheme | scheme_label_en | scheme_label_fa | option | label_en | label_fa | value
//   nodes           code | parent | level | text_en | text_fa | question_en | question_fa |
//                   description_en | description_fa | note_en | note_fa | answer_scheme |
//                   provenance_status | provenance_url | provenance_note      (depth-first order)
//   links           node | framework | code | basis | note                   (node empty = the framework)
// Problems name the sheet, row, column, value and why; the assembled document is then checked
// by parseFramework, whose problems are given with the node's sheet row.
import ExcelJS from 'exceljs';
import type { AnswerScheme, Framework, FrameworkLink, FrameworkNode, LocalizedText } from './framework-schema.ts';
import { parseFramework, walkNodes } from './framework-schema.ts';
import { formatJalali, isoFromDateUtc } from '../platform/calendar.ts';
import { t, type Locale } from '../platform/i18n/messages.ts';
import type { AssessmentDocument } from './assessments.ts';

export interface XlsxProblem {
  sheet: string;
  row?: number;
  column?: string;
  value?: string;
  message: string;
}

const SHEETS = {
  framework: ['key', 'value'],
  sources: ['title', 'url', 'note'],
  answer_schemes: ['scheme', 'scheme_label_en', 'scheme_label_fa', 'option', 'label_en', 'label_fa', 'value'],
  nodes: ['code', 'parent', 'level', 'text_en', 'text_fa', 'question_en', 'question_fa', 'description_en', 'description_fa', 'note_en', 'note_fa', 'answer_scheme', 'provenance_status', 'provenance_url', 'provenance_note'],
  links: ['node', 'framework', 'code', 'basis', 'note'],
} as const;
const REQUIRED: Record<keyof typeof SHEETS, string[]> = {
  framework: ['key', 'value'],
  sources: ['title', 'url'],
  answer_schemes: ['scheme', 'option', 'label_en', 'label_fa'],
  nodes: ['code', 'parent', 'level', 'text_en', 'text_fa'],
  links: ['node', 'framework', 'code'],
};

function sheet(wb: ExcelJS.Workbook, name: keyof typeof SHEETS, rows: (string | number | undefined)[][]) {
  const ws = wb.addWorksheet(name);
  const cols = SHEETS[name];
  ws.columns = cols.map((c) => ({ header: c, key: c, width: /text|label|question|description|note|title/.test(c) ? 48 : 18 }));
  ws.getRow(1).font = { bold: true };
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  for (const r of rows) ws.addRow(r.map((v) => (v === undefined ? null : v)));
  for (const [i, c] of cols.entries()) if (/_fa$/.test(c)) ws.getColumn(i + 1).alignment = { horizontal: 'right', readingOrder: 'rtl', wrapText: true };
}

export async function frameworkToXlsx(fw: Framework): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Marz';
  const meta: [string, string | number | undefined][] = [
    ['formatVersion', fw.formatVersion],
    ['id', fw.id],
    ['version', fw.version],
    ['kind', fw.kind],
    ['title_en', fw.title.en],
    ['title_fa', fw.title.fa],
    ['description_en', fw.description?.en],
    ['description_fa', fw.description?.fa],
    ['note_en', fw.note?.en],
    ['note_fa', fw.note?.fa],
  ];
  sheet(wb, 'framework', meta.filter(([, v]) => v !== undefined));
  sheet(wb, 'sources', fw.source.map((s) => [s.title, s.url, s.note]));
  sheet(
    wb,
    'answer_schemes',
    fw.answerSchemes.flatMap((s) => s.options.map((o) => [s.id, s.label?.en, s.label?.fa, o.code, o.label.en, o.label.fa, o.value])),
  );
  const nodes: (string | undefined)[][] = [];
  const links: (string | undefined)[][] = (fw.links ?? []).map((l) => ['', l.framework, l.code, l.basis, l.note]);
  for (const { node: n, parent } of walkNodes(fw)) {
    nodes.push([
      n.code, parent?.code ?? '', n.level, n.texts.en, n.texts.fa, n.question?.en, n.question?.fa, n.description?.en, n.description?.fa,
      n.note?.en, n.note?.fa, n.answerScheme, n.provenance?.status, n.provenance?.sourceUrl, n.provenance?.note,
    ]);
    for (const l of n.links ?? []) links.push([n.code, l.framework, l.code, l.basis, l.note]);
  }
  sheet(wb, 'nodes', nodes);
  sheet(wb, 'links', links);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The text a cell holds, as a person would type it. */
export function cellText(v: ExcelJS.CellValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return isoFromDateUtc(v);
  if (typeof v === 'object') {
    if ('richText' in v && Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if ('formula' in v || 'sharedFormula' in v) return cellText((v as { result?: ExcelJS.CellValue }).result);
    if ('text' in v && 'hyperlink' in v) return String(v.text);
    if ('error' in v) return '';
  }
  return String(v);
}

interface SheetRows {
  name: string;
  rows: { row: number; get(col: string): string; raw(col: string): ExcelJS.CellValue | undefined }[];
}

function readSheet(wb: ExcelJS.Workbook, name: keyof typeof SHEETS, problems: XlsxProblem[], required: boolean): SheetRows {
  const ws = wb.getWorksheet(name);
  if (!ws) {
    if (required) problems.push({ sheet: name, message: `the workbook has no sheet "${name}" (sheets: ${wb.worksheets.map((w) => w.name).join(', ') || 'none'})` });
    return { name, rows: [] };
  }
  const header = new Map<string, number>();
  ws.getRow(1).eachCell((cell, col) => header.set(cellText(cell.value).trim(), col));
  for (const c of REQUIRED[name]) {
    if (!header.has(c)) problems.push({ sheet: name, row: 1, column: c, message: `column "${c}" is missing from the header row` });
  }
  const rows: SheetRows['rows'] = [];
  ws.eachRow((row, n) => {
    if (n === 1) return;
    const raw = (col: string) => {
      const i = header.get(col);
      return i ? row.getCell(i).value : undefined;
    };
    const get = (col: string) => cellText(raw(col));
    if (SHEETS[name].every((c) => get(c).trim() === '')) return;
    rows.push({ row: n, get, raw });
  });
  return { name, rows };
}

const opt = (s: string) => (s === '' ? undefined : s);
function texts(en: string, fa: string): LocalizedText | undefined {
  return en === '' && fa === '' ? undefined : { en, fa };
}

/**
 * Reads a framework workbook. Returns the framework (checked by parseFramework) or the list of
 * problems, each with its sheet, row and column.
 */
export async function frameworkFromXlsx(data: Buffer | Uint8Array): Promise<{ ok: true; framework: Framework } | { ok: false; problems: XlsxProblem[] }> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(data as any);
  } catch (e) {
    return { ok: false, problems: [{ sheet: '', message: `not a readable .xlsx file: ${(e as Error).message}` }] };
  }
  const problems: XlsxProblem[] = [];
  const metaSheet = readSheet(wb, 'framework', problems, true);
  const meta = new Map<string, { value: string; raw: ExcelJS.CellValue | undefined; row: number }>();
  for (const r of metaSheet.rows) meta.set(r.get('key').trim(), { value: r.get('value'), raw: r.raw('value'), row: r.row });
  const doc: Record<string, unknown> = {};
  const fv = meta.get('formatVersion');
  doc.formatVersion = fv ? (typeof fv.raw === 'number' ? fv.raw : Number(fv.value)) : undefined;
  for (const k of ['id', 'version', 'kind']) if (meta.has(k)) doc[k] = meta.get(k)!.value;
  const mt = (k: string) => meta.get(k)?.value ?? '';
  doc.title = { en: mt('title_en'), fa: mt('title_fa') };
  if (texts(mt('description_en'), mt('description_fa'))) doc.description = texts(mt('description_en'), mt('description_fa'));
  if (texts(mt('note_en'), mt('note_fa'))) doc.note = texts(mt('note_en'), mt('note_fa'));
  for (const [k, v] of meta) {
    if (!['formatVersion', 'id', 'version', 'kind', 'title_en', 'title_fa', 'description_en', 'description_fa', 'note_en', 'note_fa'].includes(k)) {
      problems.push({ sheet: 'framework', row: v.row, column: 'key', value: k, message: `unknown key "${k}"` });
    }
  }

  doc.source = readSheet(wb, 'sources', problems, true).rows.map((r) => {
    const s: Record<string, string> = { title: r.get('title'), url: r.get('url') };
    if (r.get('note')) s.note = r.get('note');
    return s;
  });

  const schemes = new Map<string, AnswerScheme>();
  for (const r of readSheet(wb, 'answer_schemes', problems, false).rows) {
    const id = r.get('scheme');
    if (!id) {
      problems.push({ sheet: 'answer_schemes', row: r.row, column: 'scheme', message: 'scheme is empty' });
      continue;
    }
    let s = schemes.get(id);
    if (!s) {
      s = { id, options: [] };
      const label = texts(r.get('scheme_label_en'), r.get('scheme_label_fa'));
      if (label) s.label = label;
      schemes.set(id, s);
    }
    const o: AnswerScheme['options'][number] = { code: r.get('option'), label: { en: r.get('label_en'), fa: r.get('label_fa') } };
    const raw = r.raw('value');
    const text = r.get('value').trim();
    if (text !== '') {
      const v = typeof raw === 'number' ? raw : Number(text);
      if (!Number.isFinite(v)) problems.push({ sheet: 'answer_schemes', row: r.row, column: 'value', value: text, message: 'value must be a number or empty' });
      else o.value = v;
    }
    s.options.push(o);
  }
  doc.answerSchemes = [...schemes.values()];

  const byCode = new Map<string, { node: FrameworkNode; row: number }>();
  const roots: FrameworkNode[] = [];
  for (const r of readSheet(wb, 'nodes', problems, true).rows) {
    const code = r.get('code').trim();
    if (!code) {
      problems.push({ sheet: 'nodes', row: r.row, column: 'code', message: 'code is empty' });
      continue;
    }
    if (byCode.has(code)) {
      problems.push({ sheet: 'nodes', row: r.row, column: 'code', value: code, message: `code "${code}" already used on row ${byCode.get(code)!.row}` });
      continue;
    }
    const node: FrameworkNode = { code, level: r.get('level') as FrameworkNode['level'], texts: { en: r.get('text_en'), fa: r.get('text_fa') } };
    const q = texts(r.get('question_en'), r.get('question_fa'));
    if (q) node.question = q;
    const d = texts(r.get('description_en'), r.get('description_fa'));
    if (d) node.description = d;
    const n = texts(r.get('note_en'), r.get('note_fa'));
    if (n) node.note = n;
    if (opt(r.get('answer_scheme'))) node.answerScheme = r.get('answer_scheme');
    if (opt(r.get('provenance_status'))) {
      node.provenance = { status: r.get('provenance_status') as 'verified' };
      if (opt(r.get('provenance_url'))) node.provenance.sourceUrl = r.get('provenance_url');
      if (opt(r.get('provenance_note'))) node.provenance.note = r.get('provenance_note');
    }
    const parent = r.get('parent').trim();
    if (parent) {
      const p = byCode.get(parent);
      if (!p) {
        problems.push({ sheet: 'nodes', row: r.row, column: 'parent', value: parent, message: `parent "${parent}" is not on an earlier row (list parents before their children)` });
        continue;
      }
      (p.node.children ??= []).push(node);
    } else roots.push(node);
    byCode.set(code, { node, row: r.row });
  }
  doc.nodes = roots;

  const frameworkLinks: FrameworkLink[] = [];
  for (const r of readSheet(wb, 'links', problems, false).rows) {
    const l: FrameworkLink = { framework: r.get('framework'), code: r.get('code') };
    if (opt(r.get('basis'))) l.basis = r.get('basis') as FrameworkLink['basis'];
    if (opt(r.get('note'))) l.note = r.get('note');
    const at = r.get('node').trim();
    if (!at) frameworkLinks.push(l);
    else {
      const target = byCode.get(at);
      if (!target) problems.push({ sheet: 'links', row: r.row, column: 'node', value: at, message: `no node "${at}" on the nodes sheet` });
      else (target.node.links ??= []).push(l);
    }
  }
  if (frameworkLinks.length) doc.links = frameworkLinks;
  if (problems.length) return { ok: false, problems };

  const parsed = parseFramework(doc);
  if (!parsed.ok) {
    return {
      ok: false,
      problems: parsed.problems.map((p) => {
        const at = p.nodeCode ? byCode.get(p.nodeCode) : undefined;
        const sheetName = at ? 'nodes' : p.path.startsWith('answerSchemes') ? 'answer_schemes' : p.path.startsWith('source') ? 'sources' : 'framework';
        return { sheet: sheetName, row: at?.row, column: p.path, message: p.message };
      }),
    };
  }
  return parsed;
}

// ---------------------------------------------------------------- assessment export

const L = (locale: Locale, key: string, params: Record<string, unknown> = {}) => t(locale, `governance.export.${key}`, params);

/** The assessment as a workbook: summary, indicators, evidence, sign-off, comments. Right-to-left in Persian. */
export async function assessmentToXlsx(doc: AssessmentDocument, locale: Locale): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Marz';
  const rtl = locale === 'fa';
  const pick = (x: { en: string; fa: string } | null | undefined) => (x ? (rtl ? x.fa || x.en : x.en || x.fa) : '');
  const date = (isoTs: string | null) => (isoTs ? (rtl ? formatJalali(isoTs.slice(0, 10)) : isoTs.slice(0, 10)) : '');
  const add = (name: string, columns: { key: string; width: number }[], rows: Record<string, unknown>[]) => {
    const ws = wb.addWorksheet(L(locale, `sheet_${name}`), { views: [{ rightToLeft: rtl, state: 'frozen', ySplit: 1 }] });
    ws.columns = columns.map((c) => ({ header: L(locale, `col_${c.key}`), key: c.key, width: c.width }));
    ws.getRow(1).font = { bold: true };
    for (const r of rows) ws.addRow(r);
    ws.eachRow((row) => row.eachCell((cell) => (cell.alignment = { wrapText: true, vertical: 'top', readingOrder: rtl ? 'rtl' : 'ltr' })));
    return ws;
  };
  const a = doc.assessment;
  const s = doc.score_1072;
  const summary: Record<string, unknown>[] = [
    { field: L(locale, 'title'), value: rtl ? a.title_fa || a.title_en : a.title_en || a.title_fa },
    { field: L(locale, 'framework'), value: `${pick(doc.framework.title)} (${doc.framework.version})` },
    { field: L(locale, 'scope'), value: L(locale, `scope_${a.scope}`) + (a.province_code ? ` — ${rtl ? a.province_fa : a.province_en}` : '') + (a.city_en || a.city_fa ? ` — ${rtl ? a.city_fa || a.city_en : a.city_en || a.city_fa}` : '') },
    { field: L(locale, 'round'), value: a.round_no },
    { field: L(locale, 'version'), value: a.version_no },
    { field: L(locale, 'status'), value: t(locale, `governance.status.${a.status}`) },
    { field: L(locale, 'published_at'), value: date(a.published_at) },
    { field: L(locale, 'indicators'), value: doc.progress.total.indicators },
    { field: L(locale, 'answered'), value: doc.progress.total.answered },
    { field: L(locale, 'with_evidence'), value: doc.progress.total.with_evidence },
  ];
  if (s.applicable && s.complete) {
    for (const [d, v] of Object.entries(s.score.domains)) summary.push({ field: `SDG 10.7.2 ${d}`, value: v.value, extra: `${v.category} — ${pick(v.label)}` });
    summary.push({ field: 'SDG 10.7.2', value: s.score.overall.value, extra: `${s.score.overall.category} — ${pick(s.score.overall.label)}` });
  } else if (s.applicable) {
    summary.push({ field: 'SDG 10.7.2', value: L(locale, 'not_scored'), extra: s.missing.join(', ') });
  }
  add('summary', [{ key: 'field', width: 30 }, { key: 'value', width: 60 }, { key: 'extra', width: 40 }], summary);
  const domainText = new Map(doc.progress.domains.map((d) => [d.code, pick(d.texts)]));
  add(
    'indicators',
    [
      { key: 'domain', width: 28 }, { key: 'code', width: 14 }, { key: 'indicator', width: 50 }, { key: 'answer', width: 24 },
      { key: 'finding', width: 60 }, { key: 'finding_other', width: 60 }, { key: 'responsible', width: 30 }, { key: 'evidence', width: 10 },
    ],
    doc.indicators.map((i) => ({
      domain: domainText.get(i.domain) ?? i.domain,
      code: i.code,
      indicator: pick(i.texts),
      answer: pick(i.answer_label) || i.answer || '',
      finding: rtl ? i.finding_fa : i.finding_en,
      finding_other: rtl ? i.finding_en : i.finding_fa,
      responsible: i.responsible_agency ? (rtl ? i.responsible_agency.name_fa : i.responsible_agency.name_en) : '',
      evidence: i.evidence.length,
    })),
  );
  add(
    'evidence',
    [{ key: 'code', width: 14 }, { key: 'kind', width: 16 }, { key: 'source', width: 50 }, { key: 'article', width: 20 }, { key: 'date', width: 14 }, { key: 'language', width: 10 }, { key: 'url', width: 40 }],
    doc.indicators.flatMap((i) =>
      i.evidence.map((e) => ({ code: i.code, kind: t(locale, `governance.evidence_kind.${e.kind}`), source: e.title, article: e.article ?? '', date: e.issued_on ? date(e.issued_on) : '', language: e.language ?? '', url: e.url ?? e.file_name ?? '' })),
    ),
  );
  add(
    'signoff',
    [{ key: 'ministry', width: 40 }, { key: 'decision', width: 20 }, { key: 'reason', width: 50 }, { key: 'by', width: 24 }, { key: 'date', width: 14 }],
    doc.ministries.map((m) => ({ ministry: rtl ? m.name_fa : m.name_en, decision: m.decision ? t(locale, `governance.decision.${m.decision}`) : L(locale, 'pending'), reason: m.reason ?? '', by: m.decided_by ?? '', date: date(m.decided_at) })),
  );
  add(
    'comments',
    [{ key: 'code', width: 14 }, { key: 'author', width: 24 }, { key: 'date', width: 14 }, { key: 'comment', width: 70 }, { key: 'resolved', width: 14 }],
    doc.comments.map((c) => ({ code: c.node_code ?? '', author: c.author_label, date: date(c.created_at), comment: (c.parent_id ? '↳ ' : '') + c.body, resolved: c.resolved_at ? date(c.resolved_at) : '' })),
  );
  return Buffer.from(await wb.xlsx.writeBuffer());
}
