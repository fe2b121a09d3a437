// The assessment profile as an HTML page that prints to PDF: key findings per domain, good
// practices, gaps, key sources and the validation record — in English or in Persian (right to
// left, Persian digits, Jalali dates), set in Vazirmatn served from node_modules (nothing loads
// from the internet). The PDF is this page printed by Chromium (the engine that shapes Persian
// correctly); without Chromium the PDF route answers 503 pdf_unavailable.
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AppError } from '../platform/http/errors.ts';
import { t, type Locale } from '../platform/i18n/messages.ts';
import { formatJalali } from '../platform/calendar.ts';
import { evidenceFingerprint } from './analysis.ts';
import type { AssessmentDocument, IndicatorEntry } from './assessments.ts';

// ---------------------------------------------------------------- fonts

const require = createRequire(import.meta.url);
let fontDir: string | null = null;
export function vazirmatnDir(): string | null {
  if (fontDir !== null) return fontDir || null;
  try {
    fontDir = join(dirname(require.resolve('vazirmatn/package.json')), 'fonts', 'webfonts');
    if (!existsSync(fontDir)) fontDir = '';
  } catch {
    fontDir = '';
  }
  return fontDir || null;
}

export const FONT_FILES: Record<string, number> = { 'Vazirmatn-Regular.woff2': 400, 'Vazirmatn-Medium.woff2': 500, 'Vazirmatn-Bold.woff2': 700 };

export function fontFile(name: string): Buffer | null {
  const dir = vazirmatnDir();
  if (!dir || !(name in FONT_FILES)) return null;
  return readFileSync(join(dir, name));
}

/** @font-face rules: by URL (the HTML page) or inlined as data (the PDF, printed offline). */
export function fontFaces(mode: { baseUrl: string } | 'inline'): string {
  return Object.entries(FONT_FILES)
    .map(([file, weight]) => {
      let src: string;
      if (mode === 'inline') {
        const data = fontFile(file);
        if (!data) return '';
        src = `url(data:font/woff2;base64,${data.toString('base64')}) format('woff2')`;
      } else src = `url(${mode.baseUrl}${file}) format('woff2')`;
      return `@font-face{font-family:Vazirmatn;font-style:normal;font-weight:${weight};font-display:block;src:${src}}`;
    })
    .join('\n');
}

// ---------------------------------------------------------------- HTML

const esc = (s: unknown) =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
/** Text with its line breaks kept, as paragraphs. */
const paras = (s: string) => s.split(/\n{2,}/).map((p) => `<p>${esc(p).replace(/\n/g, '<br>')}</p>`).join('');

