// One simulation exercise. What shows depends on the user's role in it: planners and
// controllers get the MSEL with the clock and "send now"; players only the injects delivered
// to their team, live, with acknowledgement and their log; evaluators the rating forms; the
// after-action report and improvement items for planners. The EXERCISE mark is on every tab.
import { useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useT } from '../../../app/useT.ts';
import { ApiError, get, post } from '../../../app/api.ts';
import { formatDate, formatDateTime, formatDigits, formatNumber } from '../../../app/format.ts';
import { FormMessage, SelectField, TextField } from '../../../components/Field.tsx';
import { DateInput } from '../../../components/DateInput.tsx';
import { useFmps } from '../../places/api.ts';
import { Badge, Facts, PageHeader, TableWrap, usePageTitle } from '../../../components/ui.tsx';
import { QueryView } from '../../../components/States.tsx';
import { ExerciseMark } from '../Mark.tsx';
import { POETE, ROLES, X, xKeys, useControl, useEvaluation, useExercise, useExerciseStream, usePlay, useScenarioTime, type Clock, type Overview } from '../api.ts';
import '../exercises.css';

type Tab = 'overview' | 'control' | 'play' | 'evaluate' | 'report';

/** Runs an API write, refreshes the exercise, and reports errors in the user's language. */
function useAction(code: string) {
  const { t } = useT();
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const run = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      await qc.invalidateQueries({ queryKey: xKeys.one(code) });
      return true;
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('common.unexpectedError'));
      return false;
    }
  };
  return { error, run };
}

export default function Exercise() {
  const { code = '' } = useParams();
  const { t } = useT();
  const q = useExercise(code);
  usePageTitle(q.data ? `${t('exercises.markShort')} · ${q.data.title}` : t('exercises.list.title'));
  return (
    <section className="page">
      <ExerciseMark />
      <QueryView query={q}>{(x) => <ExerciseBody x={x} />}</QueryView>
    </section>
  );
}

function ExerciseBody({ x }: { x: Overview }) {
  const { t } = useT();
  const tabs: Tab[] = ['overview'];
  if (x.can.see_msel) tabs.push('control');
  if (x.can.play) tabs.push('play');
  if (x.can.evaluate) tabs.push('evaluate');
  if (x.can.see_msel || x.can.manage) tabs.push('report');
  const [tab, setTab] = useState<Tab>(x.can.play ? 'play' : x.can.see_msel ? 'control' : 'overview');
  const live = useExerciseStream(x.code, x.can.play || x.can.see_msel);
  return (
    <>
      <PageHeader
        title={x.title}
        subtitle={`${t(`exercises.type.${x.type}`)} · ${t(`exercises.family.${x.family}`)}${x.my_role ? ' · ' + t(`exercises.role.${x.my_role}`) : ''}${x.my_team ? ' · ' + x.my_team : ''}`}
        back={{ to: '/exercises', label: t('exercises.list.title') }}
      />
      <ClockBar x={x} live={live} />
      <div className="ex-tabs" role="tablist">
        {tabs.map((k) => (
          <button key={k} role="tab" aria-selected={tab === k} onClick={() => setTab(k)} data-testid={`tab-${k}`}>
            {t(`exercises.tab.${k}`)}
          </button>
        ))}
      </div>
      {tab === 'overview' && <OverviewTab x={x} />}
      {tab === 'control' && <ControlTab x={x} />}
      {tab === 'play' && <PlayTab x={x} />}
      {tab === 'evaluate' && <EvaluateTab x={x} />}
      {tab === 'report' && <ReportTab x={x} />}
    </>
  );
}

