// The after-action report (AAR): a draft generated from the evaluation (strengths, areas for
// improvement by capability, critical tasks, time to respond, timeline), validated at an
// after-action meeting; rendered as HTML in English or Persian and printed to PDF by Chromium
// (htmlToPdf of the governance report). Every page carries the EXERCISE mark.
import type pg from 'pg';
import type { Queryable } from '../platform/db/database.ts';
import { audit, type Actor } from '../platform/audit.ts';
import { AppError } from '../platform/http/errors.ts';
import { t, type Locale } from '../platform/i18n/messages.ts';
import { formatJalali } from '../platform/calendar.ts';
import { toPersianDigits } from '../platform/text.ts';
import { summary, type EvaluationSummary, type Rating } from './evaluation.ts';
import { timeline } from './live.ts';
import { instantInTehran } from './time.ts';
import { fmpLink, type FmpLink } from './scenario.ts';
import type { ExerciseRow } from './store.ts';

export interface ReportDraft {
  exercise: { code: string; title: string; type: string; startex: string; plan_title: string | null; plan_version: string | null; province_code: string | null; fmp_code: string | null };
  agencies: { code: string; name_en: string; name_fa: string }[];
  participants: { role: string; count: number }[];
  objectives: { code: string; text: string; capability: string }[];
  strengths: { capability: string | null; text: string; source: 'rating' | 'hotwash' | 'feedback' }[];
  improvements: { capability: string; rating: Rating | null; items: { text: string; source: 'rating' | 'hotwash' | 'feedback' }[] }[];
  evaluation: EvaluationSummary;
  timeline: { at: string; scenario_at: string | null; kind: string; inject: string | null; what: string }[];
  fmp: FmpLink | null;
  improvement_items: { id: number; capability: string; title: string; poete: string; owner_agency: string; due_on: string; status: string }[];
}

export async function buildDraft(q: Queryable, ex: ExerciseRow): Promise<ReportDraft> {
  const ev = await summary(q, ex);
  const agencies = (await q.query('SELECT a.code, a.name_en, a.name_fa FROM exercise_agencies x JOIN agencies a ON a.id = x.agency_id WHERE x.exercise_id = $1 ORDER BY a.code', [ex.id])).rows;
  const participants = (await q.query('SELECT role, count(*)::int AS count FROM exercise_participants WHERE exercise_id = $1 GROUP BY role ORDER BY role', [ex.id])).rows;
  const objectives = (await q.query('SELECT code, text, capability FROM exercise_objectives WHERE exercise_id = $1 ORDER BY code', [ex.id])).rows;
  const strengths: ReportDraft['strengths'] = [];
  const byCap = new Map<string, ReportDraft['improvements'][number]>();
  const imp = (cap: string, rating: Rating | null) => {
    if (!byCap.has(cap)) byCap.set(cap, { capability: cap, rating, items: [] });
    return byCap.get(cap)!;
  };
  for (const c of ev.capabilities) {
    for (const tg of c.targets) {
      for (const r of tg.ratings) {
        const text = `${tg.code} — ${tg.description}: ${r.rating}${r.observations ? ` — ${r.observations}` : ''}`;
        if (r.rating === 'P') strengths.push({ capability: c.capability, text, source: 'rating' });
        else imp(c.capability, c.rating).items.push({ text, source: 'rating' });
      }
    }
  }
  for (const h of ev.hotwash) {
    if (h.kind === 'strength') strengths.push({ capability: h.capability, text: h.text, source: 'hotwash' });
    else imp(h.capability ?? '—', ev.capabilities.find((c) => c.capability === h.capability)?.rating ?? null).items.push({ text: h.text, source: 'hotwash' });
  }
  for (const s of ev.feedback.strengths) strengths.push({ capability: null, text: s, source: 'feedback' });
  for (const s of ev.feedback.improvements) imp('—', null).items.push({ text: s, source: 'feedback' });
  const events = (await timeline(q, ex.id)).filter((e) => e.kind === 'clock' || e.kind === 'delivered');
  const items = (
    await q.query(
      `SELECT i.id, i.capability, i.title, i.poete, a.code AS owner_agency, i.due_on, i.status FROM exercise_improvement_items i JOIN agencies a ON a.id = i.owner_agency_id
       WHERE i.exercise_id = $1 ORDER BY i.due_on, i.id`,
      [ex.id],
    )
  ).rows.map((r: any) => ({ ...r, id: Number(r.id) }));
  return {
    exercise: {
      code: ex.code, title: ex.title, type: ex.type, startex: new Date(ex.startex).toISOString(), plan_title: ex.plan_title, plan_version: ex.plan_version,
      province_code: ex.province_code, fmp_code: ex.fmp_code,
    },
    agencies,
    participants,
    objectives,
    strengths,
    improvements: [...byCap.values()],
    evaluation: ev,
    timeline: events.map((e) => ({
      at: e.at,
      scenario_at: e.scenario_at,
      kind: e.kind,
      inject: e.inject,
      what: e.kind === 'clock' ? String(e.details?.action ?? '') : String(e.details?.how ?? ''),
    })),
    fmp: ex.fmp_code ? await fmpLink(q, ex.fmp_code) : null,
    improvement_items: items,
  };
}

