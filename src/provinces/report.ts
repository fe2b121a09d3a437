// The province profile as a printable page (English, or Persian right to left with Persian
// digits and Jalali dates), printed to PDF by Chromium through governance's htmlToPdf.
import { fontFaces, htmlToPdf } from '../governance/report.ts';
import { formatJalali } from '../platform/calendar.ts';
import { toPersianDigits } from '../platform/text.ts';
import type { Locale } from '../platform/i18n/messages.ts';
import { sectionDefinitions, type ProvinceProfile } from './profile.ts';

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const L = {
  en: {
    title: 'Province profile', period: 'Period', fmps: 'Flow monitoring points', flows: 'Flows', individuals: 'Movements (individuals)', inflow: 'Inflow', outflow: 'Outflow',
    groups: 'Groups', women: 'Women', men: 'Men', children: 'Children', alerts: 'Open surge alerts', trainings: 'Officials trained', participants: 'Officials trained',
    male: 'Men', female: 'Women', agency: 'Agency', needs: 'Needs', round: 'Round', theme: 'Theme', priority: 'Priority', status: 'Status', mobility: 'Internal mobility',
    arrivals: 'Arrivals', departures: 'Departures', returns: 'Returns', net: 'Net', governance: 'Local governance assessment', none: 'Nothing recorded.', not_allowed: 'Not shown (outside your permissions).',
    framework: 'Framework', sections: 'More', unavailable: 'Not available just now.', from_prov: 'Top origins', to_prov: 'Top destinations', generated: 'Generated',
    themes: { border_infrastructure: 'Border infrastructure', reception_capacity: 'Reception capacity', protection_services: 'Protection services', health_at_poe: 'Health at points of entry', data: 'Data', coordination: 'Coordination', training: 'Training' },
    priorities: { high: 'High', medium: 'Medium', low: 'Low' },
    statuses: { identified: 'Identified', planned: 'Planned', in_progress: 'In progress', met: 'Met', dropped: 'Dropped' },
  },
  fa: {
    title: 'نیم‌رخ استان', period: 'بازه', fmps: 'نقاط پایش جریان', flows: 'جریان‌ها', individuals: 'جابه‌جایی (نفر)', inflow: 'ورود', outflow: 'خروج',
    groups: 'گروه‌ها', women: 'زنان', men: 'مردان', children: 'کودکان', alerts: 'هشدارهای باز افزایش ناگهانی', trainings: 'کارکنان آموزش‌دیده', participants: 'کارکنان آموزش‌دیده',
    male: 'مرد', female: 'زن', agency: 'دستگاه', needs: 'نیازها', round: 'دور', theme: 'موضوع', priority: 'اولویت', status: 'وضعیت', mobility: 'جابه‌جایی درون‌کشوری',
    arrivals: 'ورودی', departures: 'خروجی', returns: 'بازگشت', net: 'خالص', governance: 'ارزیابی حکمرانی محلی', none: 'چیزی ثبت نشده است.', not_allowed: 'نمایش داده نمی‌شود (بیرون از دسترسی شما).',
    framework: 'چارچوب', sections: 'بیشتر', unavailable: 'اکنون در دسترس نیست.', from_prov: 'مبدأهای اصلی', to_prov: 'مقصدهای اصلی', generated: 'تهیه‌شده در',
    themes: { border_infrastructure: 'زیرساخت مرزی', reception_capacity: 'ظرفیت پذیرش', protection_services: 'خدمات حمایتی', health_at_poe: 'سلامت در گذرگاه‌های مرزی', data: 'داده', coordination: 'هماهنگی', training: 'آموزش' },
    priorities: { high: 'بالا', medium: 'میانه', low: 'پایین' },
    statuses: { identified: 'شناسایی‌شده', planned: 'برنامه‌ریزی‌شده', in_progress: 'در حال انجام', met: 'برآورده', dropped: 'کنار گذاشته' },
  },
} as const;