function ClockBar({ x, live }: { x: Overview; live: boolean }) {
  const { t, locale } = useT();
  const clock: Clock = x.clock;
  const scen = useScenarioTime(clock);
  const { error, run } = useAction(x.code);
  const [minutes, setMinutes] = useState('30');
  const act = (action: string, extra: object = {}) => run(() => post(`${X}/${encodeURIComponent(x.code)}/clock`, { action, ...extra }));
  return (
    <div className="ex-clock" data-testid="exercise-clock" data-state={clock.state}>
      <div>
        <div className="small muted">{t('exercises.clock.scenarioTime')}</div>
        <div className="ex-time" data-testid="scenario-time">{scen ? formatDateTime(scen.toISOString(), locale) : '—'}</div>
      </div>
      <Badge tone={clock.state === 'running' ? 'ok' : clock.state === 'paused' ? 'warn' : 'neutral'}>
        <span data-testid="clock-state">{t(`exercises.clock.${clock.state}`)}</span>
      </Badge>
      <span className="ex-live" data-connected={live ? 'true' : 'false'}>{live ? t('exercises.live.on') : t('exercises.live.off')}</span>
      {x.can.control && (
        <div className="ex-actions">
          {clock.state === 'not_started' && <button className="btn btn-primary" onClick={() => act('start')}>{t('exercises.clock.start')}</button>}
          {clock.state === 'running' && <button className="btn" onClick={() => act('pause')}>{t('exercises.clock.pause')}</button>}
          {clock.state === 'paused' && <button className="btn btn-primary" onClick={() => act('resume')}>{t('exercises.clock.resume')}</button>}
          {(clock.state === 'running' || clock.state === 'paused') && (
            <>
              <input aria-label={t('exercises.clock.jumpMinutes')} type="number" min={1} value={minutes} onChange={(e) => setMinutes(e.target.value)} style={{ width: '5rem' }} data-testid="jump-minutes" />
              <button className="btn" onClick={() => act('jump', { minutes: Number(minutes) })}>{t('exercises.clock.jump')}</button>
              <button className="btn" onClick={() => act('end')}>{t('exercises.clock.end')}</button>
            </>
          )}
        </div>
      )}
      {error && <FormMessage>{error}</FormMessage>}
    </div>
  );
}

function OverviewTab({ x }: { x: Overview }) {
  const { t, locale } = useT();
  return (
    <div className="ex-grid">
      <div className="card">
        <Facts
          items={[
            [t('exercises.field.code'), <bdi>{x.code}</bdi>],
            [t('exercises.field.startex'), formatDateTime(x.startex, locale)],
            [t('exercises.field.plan'), x.plan.title ? `${x.plan.title}${x.plan.version ? ` (${t('exercises.field.planVersion')} ${x.plan.version})` : ''}` : '—'],
            [t('exercises.overview.agencies'), x.agencies.map((a) => (locale === 'fa' ? a.name_fa : a.name_en)).join(locale === 'fa' ? '، ' : ', ') || '—'],
            [t('exercises.overview.injects'), formatNumber(x.inject_count, locale)],
          ]}
        />
        <h2>{t('exercises.overview.objectives')}</h2>
        {x.objectives.length ? (
          <ul>{x.objectives.map((o) => <li key={o.code}><b><bdi>{o.code}</bdi></b> — {o.text} <span className="muted">({o.capability})</span></li>)}</ul>
        ) : <p className="muted">{t('exercises.none')}</p>}
        <h2>{t('exercises.overview.targets')}</h2>
        {x.targets.length ? (
          <ul>
            {x.targets.map((tg) => (
              <li key={tg.code}>
                <b><bdi>{tg.code}</bdi></b> {tg.capability}: {tg.description}
                {tg.threshold && <span className="muted"> — {tg.threshold}</span>}
                {tg.tasks.length > 0 && <ul>{tg.tasks.map((k) => <li key={k.id}>{k.code}: {k.description}</li>)}</ul>}
              </li>
            ))}
          </ul>
        ) : <p className="muted">{t('exercises.none')}</p>}
      </div>
      <div className="card">
        <h2>{t('exercises.overview.teams')}</h2>
        {x.teams.length ? <ul>{x.teams.map((tm) => <li key={tm.code}><bdi>{tm.code}</bdi> — {tm.name}{tm.agency && <span className="muted"> ({tm.agency})</span>}</li>)}</ul> : <p className="muted">{t('exercises.none')}</p>}
        <h2>{t('exercises.overview.people')}</h2>
        {x.participants.length ? (
          <ul data-testid="participants">{x.participants.map((p) => <li key={p.id}>{p.name} — {t(`exercises.role.${p.role}`)}{p.team && ` · ${p.team}`}</li>)}</ul>
        ) : <p className="muted">{t('exercises.none')}</p>}
        {x.can.manage && <DesignForms x={x} />}
      </div>
      <div className="card">
        {x.personas.length > 0 && (
          <>
            <h2>{t('exercises.overview.personas')}</h2>
            <ul>{x.personas.map((p) => <li key={p.code}><bdi>{p.code}</bdi> — {p.name}{p.description && <span className="muted"> ({p.description})</span>}</li>)}</ul>
          </>
        )}
        <h2>{t('exercises.overview.meetings')}</h2>
        {x.meetings.length ? (
          <ul data-testid="meetings">
            {x.meetings.map((m) => (
              <li key={m.id}>
                {t(`exercises.meeting.${m.kind}`)} — {formatDate(m.held_on, locale)}
                {m.notes && <div className="small muted">{m.notes}</div>}
                {m.action_items.length > 0 && <ul>{m.action_items.map((a) => <li key={a.id}>{a.text}{a.owner && ` — ${a.owner}`}{a.due_on && ` (${formatDate(a.due_on, locale)})`}</li>)}</ul>}
              </li>
            ))}
          </ul>
        ) : <p className="muted">{t('exercises.none')}</p>}
        {x.can.manage && <MeetingForm x={x} />}
      </div>
      {x.my_role && <FeedbackForm x={x} />}
    </div>
  );
}