/** Generates (or regenerates) the draft; a validated report stays as validated. */
export async function generateDraft(c: pg.PoolClient, actor: Actor, ex: ExerciseRow): Promise<ReportDraft> {
  const cur = (await c.query('SELECT status FROM exercise_reports WHERE exercise_id = $1 FOR UPDATE', [ex.id])).rows[0];
  if (cur?.status === 'validated') throw new AppError('ex_report_validated', 409);
  const draft = await buildDraft(c, ex);
  await c.query(
    `INSERT INTO exercise_reports (exercise_id, draft, status, generated_at) VALUES ($1,$2,'draft',now())
     ON CONFLICT (exercise_id) DO UPDATE SET draft = EXCLUDED.draft, generated_at = now()`,
    [ex.id, JSON.stringify(draft)],
  );
  await audit(c, actor, 'exercise.report.draft', 'exercise', ex.code, {});
  return draft;
}

export async function validateReport(c: pg.PoolClient, actor: Actor, ex: ExerciseRow, m: { held_on: string; notes?: string | null }) {
  const cur = (await c.query('SELECT status FROM exercise_reports WHERE exercise_id = $1 FOR UPDATE', [ex.id])).rows[0];
  if (!cur) throw new AppError('ex_no_report', 409);
  if (cur.status === 'validated') throw new AppError('ex_report_validated', 409);
  // The draft is refreshed at validation so it includes the improvement items agreed.
  const draft = await buildDraft(c, ex);
  const meeting = (await c.query("INSERT INTO exercise_meetings (exercise_id, kind, held_on, notes) VALUES ($1,'after_action',$2,$3) RETURNING id", [ex.id, m.held_on, m.notes ?? null])).rows[0];
  await c.query(
    "UPDATE exercise_reports SET draft = $2, status = 'validated', validated_at = now(), validated_by = $3, validation_meeting_id = $4 WHERE exercise_id = $1",
    [ex.id, JSON.stringify(draft), actor.userId, meeting.id],
  );
  await c.query("UPDATE exercises SET status = 'reported' WHERE id = $1 AND status IN ('planning', 'conducted')", [ex.id]);
  await audit(c, actor, 'exercise.report.validate', 'exercise', ex.code, { held_on: m.held_on });
}

export async function loadReport(q: Queryable, ex: ExerciseRow) {
  const r = (
    await q.query(
      `SELECT r.draft, r.status, r.generated_at, r.validated_at, m.held_on AS meeting_on, m.notes AS meeting_notes FROM exercise_reports r
       LEFT JOIN exercise_meetings m ON m.id = r.validation_meeting_id WHERE r.exercise_id = $1`,
      [ex.id],
    )
  ).rows[0];
  if (!r) throw new AppError('ex_no_report', 404);
  return {
    draft: r.draft as ReportDraft,
    status: r.status as 'draft' | 'validated',
    generated_at: new Date(r.generated_at).toISOString(),
    validated_at: r.validated_at ? new Date(r.validated_at).toISOString() : null,
    meeting_on: r.meeting_on as string | null,
    meeting_notes: r.meeting_notes as string | null,
  };
}