export function renderReport(doc: AssessmentDocument, locale: Locale, opts: { fonts: string; sha256?: string | null; generatedAt?: Date }): string {
  const fa = locale === 'fa';
  const R = (key: string, params: Record<string, unknown> = {}) => t(locale, `governance.report.${key}`, params);
  const nf = new Intl.NumberFormat(fa ? 'fa-IR' : 'en', { maximumFractionDigits: 2 });
  const pct = new Intl.NumberFormat(fa ? 'fa-IR' : 'en', { style: 'percent', maximumFractionDigits: 0 });
  const pick = (x: { en: string; fa: string } | null | undefined) => (x ? (fa ? x.fa || x.en : x.en || x.fa) : '');
  const date = (isoTs: string | null | undefined) => {
    if (!isoTs) return '';
    const d = isoTs.slice(0, 10);
    return fa ? formatJalali(d, { digits: 'fa', style: 'long' }) : `${new Date(d + 'T00:00:00Z').toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })} (${formatJalali(d, { style: 'long', lang: 'en' })})`;
  };
  const code = (c: string) => `<bdi class="code" dir="ltr">${esc(c)}</bdi>`;
  const a = doc.assessment;
  const title = fa ? a.title_fa || a.title_en : a.title_en || a.title_fa;
  const place = [R(`scope_${a.scope}`), a.province_code ? (fa ? a.province_fa : a.province_en) : null, a.city_en || a.city_fa ? (fa ? a.city_fa || a.city_en : a.city_en || a.city_fa) : null].filter(Boolean).join(' — ');
  const finding = (i: IndicatorEntry) => {
    const own = fa ? i.finding_fa : i.finding_en;
    const other = fa ? i.finding_en : i.finding_fa;
    if (own.trim()) return paras(own);
    if (other.trim()) return `<span class="note">${esc(R('original_language'))}</span><div class="other-lang" lang="${fa ? 'en' : 'fa'}" dir="${fa ? 'ltr' : 'rtl'}">${paras(other)}</div>`;
    return '';
  };
  const badge = (i: IndicatorEntry) => (i.answer ? `<span class="badge ${i.tone}">${esc(pick(i.answer_label) || i.answer)}</span>` : `<span class="badge unanswered">${esc(R('unanswered'))}</span>`);

  // Summary table per domain
  const s = doc.score_1072;
  const scoreByDomain = s.applicable && s.complete ? s.score.domains : null;
  const summaryRows = doc.progress.domains
    .map((d) => {
      const sc = scoreByDomain ? (scoreByDomain as Record<string, { value: number; category: number; label: { en: string; fa: string } }>)[d.code] : null;
      return `<tr><td>${esc(pick(d.texts))}</td><td class="n">${nf.format(d.indicators)}</td><td class="n">${nf.format(d.answered)}</td>
        <td class="n positive">${nf.format(d.positive)}</td><td class="n partial">${nf.format(d.partial)}</td><td class="n negative">${nf.format(d.negative)}</td>
        <td class="n">${d.indicators ? pct.format(d.with_evidence / d.indicators) : '—'}</td>${scoreByDomain ? `<td class="n">${sc ? `${nf.format(sc.value)} <span class="cat c${sc.category}">${esc(pick(sc.label))}</span>` : ''}</td>` : ''}</tr>`;
    })
    .join('');
  const tot = doc.progress.total;
  const overall =
    s.applicable && s.complete
      ? `<p class="overall">${esc(R('overall_1072'))}: <strong>${nf.format(s.score.overall.value)}</strong> — <span class="cat c${s.score.overall.category}">${esc(pick(s.score.overall.label))}</span></p>`
      : s.applicable
        ? `<p class="warning">${esc(R('not_scored', { count: s.missing.length }))} ${s.missing.map(code).join(' ')}</p>`
        : '';

  // Findings per domain
  const findings = doc.progress.domains
    .map((d) => {
      const items = doc.indicators.filter((i) => i.domain === d.code);
      const withText = items.filter((i) => i.finding_en.trim() || i.finding_fa.trim());
      const body = withText.length
        ? withText.map((i) => `<div class="finding"><div class="ind">${code(i.code)} ${esc(pick(i.texts))} ${badge(i)}</div>${finding(i)}</div>`).join('')
        : `<p class="muted">${esc(R('no_findings'))}</p>`;
      return `<section class="domain"><h3>${esc(pick(d.texts))}</h3>${body}</section>`;
    })
    .join('');

  const list = (kind: 'good_practices' | 'gaps') => {
    const rows = doc.progress.domains.flatMap((d) => d[kind].map((b) => ({ d, b, i: doc.indicators.find((x) => x.code === b.code)! })));
    if (!rows.length) return `<p class="muted">${esc(R(kind === 'gaps' ? 'no_gaps' : 'no_good_practices'))}</p>`;
    return `<ul class="items">${rows
      .map(({ d, i }) => {
        const text = (fa ? i.finding_fa || i.finding_en : i.finding_en || i.finding_fa).split('\n')[0];
        return `<li><span class="dom">${esc(pick(d.texts))}</span> · ${code(i.code)} ${esc(pick(i.texts))} ${badge(i)}${text ? `<div class="sub" dir="auto">${esc(text.length > 280 ? text.slice(0, 277) + '…' : text)}</div>` : ''}</li>`;
      })
      .join('')}</ul>`;
  };

  // Key sources: every cited item once, grouped by kind
  const seen = new Map<string, { e: IndicatorEntry['evidence'][number]; codes: string[] }>();
  for (const i of doc.indicators) {
    for (const e of i.evidence) {
      const k = evidenceFingerprint({ kind: e.kind, title: e.title, url: e.url, article: null });
      const cur = seen.get(k);
      if (cur) {
        if (!cur.codes.includes(i.code)) cur.codes.push(i.code);
      } else seen.set(k, { e, codes: [i.code] });
    }
  }
  const kinds = ['law', 'decree', 'regulation', 'strategy', 'report', 'data_source', 'url', 'file'];
  const sources = [...seen.values()].sort((x, y) => kinds.indexOf(x.e.kind) - kinds.indexOf(y.e.kind) || x.e.title.localeCompare(y.e.title, fa ? 'fa' : 'en'));
  const sourcesHtml = sources.length
    ? `<ol class="sources">${sources
        .map(({ e, codes }) => {
          // Every part is isolated, so a Persian title in an English list (or the reverse) keeps its order.
          const bits = [`<span class="kind">${esc(t(locale, `governance.evidence_kind.${e.kind}`))}</span>`, `<bdi><strong>${esc(e.title)}</strong></bdi>`];
          if (e.article) bits.push(`<bdi>${esc(e.article)}</bdi>`);
          if (e.issued_on) bits.push(`<bdi>${esc(date(e.issued_on))}</bdi>`);
          if (e.file_name) bits.push(`<bdi>${esc(e.file_name)}</bdi>`);
          const url = e.url ? `<div class="url" dir="ltr">${esc(e.url)}</div>` : '';
          return `<li>${bits.join(' — ')} <span class="muted">(${codes.map(code).join(fa ? '، ' : ', ')})</span>${url}</li>`;
        })
        .join('')}</ol>`
    : `<p class="muted">${esc(R('no_sources'))}</p>`;

  const validation = doc.ministries.length
    ? `<table><thead><tr><th>${esc(R('ministry'))}</th><th>${esc(R('decision'))}</th><th>${esc(R('date'))}</th></tr></thead><tbody>${doc.ministries
        .map((m) => `<tr><td>${esc(fa ? m.name_fa : m.name_en)}</td><td>${m.decision ? esc(t(locale, `governance.decision.${m.decision}`)) : esc(R('pending'))}${m.reason ? `<div class="sub">${esc(m.reason)}</div>` : ''}</td><td>${esc(date(m.decided_at))}</td></tr>`)
        .join('')}</tbody></table>`
    : `<p class="muted">${esc(R('no_ministries'))}</p>`;

  const published = a.status === 'PUBLISHED';
  const generated = (opts.generatedAt ?? new Date()).toISOString();
  return `<!doctype html>
<html lang="${locale}" dir="${fa ? 'rtl' : 'ltr'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(R('heading'))} — ${esc(title)}</title>
<style>
${opts.fonts}
@page { size: A4; margin: 16mm 15mm 18mm 15mm; }
* { box-sizing: border-box; }
html { font-family: Vazirmatn, sans-serif; font-size: 10.5pt; line-height: 1.65; color: #1d2733; }
body { margin: 0 auto; max-width: 190mm; padding: 8mm 0; }
@media print { body { padding: 0; max-width: none; } .noprint { display: none; } }
h1 { font-size: 20pt; margin: 0 0 2mm; color: #0b4a6f; line-height: 1.3; }
h2 { font-size: 13.5pt; margin: 9mm 0 3mm; padding-block-end: 1.5mm; border-block-end: 1.5pt solid #0b4a6f; color: #0b4a6f; break-after: avoid; }
h3 { font-size: 11.5pt; margin: 5mm 0 2mm; color: #12344d; break-after: avoid; }
p { margin: 0 0 2mm; }
.kicker { text-transform: uppercase; letter-spacing: .08em; font-size: 8.5pt; color: #5b6b7a; font-weight: 500; }
html[dir=rtl] .kicker { letter-spacing: 0; text-transform: none; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 1mm 6mm; margin: 4mm 0; font-size: 9.5pt; }
.meta dt { color: #5b6b7a; }
.meta dd { margin: 0; }
.banner { border: 1pt solid #b7791f; background: #fff8e6; padding: 2mm 4mm; margin: 3mm 0; border-radius: 2mm; font-weight: 500; }
table { width: 100%; border-collapse: collapse; font-size: 9pt; margin: 2mm 0 3mm; }
th, td { border-block-end: .5pt solid #cfd8e0; padding: 1.2mm 2mm; text-align: start; vertical-align: top; }
th { background: #eef3f7; font-weight: 700; }
td.n { text-align: center; font-variant-numeric: tabular-nums; }
.positive { color: #1d6b3a; } .partial { color: #8a5a00; } .negative { color: #a1262b; }
.badge { display: inline-block; font-size: 8pt; padding: 0 2mm; border-radius: 3mm; border: .5pt solid currentColor; margin-inline-start: 1mm; white-space: nowrap; }
.badge.positive { background: #e8f5ec; } .badge.partial { background: #fdf3dc; } .badge.negative { background: #fbe9ea; } .badge.neutral, .badge.unanswered { color: #5b6b7a; background: #f1f3f5; }
.cat { font-size: 8.5pt; color: #12344d; }
.overall { font-size: 11pt; margin-top: 2mm; }
.warning { color: #8a5a00; }
.finding { margin: 0 0 3mm; break-inside: avoid; }
.finding .ind { font-weight: 500; margin-block-end: .8mm; }
.code { font-family: Vazirmatn, monospace; font-size: 8pt; color: #5b6b7a; unicode-bidi: isolate; }
.other-lang { color: #33414e; }
.note { display: block; font-size: 8pt; color: #5b6b7a; font-style: italic; }
.muted { color: #6b7b8a; }
ul.items { padding-inline-start: 5mm; margin: 0; }
ul.items li { margin: 0 0 2mm; break-inside: avoid; }
.dom { color: #5b6b7a; font-size: 9pt; }
.sub { font-size: 9pt; color: #33414e; }
ol.sources { padding-inline-start: 6mm; font-size: 9pt; }
html[dir=rtl] ol.sources { list-style-type: persian; }
ol.sources li { margin-block-end: 1.2mm; break-inside: avoid; }
.kind { font-size: 8pt; color: #0b4a6f; border: .5pt solid #9fb6c8; border-radius: 2mm; padding: 0 1.5mm; }
.url { font-size: 8.5pt; color: #0b4a6f; overflow-wrap: anywhere; text-align: left; }
html[dir=rtl] .url { text-align: right; }
footer { margin-top: 10mm; font-size: 8pt; color: #6b7b8a; border-block-start: .5pt solid #cfd8e0; padding-top: 2mm; }
footer bdi { word-break: break-all; }
</style>
</head>
<body>
<header>
  <div class="kicker">${esc(R('heading'))}</div>
  <h1>${esc(title)}</h1>
  <div>${esc(pick(doc.framework.title))}</div>
  <dl class="meta">
    <dt>${esc(R('scope'))}</dt><dd>${esc(place)}</dd>
    <dt>${esc(R('round'))}</dt><dd>${esc(R('round_value', { round: a.round_no, version: a.version_no }))}</dd>
    <dt>${esc(R('framework_version'))}</dt><dd><bdi dir="ltr">${esc(doc.framework.version)}</bdi></dd>
    <dt>${esc(R('status'))}</dt><dd>${esc(t(locale, `governance.status.${a.status}`))}</dd>
    ${a.approved_at ? `<dt>${esc(R('approved_at'))}</dt><dd>${esc(date(a.approved_at))}</dd>` : ''}
    ${a.published_at ? `<dt>${esc(R('published_at'))}</dt><dd>${esc(date(a.published_at))}</dd>` : ''}
  </dl>
  ${published ? '' : `<div class="banner">${esc(R('draft_banner'))}</div>`}
</header>

<h2>${esc(R('summary'))}</h2>
<table>
  <thead><tr><th>${esc(R('domain'))}</th><th>${esc(R('indicators'))}</th><th>${esc(R('answered'))}</th><th>${esc(R('positive'))}</th><th>${esc(R('partial'))}</th><th>${esc(R('negative'))}</th><th>${esc(R('evidence_coverage'))}</th>${scoreByDomain ? `<th>SDG 10.7.2</th>` : ''}</tr></thead>
  <tbody>${summaryRows}
  <tr><th>${esc(R('total'))}</th><th class="n">${nf.format(tot.indicators)}</th><th class="n">${nf.format(tot.answered)}</th><th class="n">${nf.format(tot.positive)}</th><th class="n">${nf.format(tot.partial)}</th><th class="n">${nf.format(tot.negative)}</th><th class="n">${tot.indicators ? pct.format(tot.with_evidence / tot.indicators) : '—'}</th>${scoreByDomain ? '<th></th>' : ''}</tr>
  </tbody>
</table>
${overall}

<h2>${esc(R('key_findings'))}</h2>
${findings}

<h2>${esc(R('good_practices'))}</h2>
${list('good_practices')}

<h2>${esc(R('gaps'))}</h2>
${list('gaps')}

<h2>${esc(R('key_sources'))}</h2>
${sourcesHtml}

<h2>${esc(R('validation'))}</h2>
${validation}

<footer>
  ${esc(R('generated', { date: date(generated) }))}${opts.sha256 ? ` · ${esc(R('snapshot'))}: <bdi dir="ltr">sha256 ${esc(opts.sha256)}</bdi>` : ''}
  ${doc.framework.code === 'mgi' ? `<div>${esc(R('disclaimer'))}</div>` : ''}
</footer>
</body>
</html>`;
}