function DesignForms({ x }: { x: Overview }) {
  const { t } = useT();
  const { error, run } = useAction(x.code);
  const [team, setTeam] = useState({ code: '', name: '', agency: '' });
  const [person, setPerson] = useState({ role: 'player', username: '', team: '' });
  const base = `${X}/${encodeURIComponent(x.code)}`;
  return (
    <>
      <form
        className="ex-form"
        onSubmit={async (e) => {
          e.preventDefault();
          if (await run(() => post(`${base}/teams`, { ...team, agency: team.agency || null }))) setTeam({ code: '', name: '', agency: '' });
        }}
      >
        <h3>{t('exercises.overview.addTeam')}</h3>
        <TextField label={t('exercises.field.code')} value={team.code} onChange={(v) => setTeam({ ...team, code: v })} required />
        <TextField label={t('exercises.field.name')} value={team.name} onChange={(v) => setTeam({ ...team, name: v })} required />
        <TextField label={t('exercises.field.agency')} value={team.agency} onChange={(v) => setTeam({ ...team, agency: v })} />
        <div><button className="btn" type="submit">{t('exercises.add')}</button></div>
      </form>
      <form
        className="ex-form"
        onSubmit={async (e) => {
          e.preventDefault();
          if (await run(() => post(`${base}/participants`, { ...person, team: person.team || null }))) setPerson({ role: 'player', username: '', team: '' });
        }}
      >
        <h3>{t('exercises.overview.addPerson')}</h3>
        <SelectField label={t('exercises.field.role')} value={person.role} onChange={(v) => setPerson({ ...person, role: v })} options={ROLES.map((r) => ({ value: r, label: t(`exercises.role.${r}`) }))} />
        <TextField label={t('exercises.field.username')} value={person.username} onChange={(v) => setPerson({ ...person, username: v })} required />
        <SelectField label={t('exercises.field.team')} value={person.team} onChange={(v) => setPerson({ ...person, team: v })} placeholder="—" options={x.teams.map((tm) => ({ value: tm.code, label: tm.name }))} />
        <div><button className="btn" type="submit">{t('exercises.add')}</button></div>
      </form>
      {error && <FormMessage>{error}</FormMessage>}
    </>
  );
}

function MeetingForm({ x }: { x: Overview }) {
  const { t } = useT();
  const { error, run } = useAction(x.code);
  const [m, setM] = useState({ kind: 'initial', held_on: '', notes: '', action: '', owner: '', due_on: '' });
  return (
    <form
      className="ex-form"
      onSubmit={async (e) => {
        e.preventDefault();
        const body = { kind: m.kind, held_on: m.held_on, notes: m.notes || null, action_items: m.action ? [{ text: m.action, owner: m.owner || null, due_on: m.due_on || null }] : [] };
        if (await run(() => post(`${X}/${encodeURIComponent(x.code)}/meetings`, body))) setM({ kind: 'initial', held_on: '', notes: '', action: '', owner: '', due_on: '' });
      }}
    >
      <h3>{t('exercises.overview.addMeeting')}</h3>
      <SelectField label={t('exercises.overview.meetingKind')} value={m.kind} onChange={(v) => setM({ ...m, kind: v })} options={MEETING_KINDS.map((k) => ({ value: k, label: t(`exercises.meeting.${k}`) }))} />
      <DateInput label={t('exercises.overview.heldOn')} value={m.held_on || null} onChange={(v) => setM({ ...m, held_on: v ?? '' })} required />
      <label>{t('exercises.overview.notes')}<textarea value={m.notes} onChange={(e) => setM({ ...m, notes: e.target.value })} /></label>
      <TextField label={t('exercises.overview.actionItem')} value={m.action} onChange={(v) => setM({ ...m, action: v })} />
      <TextField label={t('exercises.overview.actionOwner')} value={m.owner} onChange={(v) => setM({ ...m, owner: v })} />
      <DateInput label={t('exercises.plan.due')} value={m.due_on || null} onChange={(v) => setM({ ...m, due_on: v ?? '' })} />
      {error && <FormMessage>{error}</FormMessage>}
      <div><button className="btn" type="submit">{t('exercises.add')}</button></div>
    </form>
  );
}