// ---------------------------------------------------------------- HTML

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function renderAar(rep: Awaited<ReturnType<typeof loadReport>>, locale: Locale, opts: { fonts: string }): string {
  const d = rep.draft;
  const fa = locale === 'fa';
  const L = (k: string, p: Record<string, unknown> = {}) => t(locale, `exreport.${k}`, p);
  const num = (n: number | string) => (fa ? toPersianDigits(String(n)) : String(n));
  const when = (iso: string | null) => {
    if (!iso) return '—';
    const { date, time } = instantInTehran(new Date(iso));
    return fa ? `${formatJalali(date, { digits: 'fa' })} ${toPersianDigits(time)}` : `${date} ${time}`;
  };
  const day = (iso: string | null) => (!iso ? '—' : fa ? formatJalali(iso.slice(0, 10), { digits: 'fa' }) : iso.slice(0, 10));
  const rating = (r: string | null) => (r ? `${r} — ${L(`rating_${r}`)}` : '—');
  const ev = d.evaluation;
  const share = ev.tasks.share_performed === null ? '—' : num(Math.round(ev.tasks.share_performed * 100)) + (fa ? '٪' : '%');
  const minutes = (s: number | null) => (s === null ? '—' : num(Math.round(s / 60)));
  const section = (title: string, body: string) => `<section><h2>${esc(title)}</h2>${body}</section>`;
  const list = (items: string[]) => (items.length ? `<ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>` : `<p class="muted">${esc(L('none'))}</p>`);
  const agencyName = (a: { name_en: string; name_fa: string }) => (fa ? a.name_fa : a.name_en);
  return `<!doctype html>
<html lang="${locale}" dir="${fa ? 'rtl' : 'ltr'}">
<head><meta charset="utf-8"><title>${esc(L('title'))} — ${esc(d.exercise.title)}</title>
<style>
${opts.fonts}
@page { size: A4; margin: 22mm 15mm 18mm; }
body { font-family: Vazirmatn, sans-serif; font-size: 10pt; color: #1c2733; line-height: 1.6; }
.mark { position: fixed; top: -14mm; left: 0; right: 0; text-align: center; font-weight: 700; letter-spacing: .2em; color: #b42318; border: 2px solid #b42318; padding: 1mm; }
.watermark { position: fixed; top: 45%; left: 0; right: 0; text-align: center; font-size: 64pt; font-weight: 700; color: rgba(180,35,24,.07); transform: rotate(-30deg); }
h1 { font-size: 17pt; margin: 0 0 2mm; } h2 { font-size: 12.5pt; border-bottom: 1px solid #c9d3dd; margin-top: 7mm; }
table { width: 100%; border-collapse: collapse; } th, td { border: 1px solid #c9d3dd; padding: 1.2mm 2mm; text-align: start; vertical-align: top; }
th { background: #eef2f6; } .muted { color: #6b7b8a; } .r-P { color: #1a7f37; } .r-S { color: #9a6700; } .r-M { color: #bc4c00; } .r-U { color: #b42318; }
</style></head>
<body>
<div class="mark">${esc(L('mark'))}</div><div class="watermark">${esc(L('mark'))}</div>
<h1>${esc(L('title'))}: ${esc(d.exercise.title)}</h1>
<p>${esc(L('status_' + rep.status))}${rep.validated_at ? ` · ${esc(L('validated_on', { date: day(rep.meeting_on) }))}` : ''}</p>
<table>
<tr><th>${esc(L('code'))}</th><td><bdi>${esc(d.exercise.code)}</bdi></td><th>${esc(L('type'))}</th><td>${esc(L('type_' + d.exercise.type))}</td></tr>
<tr><th>${esc(L('startex'))}</th><td>${esc(when(d.exercise.startex))}</td><th>${esc(L('plan'))}</th><td>${esc(d.exercise.plan_title ?? '—')}${d.exercise.plan_version ? ` (${esc(L('version'))} <bdi>${esc(d.exercise.plan_version)}</bdi>)` : ''}</td></tr>
<tr><th>${esc(L('agencies'))}</th><td colspan="3">${d.agencies.map((a) => esc(agencyName(a))).join(fa ? '، ' : ', ') || '—'}</td></tr>
<tr><th>${esc(L('participants'))}</th><td colspan="3">${d.participants.map((p) => `${esc(L('role_' + p.role))}: ${num(p.count)}`).join(fa ? '، ' : ', ') || '—'}</td></tr>
</table>
${section(L('objectives'), list(d.objectives.map((o) => `<b><bdi>${esc(o.code)}</bdi></b> — ${esc(o.text)} <span class="muted">(${esc(o.capability)})</span>`)))}
${section(
  L('ratings'),
  ev.capabilities.length
    ? `<table><tr><th>${esc(L('capability'))}</th><th>${esc(L('target'))}</th><th>${esc(L('rating'))}</th></tr>${ev.capabilities
        .flatMap((c) => c.targets.map((tg, i) => `<tr>${i === 0 ? `<td rowspan="${c.targets.length}"><b>${esc(c.capability)}</b><br><span class="r-${c.rating ?? ''}">${esc(rating(c.rating))}</span></td>` : ''}<td>${esc(tg.code)} — ${esc(tg.description)}${tg.threshold ? `<br><span class="muted">${esc(tg.threshold)}</span>` : ''}</td><td class="r-${tg.rating ?? ''}">${esc(rating(tg.rating))}</td></tr>`))
        .join('')}</table>`
    : `<p class="muted">${esc(L('none'))}</p>`,
)}
${section(L('measures'), `<table>
<tr><th>${esc(L('tasks_performed'))}</th><td>${share} (${num(ev.tasks.performed)} / ${num(ev.tasks.total)})</td></tr>
<tr><th>${esc(L('median_response'))}</th><td>${minutes(ev.median_seconds_to_respond)}</td></tr>
<tr><th>${esc(L('feedback'))}</th><td>${num(ev.feedback.count)}${ev.feedback.average_rating !== null ? ` · ${esc(L('average'))} ${num(ev.feedback.average_rating)} / ${num(5)}` : ''}</td></tr>
</table>`)}
${section(L('strengths'), list(d.strengths.map((s) => `${s.capability ? `<b>${esc(s.capability)}</b>: ` : ''}${esc(s.text)}`)))}
${section(L('improvements'), d.improvements.length ? d.improvements.map((c) => `<h3>${esc(c.capability === '—' ? L('general') : c.capability)}${c.rating ? ` — <span class="r-${c.rating}">${esc(rating(c.rating))}</span>` : ''}</h3>${list(c.items.map((i) => esc(i.text)))}`).join('') : `<p class="muted">${esc(L('none'))}</p>`)}
${d.fmp ? section(L('fmp'), `<p>${esc(fa ? d.fmp.name_fa : d.fmp.name_en)} (<bdi>${esc(d.fmp.code)}</bdi>): ${esc(L('fmp_limits', { above: d.fmp.alert_daily_above === null ? '—' : num(d.fmp.alert_daily_above), capacity: d.fmp.capacity_per_day === null ? '—' : num(d.fmp.capacity_per_day), peak: d.fmp.peak_day_movements === null ? '—' : num(d.fmp.peak_day_movements) }))}</p>`) : ''}
${section(L('plan_items'), d.improvement_items.length ? `<table><tr><th>${esc(L('capability'))}</th><th>${esc(L('item'))}</th><th>POETE</th><th>${esc(L('owner'))}</th><th>${esc(L('due'))}</th><th>${esc(L('item_status'))}</th></tr>${d.improvement_items.map((i) => `<tr><td>${esc(i.capability)}</td><td>${esc(i.title)}</td><td>${esc(L('poete_' + i.poete))}</td><td><bdi>${esc(i.owner_agency)}</bdi></td><td>${esc(day(i.due_on))}</td><td>${esc(L('istatus_' + i.status))}</td></tr>`).join('')}</table>` : `<p class="muted">${esc(L('none'))}</p>`)}
${section(L('timeline'), d.timeline.length ? `<table><tr><th>${esc(L('wall_time'))}</th><th>${esc(L('scenario_time'))}</th><th>${esc(L('event'))}</th></tr>${d.timeline.map((e) => `<tr><td>${esc(when(e.at))}</td><td>${esc(when(e.scenario_at))}</td><td>${e.kind === 'delivered' ? esc(L('ev_delivered', { number: fa ? toPersianDigits(e.inject ?? '') : e.inject ?? '', how: L('how_' + (e.what || 'clock')) })) : esc(L('ev_clock_' + e.what))}</td></tr>`).join('')}</table>` : `<p class="muted">${esc(L('none'))}</p>`)}
</body></html>`;
}
