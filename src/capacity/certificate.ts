// A participant's certificate as our own HTML (Persian right to left with Persian digits and
// Jalali dates, or English), printed to PDF by Chromium through governance's htmlToPdf.
import { fontFaces, htmlToPdf } from '../governance/report.ts';
import { formatJalali } from '../platform/calendar.ts';
import { toPersianDigits } from '../platform/text.ts';
import type { Locale } from '../platform/i18n/messages.ts';

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface CertificateData {
  participant: { name: string; agency_en: string; agency_fa: string; position: string; sessions_attended: number | null };
  training: { code: string; title_en: string; title_fa: string; starts_on: string | null; ends_on: string | null; place: string; facilitators: string[]; gcm_objectives: number[] };
  certificate_no: string;
  issued_on: string;
}

function dateText(iso: string | null, lang: Locale) {
  if (!iso) return '';
  if (lang === 'fa') return formatJalali(iso, { digits: 'fa', style: 'long' });
  return new Date(iso + 'T00:00:00Z').toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

export function certificateHtml(d: CertificateData, lang: Locale): string {
  const fa = lang === 'fa';
  const num = (n: number | string) => (fa ? toPersianDigits(n) : String(n));
  const title = fa ? d.training.title_fa || d.training.title_en : d.training.title_en || d.training.title_fa;
  const period = [dateText(d.training.starts_on, lang), d.training.ends_on && d.training.ends_on !== d.training.starts_on ? dateText(d.training.ends_on, lang) : ''].filter(Boolean).join(fa ? ' تا ' : ' – ');
  const objectives = d.training.gcm_objectives.length
    ? (fa ? 'اهداف پیمان جهانی مهاجرت: ' : 'Global Compact for Migration objectives: ') + d.training.gcm_objectives.map(num).join(fa ? '، ' : ', ')
    : '';
  const text = fa
    ? `بدین‌وسیله گواهی می‌شود که <b>${esc(d.participant.name)}</b>${d.participant.position ? ` (${esc(d.participant.position)})` : ''} از ${esc(d.participant.agency_fa)} در دورهٔ آموزشی «${esc(title)}»${period ? ` در تاریخ ${esc(period)}` : ''}${d.training.place ? ` در ${esc(d.training.place)}` : ''} شرکت کرده است.`
    : `This is to certify that <b>${esc(d.participant.name)}</b>${d.participant.position ? ` (${esc(d.participant.position)})` : ''} of the ${esc(d.participant.agency_en)} took part in the training “${esc(title)}”${period ? `, ${esc(period)}` : ''}${d.training.place ? `, in ${esc(d.training.place)}` : ''}.`;
  return `<!doctype html>
<html lang="${lang}" dir="${fa ? 'rtl' : 'ltr'}">
<head><meta charset="utf-8"><title>${fa ? 'گواهی' : 'Certificate'} ${esc(d.certificate_no)}</title>
<style>
${fontFaces('inline')}
@page { size: A4 landscape; margin: 14mm; }
body { font-family: Vazirmatn, sans-serif; color: #16324f; margin: 0; }
.frame { border: 3px double #1f5f8b; padding: 18mm 20mm; min-height: 150mm; display: flex; flex-direction: column; justify-content: space-between; text-align: center; }
h1 { font-size: 30pt; margin: 0 0 6mm; font-weight: 700; }
.body { font-size: 15pt; line-height: 2; }
.meta { font-size: 10pt; color: #4a6178; display: flex; justify-content: space-between; }
</style></head>
<body><div class="frame">
<div><h1>${fa ? 'گواهی شرکت در دورهٔ آموزشی' : 'Certificate of participation'}</h1>
<div class="body">${text}</div>
${objectives ? `<div class="body" style="font-size:11pt">${esc(objectives)}</div>` : ''}
${d.training.facilitators.length ? `<div class="body" style="font-size:11pt">${fa ? 'مدرسان' : 'Facilitators'}: ${esc(d.training.facilitators.join(fa ? '، ' : ', '))}</div>` : ''}</div>
<div class="meta"><span>${fa ? 'شمارهٔ گواهی' : 'Certificate no.'}: <bdi dir="ltr">${esc(d.certificate_no)}</bdi></span><span>${fa ? 'تاریخ صدور' : 'Issued'}: ${esc(dateText(d.issued_on, lang))}</span></div>
</div></body></html>`;
}

export async function certificatePdf(d: CertificateData, lang: Locale): Promise<Buffer> {
  return htmlToPdf(certificateHtml(d, lang), `${lang === 'fa' ? 'مرز' : 'Marz'} · ${d.training.code} · ${d.certificate_no}`, lang);
}