const MEETING_KINDS = ['concept_objectives', 'initial', 'midterm', 'msel', 'final', 'after_action', 'other'] as const;

function FeedbackForm({ x }: { x: Overview }) {
  const { t } = useT();
  const { error, run } = useAction(x.code);
  const [f, setF] = useState({ rating: '4', strengths: '', improvements: '' });
  const [sent, setSent] = useState(false);
  return (
    <form
      className="card ex-form"
      onSubmit={async (e) => {
        e.preventDefault();
        setSent(await run(() => post(`${X}/${encodeURIComponent(x.code)}/feedback`, { rating: Number(f.rating), strengths: f.strengths || null, improvements: f.improvements || null })));
      }}
    >
      <h2>{t('exercises.feedback.title')}</h2>
      <SelectField label={t('exercises.feedback.rating')} value={f.rating} onChange={(v) => setF({ ...f, rating: v })} options={['1', '2', '3', '4', '5'].map((n) => ({ value: n, label: t(`exercises.feedback.r${n}`) }))} />
      <label>{t('exercises.feedback.strengths')}<textarea value={f.strengths} onChange={(e) => setF({ ...f, strengths: e.target.value })} /></label>
      <label>{t('exercises.feedback.improvements')}<textarea value={f.improvements} onChange={(e) => setF({ ...f, improvements: e.target.value })} /></label>
      {error && <FormMessage>{error}</FormMessage>}
      {sent && <FormMessage kind="success">{t('exercises.saved')}</FormMessage>}
      <div><button className="btn" type="submit">{t('exercises.send')}</button></div>
    </form>
  );
}