// ---------------------------------------------------------------- PDF through Chromium

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

let chain: Promise<unknown> = Promise.resolve();

/**
 * Prints HTML to an A4 PDF in Chromium, one print at a time. 503 pdf_unavailable without Chromium.
 * The footer is in the report's language (`lang` sets its direction).
 */
export async function htmlToPdf(html: string, footer: string, lang: Locale = 'en'): Promise<Buffer> {
  const executablePath = process.env.MARZ_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) throw new AppError('pdf_unavailable', 503, { reason: `${executablePath} not found` });
  let chromium: typeof import('playwright-core').chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    throw new AppError('pdf_unavailable', 503, { reason: 'playwright-core is not installed' });
  }
  const run = async () => {
    let browser;
    try {
      browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
    } catch (e) {
      throw new AppError('pdf_unavailable', 503, { reason: (e as Error).message.split('\n')[0] });
    }
    try {
      const page = await browser.newPage();
      // The page is self-contained (fonts inlined): nothing may be fetched while printing.
      await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
      await page.setContent(html, { waitUntil: 'load' });
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      const pdf = await page.pdf({
        format: 'A4',
        printBackground: true,
        preferCSSPageSize: true,
        displayHeaderFooter: true,
        headerTemplate: '<span></span>',
        footerTemplate: `<div dir="${lang === 'fa' ? 'rtl' : 'ltr'}" style="width:100%;font-size:7pt;color:#6b7b8a;padding:0 15mm;display:flex;justify-content:space-between;font-family:sans-serif"><span>${esc(footer)}</span><span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>`,
      });
      return Buffer.from(pdf);
    } finally {
      await browser.close().catch(() => {});
    }
  };
  const p = chain.then(run, run);
  chain = p.catch(() => {});
  return p;
}