export function profileHtml(p: ProvinceProfile, lang: Locale, provinceNames: Map<string, { en: string; fa: string }> = new Map()): string {
  const fa = lang === 'fa';
  const T = L[lang];
  const n = (v: unknown) => (v == null ? '–' : fa ? toPersianDigits(Number(v).toLocaleString('en-US').replace(/,/g, '٬')) : Number(v).toLocaleString('en-US'));
  const d = (iso: string | null | undefined) => (!iso ? '' : fa ? formatJalali(String(iso).slice(0, 10), { digits: 'fa' }) : String(iso).slice(0, 10));
  const name = (o: { name_en?: string; name_fa?: string }) => (fa ? o.name_fa || o.name_en : o.name_en || o.name_fa) ?? '';
  const prov = (code: string) => {
    const x = provinceNames.get(code);
    return x ? (fa ? x.fa : x.en) : code;
  };
  const table = (head: string[], rows: string[][]) =>
    rows.length ? `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>` : `<p class="muted">${esc(T.none)}</p>`;
  const kpi = (label: string, v: unknown) => `<div class="kpi"><div class="v">${esc(n(v))}</div><div class="l">${esc(label)}</div></div>`;
  const f = p.flows as any;
  const flows = f
    ? `<div class="kpis">${kpi(T.individuals, f.individuals)}${kpi(T.inflow, f.flows?.inflow)}${kpi(T.outflow, f.flows?.outflow)}${kpi(T.groups, f.groups)}${kpi(T.women, f.women)}${kpi(T.children, (f.boys ?? 0) + (f.girls ?? 0))}</div>`
    : `<p class="muted">${esc(T.not_allowed)}</p>`;
  const fmps = table([T.fmps], p.fmps.map((m: any) => [esc(name(m))]));
  const alerts = p.alerts ? table([T.fmps, T.period, T.individuals], p.alerts.items.map((a: any) => [esc(name(p.fmps.find((m: any) => m.code === a.fmp_code) ?? { name_en: a.fmp_code })), esc(d(a.day)), esc(n(a.movements))])) : `<p class="muted">${esc(T.not_allowed)}</p>`;
  const tr = p.trainings;
  const trainings = `<div class="kpis">${kpi(T.participants, tr.participants)}${kpi(T.male, tr.participants_by_sex.male)}${kpi(T.female, tr.participants_by_sex.female)}</div>${table([T.agency, T.participants, T.male, T.female], tr.by_agency.map((a: any) => [esc(name(a)), esc(n(a.participants)), esc(n(a.male)), esc(n(a.female))]))}`;
  const nd = p.needs as any;
  const needs = nd.round
    ? `<p>${esc(T.round)} ${esc(n(nd.round))}</p>${table([T.theme, '', T.priority, T.status, T.agency], nd.items.map((x: any) => [esc(T.themes[x.theme as keyof typeof T.themes]), `<bdi>${esc(x.title)}</bdi>`, esc(T.priorities[x.priority as keyof typeof T.priorities]), esc(T.statuses[x.status as keyof typeof T.statuses]), esc(fa ? x.agency_fa ?? '' : x.agency_en ?? '')]))}`
    : `<p class="muted">${esc(T.none)}</p>`;
  const mb = p.mobility as any;
  const mobility = mb.round
    ? `<p>${esc(T.round)} ${esc(n(mb.round))}</p><div class="kpis">${kpi(T.arrivals, mb.arrivals)}${kpi(T.departures, mb.departures)}${kpi(T.returns, mb.returns)}${kpi(T.net, mb.net)}</div>
       <div class="two">${table([T.from_prov, T.individuals], mb.from.map((x: any) => [esc(prov(x.province)), esc(n(x.individuals))]))}${table([T.to_prov, T.individuals], mb.to.map((x: any) => [esc(prov(x.province)), esc(n(x.individuals))]))}</div>`
    : `<p class="muted">${esc(T.none)}</p>`;
  const gov = p.governance
    ? table([T.framework, '', T.round, T.status], p.governance.assessments.map((a: any) => [esc(a.framework), `<bdi>${esc(fa ? a.title_fa || a.title_en : a.title_en || a.title_fa)}</bdi>`, esc(n(a.round_no)), esc(a.status)]))
    : `<p class="muted">${esc(T.not_allowed)}</p>`;
  const defs = sectionDefinitions();
  const isoDay = /^\d{4}-\d{2}-\d{2}$/;
  const extra = Object.entries(p.sections)
    .map(([k, v]) => {
      const def = defs.get(k);
      const title = (p.section_titles as any)[k]?.[lang] ?? def?.title?.[lang] ?? k.replace(/_/g, ' ');
      if (v == null) return '';
      if ((v as any).error !== undefined && Object.keys(v).length === 1) return `<section><h2>${esc(title)}</h2><p class="muted">${esc(T.unavailable)}</p></section>`;
      if (def?.render) return `<section><h2>${esc(title)}</h2>${def.render(v, lang)}</section>`;
      const rows = Object.entries(v as object).filter(([, x]) => x == null || typeof x !== 'object');
      const common: Record<string, { en: string; fa: string }> = { total: { en: 'Total', fa: 'جمع' }, k: { en: 'Smallest count shown', fa: 'کوچک‌ترین شمار نمایش‌داده‌شده' } };
      const label = (kk: string) => def?.labels?.[lang]?.[kk] ?? common[kk]?.[lang] ?? kk.replace(/_/g, ' ');
      const value = (x: unknown) => (typeof x === 'number' ? n(x) : typeof x === 'string' && isoDay.test(x) ? d(x) : fa && typeof x === 'string' ? toPersianDigits(x) : x ?? '–');
      return `<section><h2>${esc(title)}</h2>${table(['', ''], rows.map(([kk, x]) => [esc(label(kk)), `<bdi>${esc(value(x))}</bdi>`]))}</section>`;
    })
    .join('');
  return `<!doctype html>
<html lang="${lang}" dir="${fa ? 'rtl' : 'ltr'}">
<head><meta charset="utf-8"><title>${esc(T.title)} — ${esc(name(p.province))}</title>
<style>
${fontFaces('inline')}
@page { size: A4; margin: 15mm; }
body { font-family: Vazirmatn, sans-serif; color: #16324f; font-size: 10pt; margin: 0; }
h1 { font-size: 20pt; margin: 0; } h2 { font-size: 13pt; border-bottom: 1px solid #c9d6e2; padding-bottom: 2px; margin: 14px 0 6px; }
.muted { color: #6b7b8a; }
.kpis { display: flex; flex-wrap: wrap; gap: 8px; } .kpi { border: 1px solid #c9d6e2; border-radius: 4px; padding: 4px 10px; min-width: 80px; }
.kpi .v { font-size: 14pt; font-weight: 700; } .kpi .l { font-size: 8pt; color: #4a6178; }
table { border-collapse: collapse; width: 100%; margin: 4px 0; } th, td { border-bottom: 1px solid #e3eaf0; padding: 2px 4px; text-align: start; vertical-align: top; }
.two { display: flex; gap: 12px; } .two > * { flex: 1; }
section { break-inside: avoid; }
</style></head>
<body>
<header><h1>${esc(T.title)}: ${esc(name(p.province))} <bdi dir="ltr" class="muted">${esc(p.province.code)}</bdi></h1>
<div class="muted">${fa ? `${esc(T.period)}: از ${esc(d(p.period.from))} تا ${esc(d(p.period.to))}` : `${esc(T.period)}: ${esc(d(p.period.from))} – ${esc(d(p.period.to))}`}</div></header>
<section><h2>${esc(T.flows)}</h2>${flows}</section>
<section><h2>${esc(T.fmps)}</h2>${fmps}</section>
<section><h2>${esc(T.alerts)}</h2>${alerts}</section>
<section><h2>${esc(T.trainings)}</h2>${trainings}</section>
<section><h2>${esc(T.needs)}</h2>${needs}</section>
<section><h2>${esc(T.mobility)}</h2>${mobility}</section>
<section><h2>${esc(T.governance)}</h2>${gov}</section>
${extra}
</body></html>`;
}

export async function profilePdf(p: ProvinceProfile, lang: Locale, names?: Map<string, { en: string; fa: string }>): Promise<Buffer> {
  const footer = lang === 'fa'
    ? `مرز · ${p.province.name_fa ?? p.province.code} · ${formatJalali(p.period.from, { digits: 'fa' })} تا ${formatJalali(p.period.to, { digits: 'fa' })}`
    : `Marz · ${p.province.code} · ${p.period.from} – ${p.period.to}`;
  return htmlToPdf(profileHtml(p, lang, names), footer, lang);
}