function ControlTab({ x }: { x: Overview }) {
  const { t, locale } = useT();
  const q = useControl(x.code, true);
  const { error, run } = useAction(x.code);
  const qc = useQueryClient();
  const base = `${X}/${encodeURIComponent(x.code)}`;
  const send = (n: string) => run(() => post(`${base}/injects/${encodeURIComponent(n)}/send`)).then(() => qc.invalidateQueries({ queryKey: xKeys.part(x.code, 'control') }));
  return (
    <>
      <p>
        <a href={`${base}/msel.xlsx?lang=${locale}`} data-testid="msel-download">{t('exercises.control.download')}</a>
      </p>
      {x.can.manage && <MselImport x={x} />}
      {x.can.manage && <SurgeScenario x={x} />}
      <Timeline x={x} />
      {error && <FormMessage>{error}</FormMessage>}
      <QueryView query={q} isEmpty={(d) => !d.injects.length} empty={<p className="muted">{t('exercises.control.empty')}</p>}>
        {(d) => (
          <TableWrap label={t('exercises.control.title')}>
            <table className="table" data-testid="msel">
              <thead>
                <tr>
                  <th scope="col">{t('exercises.inject.number')}</th>
                  <th scope="col">{t('exercises.inject.time')}</th>
                  <th scope="col">{t('exercises.inject.to')}</th>
                  <th scope="col">{t('exercises.inject.subject')}</th>
                  <th scope="col">{t('exercises.inject.status')}</th>
                  <th scope="col">{t('exercises.inject.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {d.injects.map((i) => (
                  <tr key={i.number} data-number={i.number} data-status={i.status}>
                    <td><bdi>{formatDigits(i.number, locale)}</bdi>{i.contingency && <div><Badge tone="info">{t('exercises.inject.contingency')}</Badge></div>}</td>
                    <td className="nowrap">{formatDateTime(i.scheduled_at, locale)}{i.phase && <div className="small muted">{i.phase}</div>}</td>
                    <td>{i.to.join(locale === 'fa' ? '، ' : ', ')}</td>
                    <td>{i.subject}{i.expected_action && <div className="small muted">{t('exercises.inject.expected')}: {i.expected_action}</div>}</td>
                    <td className={`ex-status-${i.status}`}>
                      {t(`exercises.status.${i.status}`)}
                      {i.seconds_to_respond !== null && <div className="small">{t('exercises.control.respondedIn', { n: formatNumber(Math.round(i.seconds_to_respond / 60), locale) })}</div>}
                    </td>
                    <td>{x.can.control && i.status === 'planned' && <button className="btn" onClick={() => send(i.number)}>{t('exercises.control.sendNow')}</button>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </QueryView>
    </>
  );
}

function MselImport({ x }: { x: Overview }) {
  const { t } = useT();
  const qc = useQueryClient();
  const [result, setResult] = useState<{ ok: boolean; text: string; problems?: any[] } | null>(null);
  const upload = async (file: File) => {
    const buf = new Uint8Array(await file.arrayBuffer());
    let bin = '';
    for (let i = 0; i < buf.length; i += 0x8000) bin += String.fromCharCode(...buf.subarray(i, i + 0x8000));
    try {
      const r = await post<any>(`${X}/${encodeURIComponent(x.code)}/msel/import`, { file_name: file.name, content_base64: btoa(bin) });
      setResult({ ok: true, text: t('exercises.import.done', { n: r.added }) });
      await qc.invalidateQueries({ queryKey: xKeys.one(x.code) });
    } catch (err) {
      const d = err instanceof ApiError ? err : null;
      setResult({ ok: false, text: d?.message ?? t('common.unexpectedError') });
    }
  };
  return (
    <details className="card">
      <summary>{t('exercises.import.title')}</summary>
      <p className="small muted">{t('exercises.import.help')}</p>
      <input type="file" accept=".csv,.xlsx" aria-label={t('exercises.import.title')} onChange={(e) => e.target.files?.[0] && upload(e.target.files[0])} />
      {result && <FormMessage kind={result.ok ? 'success' : 'error'}>{result.text}</FormMessage>}
    </details>
  );
}

/** Everything that happened, in order, with wall and scenario time (for replay and the debrief). */
function Timeline({ x }: { x: Overview }) {
  const { t, locale } = useT();
  const [open, setOpen] = useState(false);
  const q = useQuery({ queryKey: xKeys.part(x.code, 'timeline'), queryFn: () => get<{ events: { id: number; at: string; scenario_at: string | null; kind: string; inject: string | null; teams: string[] | null; actor: string | null; details: any }[] }>(`${X}/${encodeURIComponent(x.code)}/timeline`), enabled: open });
  return (
    <details className="card" onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>{t('exercises.timeline.title')}</summary>
      {open && (
        <QueryView query={q} isEmpty={(d) => !d.events.length} empty={<p className="muted">{t('exercises.none')}</p>}>
          {(d) => (
            <TableWrap label={t('exercises.timeline.title')}>
              <table className="table" data-testid="timeline">
                <thead>
                  <tr>
                    <th scope="col">{t('exercises.timeline.wall')}</th>
                    <th scope="col">{t('exercises.clock.scenarioTime')}</th>
                    <th scope="col">{t('exercises.timeline.event')}</th>
                    <th scope="col">{t('exercises.timeline.who')}</th>
                  </tr>
                </thead>
                <tbody>
                  {d.events.map((e) => (
                    <tr key={e.id}>
                      <td className="nowrap">{formatDateTime(e.at, locale)}</td>
                      <td className="nowrap">{e.scenario_at ? formatDateTime(e.scenario_at, locale) : '—'}</td>
                      <td>
                        {e.kind === 'clock' ? t(`exercises.timeline.clock_${e.details?.action ?? 'start'}`) : t(`exercises.timeline.${e.kind}`, { number: formatDigits(e.inject ?? '', locale) })}
                        {e.teams && <span className="muted"> ({e.teams.join(locale === 'fa' ? '، ' : ', ')})</span>}
                      </td>
                      <td>{e.actor ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        </QueryView>
      )}
    </details>
  );
}

/** Surge injects from flow data: a month of one FMP's daily movements × a factor, one inject a scenario day. */
function SurgeScenario({ x }: { x: Overview }) {
  const { t, locale } = useT();
  const fmps = useFmps('flows.read');
  const qc = useQueryClient();
  const [f, setF] = useState({ fmp: x.fmp_code ?? '', month: '', factor: '2', teams: x.teams.map((tm) => tm.code).join(',') });
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const r = await post<{ added: number; days: { above_threshold: boolean; above_capacity: boolean }[] }>(`${X}/${encodeURIComponent(x.code)}/scenario/flows`, {
        fmp: f.fmp, month: f.month, factor: Number(f.factor), teams: f.teams.split(/[,،\s]+/).filter(Boolean),
      });
      setMsg({ ok: true, text: t('exercises.surge.done', { n: formatNumber(r.added, locale), above: formatNumber(r.days.filter((d) => d.above_threshold || d.above_capacity).length, locale) }) });
      await qc.invalidateQueries({ queryKey: xKeys.one(x.code) });
    } catch (err) {
      setMsg({ ok: false, text: err instanceof ApiError ? err.message : t('common.unexpectedError') });
    }
  };
  return (
    <details className="card">
      <summary>{t('exercises.surge.title')}</summary>
      <form className="ex-form" onSubmit={submit}>
        <p className="small muted">{t('exercises.surge.help')}</p>
        <SelectField label={t('exercises.surge.fmp')} value={f.fmp} onChange={(v) => setF({ ...f, fmp: v })} required placeholder="—" options={(fmps.data ?? []).map((m) => ({ value: m.code, label: locale === 'fa' ? m.name_fa : m.name_en }))} />
        <TextField label={t('exercises.surge.month')} hint="YYYY-MM" value={f.month} onChange={(v) => setF({ ...f, month: v })} required pattern="\d{4}-\d{2}" />
        <TextField label={t('exercises.surge.factor')} type="number" step="0.1" min="0.1" value={f.factor} onChange={(v) => setF({ ...f, factor: v })} required />
        <TextField label={t('exercises.surge.teams')} value={f.teams} onChange={(v) => setF({ ...f, teams: v })} required />
        {msg && <FormMessage kind={msg.ok ? 'success' : 'error'}>{msg.text}</FormMessage>}
        <div><button className="btn" type="submit">{t('exercises.surge.build')}</button></div>
      </form>
    </details>
  );
}

function PlayTab({ x }: { x: Overview }) {
  const { t, locale } = useT();
  const q = usePlay(x.code, true);
  const { error, run } = useAction(x.code);
  const qc = useQueryClient();
  const [entry, setEntry] = useState({ kind: 'action', text: '', inject: '' });
  const base = `${X}/${encodeURIComponent(x.code)}`;
  const refresh = () => qc.invalidateQueries({ queryKey: xKeys.part(x.code, 'play') });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await run(() => post(`${base}/log`, { kind: entry.kind, text: entry.text, inject: entry.inject || null }))) {
      setEntry({ kind: 'action', text: '', inject: '' });
      await refresh();
    }
  };
  return (
    <QueryView query={q}>
      {(d) => (
        <>
          <div data-testid="player-injects">
            {d.injects.length === 0 && <p className="muted">{t('exercises.play.waiting')}</p>}
            {[...d.injects].reverse().map((i) => (
              <article key={i.number} className={`ex-inject${i.acknowledged_at ? '' : ' ex-new'}`} data-number={i.number}>
                <div className="small muted">{t('exercises.markShort')} · {t(`exercises.channel.${i.channel}`)}{i.from && ` · ${i.from}`} · {formatDateTime(i.scenario_at ?? i.delivered_at, locale)}</div>
                <h3>{i.subject}</h3>
                <div className="ex-content">{i.content}</div>
                <div className="ex-row">
                  {i.acknowledged_at ? (
                    <Badge tone="ok">{t('exercises.play.acknowledged')}</Badge>
                  ) : (
                    <button className="btn btn-primary" onClick={() => run(() => post(`${base}/injects/${encodeURIComponent(i.number)}/ack`)).then(refresh)}>{t('exercises.play.acknowledge')}</button>
                  )}
                </div>
              </article>
            ))}
          </div>
          <form className="card ex-form" onSubmit={submit}>
            <h2>{t('exercises.play.log')}</h2>
            <SelectField label={t('exercises.play.kind')} value={entry.kind} onChange={(v) => setEntry({ ...entry, kind: v })} options={['action', 'decision', 'response'].map((k) => ({ value: k, label: t(`exercises.logKind.${k}`) }))} />
            <SelectField label={t('exercises.play.inject')} value={entry.inject} onChange={(v) => setEntry({ ...entry, inject: v })} placeholder="—" options={d.injects.map((i) => ({ value: i.number, label: `${i.number} — ${i.subject}` }))} />
            <label>{t('exercises.play.text')}<textarea required value={entry.text} onChange={(e) => setEntry({ ...entry, text: e.target.value })} /></label>
            {error && <FormMessage>{error}</FormMessage>}
            <div><button className="btn" type="submit">{t('exercises.send')}</button></div>
          </form>
          {d.log.length > 0 && (
            <ul className="small">{d.log.map((l) => <li key={l.id}>{formatDateTime(l.at, locale)} — {t(`exercises.logKind.${l.kind}`)}{l.inject && ` (${l.inject})`}: {l.text}</li>)}</ul>
          )}
        </>
      )}
    </QueryView>
  );
}

function EvaluateTab({ x }: { x: Overview }) {
  const { t, locale } = useT();
  const q = useEvaluation(x.code, true);
  const { error, run } = useAction(x.code);
  const qc = useQueryClient();
  const base = `${X}/${encodeURIComponent(x.code)}`;
  const refresh = () => qc.invalidateQueries({ queryKey: xKeys.part(x.code, 'evaluation') });
  const [note, setNote] = useState({ kind: 'strength', text: '' });
  return (
    <QueryView query={q}>
      {(ev) => (
        <>
          {error && <FormMessage>{error}</FormMessage>}
          <div className="ex-grid">
            {x.targets.map((tg) => (
              <RatingForm key={tg.code} target={tg} mine={ev.mine.ratings.find((r: any) => r.target === tg.code)} tasksDone={ev.mine.tasks} onSave={(body) => run(() => post(`${base}/ratings`, body)).then(refresh)} onTask={(id, performed) => run(() => post(`${base}/tasks/${id}/observation`, { performed })).then(refresh)} />
            ))}
          </div>
          <div className="card">
            <h2>{t('exercises.evaluate.summary')}</h2>
            <Facts
              items={[
                [t('exercises.evaluate.tasksPerformed'), ev.tasks.share_performed === null ? '—' : formatNumber(ev.tasks.share_performed, locale, { style: 'percent' })],
                [t('exercises.evaluate.medianResponse'), ev.median_seconds_to_respond === null ? '—' : t('exercises.minutes', { n: formatNumber(Math.round(ev.median_seconds_to_respond / 60), locale) })],
                ...ev.capabilities.map((c: any) => [c.capability, c.rating ? t(`exercises.rating.${c.rating}`) : '—'] as [string, string]),
              ]}
            />
          </div>
          <form
            className="card ex-form"
            onSubmit={async (e) => {
              e.preventDefault();
              if (await run(() => post(`${base}/hotwash`, note))) setNote({ kind: 'strength', text: '' });
              await refresh();
            }}
          >
            <h2>{t('exercises.evaluate.hotwash')}</h2>
            <SelectField label={t('exercises.evaluate.kind')} value={note.kind} onChange={(v) => setNote({ ...note, kind: v })} options={['strength', 'improvement'].map((k) => ({ value: k, label: t(`exercises.evaluate.${k}`) }))} />
            <label>{t('exercises.play.text')}<textarea required value={note.text} onChange={(e) => setNote({ ...note, text: e.target.value })} /></label>
            <div><button className="btn" type="submit">{t('exercises.add')}</button></div>
          </form>
        </>
      )}
    </QueryView>
  );
}

function RatingForm({ target, mine, tasksDone, onSave, onTask }: { target: Overview['targets'][number]; mine?: { rating: string; observations: string | null }; tasksDone: { id: number; performed: boolean }[]; onSave: (b: object) => unknown; onTask: (id: number, performed: boolean) => unknown }) {
  const { t } = useT();
  const [rating, setRating] = useState(mine?.rating ?? '');
  const [obs, setObs] = useState(mine?.observations ?? '');
  return (
    <form
      className="card ex-form"
      data-testid={`rate-${target.code}`}
      onSubmit={(e) => {
        e.preventDefault();
        onSave({ target: target.code, rating, observations: obs || null });
      }}
    >
      <h3><bdi>{target.code}</bdi> — {target.capability}</h3>
      <p className="small">{target.description}{target.threshold && ` (${target.threshold})`}</p>
      <SelectField label={t('exercises.evaluate.rating')} value={rating} onChange={setRating} required placeholder="—" options={['P', 'S', 'M', 'U'].map((r) => ({ value: r, label: `${r} — ${t(`exercises.rating.${r}`)}` }))} />
      <label>{t('exercises.evaluate.observations')}<textarea value={obs} onChange={(e) => setObs(e.target.value)} /></label>
      {target.tasks.map((k) => (
        <label key={k.id} className="small">
          <input type="checkbox" checked={tasksDone.some((d) => d.id === k.id && d.performed)} onChange={(e) => onTask(k.id, e.target.checked)} /> {t('exercises.evaluate.taskPerformed', { task: `${k.code}: ${k.description}` })}
        </label>
      ))}
      <div>{mine && <Badge tone="ok">{t(`exercises.rating.${mine.rating}`)}</Badge>} <button className="btn btn-primary" type="submit">{t('exercises.save')}</button></div>
    </form>
  );
}

function ReportTab({ x }: { x: Overview }) {
  const { t } = useT();
  const { error, run } = useAction(x.code);
  const [status, setStatus] = useState<string | null>(null);
  const [held, setHeld] = useState('');
  const [item, setItem] = useState({ capability: '', title: '', poete: 'planning', owner_agency: '', due_on: '' });
  const base = `${X}/${encodeURIComponent(x.code)}`;
  return (
    <div className="ex-grid">
      <div className="card ex-form">
        <h2>{t('exercises.report.title')}</h2>
        <div><button className="btn btn-primary" onClick={() => run(() => post(`${base}/report/draft`)).then((ok) => ok && setStatus(t('exercises.report.drafted')))}>{t('exercises.report.generate')}</button></div>
        {status && <FormMessage kind="success">{status}</FormMessage>}
        <p>
          <a href={`${base}/report.html?lang=fa`} target="_blank" rel="noreferrer">{t('exercises.report.htmlFa')}</a> · <a href={`${base}/report.html?lang=en`} target="_blank" rel="noreferrer">{t('exercises.report.htmlEn')}</a> ·{' '}
          <a href={`${base}/report.pdf?lang=fa`}>{t('exercises.report.pdfFa')}</a> · <a href={`${base}/report.pdf?lang=en`}>{t('exercises.report.pdfEn')}</a>
        </p>
        {x.can.manage && (
          <form
            className="ex-form"
            onSubmit={(e) => {
              e.preventDefault();
              run(() => post(`${base}/report/validate`, { held_on: held })).then((ok) => ok && setStatus(t('exercises.report.validated')));
            }}
          >
            <DateInput label={t('exercises.report.meetingOn')} value={held || null} onChange={(v) => setHeld(v ?? '')} required />
            <div><button className="btn" type="submit">{t('exercises.report.validate')}</button></div>
          </form>
        )}
        {error && <FormMessage>{error}</FormMessage>}
      </div>
      {x.can.manage && (
        <form
          className="card ex-form"
          onSubmit={(e) => {
            e.preventDefault();
            run(() => post(`${base}/improvements`, item)).then((ok) => ok && setItem({ ...item, title: '' }));
          }}
        >
          <h2>{t('exercises.plan.add')}</h2>
          <TextField label={t('exercises.plan.capability')} value={item.capability} onChange={(v) => setItem({ ...item, capability: v })} required />
          <TextField label={t('exercises.plan.item')} value={item.title} onChange={(v) => setItem({ ...item, title: v })} required />
          <SelectField label="POETE" value={item.poete} onChange={(v) => setItem({ ...item, poete: v })} options={POETE.map((p) => ({ value: p, label: t(`exercises.poete.${p}`) }))} />
          <SelectField label={t('exercises.plan.owner')} value={item.owner_agency} onChange={(v) => setItem({ ...item, owner_agency: v })} required placeholder="—" options={x.agencies.map((a) => ({ value: a.code, label: a.code }))} />
          <DateInput label={t('exercises.plan.due')} value={item.due_on || null} onChange={(v) => setItem({ ...item, due_on: v ?? '' })} required />
          <div><button className="btn" type="submit">{t('exercises.add')}</button></div>
        </form>
      )}
    </div>
  );
}
