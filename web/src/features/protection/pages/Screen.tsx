// Screening at a point of entry: a short form with minimal data. A child's screening needs the
// best-interests step. Without a connection the screening waits on the device encrypted
// (offline.ts) and is sent when the connection returns; the page itself keeps nothing.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useT } from '../../../app/useT.ts';
import { ApiError, get, post } from '../../../app/api.ts';
import { useAuth } from '../../../app/auth.tsx';
import { today } from '../../../app/format.ts';
import { PageHeader, usePageTitle } from '../../../components/ui.tsx';
import { Checkbox, FormMessage, SelectField, TextField } from '../../../components/Field.tsx';
import { DateInput } from '../../../components/DateInput.tsx';
import { useFmps } from '../../places/api.ts';
import { nameOf } from '../../../app/types.ts';
import { enqueue, flush, hasKey, loadKey, queuedCount, uuid } from '../offline.ts';
import { EXPLOITATION, FIELD_GROUPS, OUTCOMES, SERVICES, SEXES, URGENT_REASONS, agenciesWith, useIndicators, type Indicator } from '../api.ts';

const toggle = (list: string[], v: string, on: boolean) => (on ? [...new Set([...list, v])] : list.filter((x) => x !== v));

export default function Screen() {
  const { t, locale } = useT();
  usePageTitle(t('protection.screen.title'));
  const { user } = useAuth();
  const fmps = useFmps();
  const indicators = useIndicators();
  const agencies = useQuery({ queryKey: ['agencies'], queryFn: ({ signal }) => get<{ id: number; name_en: string; name_fa: string }[]>('/api/v1/agencies', undefined, signal) });
  const mine = agenciesWith(user, 'protection.screen');
  const blank = () => ({
    agency: mine.length === 1 ? String(mine[0]) : '', fmp: '', screened_on: today(), sex: '', age: '', nationality: '', given_name: '', family_name: '',
    indicators: [] as string[], assessment: '', outcome: '', urgent: [] as string[], exploitation: [] as string[],
    bia_separated: false, bia_guardian: false, bia_text: '',
    share_fields: [] as string[], share_with: [] as string[], statistics: false, retention_told: false,
  });
  const [f, setF] = useState(blank);
  const set = <K extends keyof ReturnType<typeof blank>>(k: K, v: ReturnType<typeof blank>[K]) => setF((x) => ({ ...x, [k]: v }));
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [queued, setQueued] = useState(queuedCount());
  const [offlineMsg, setOfflineMsg] = useState<string | null>(null);
  const send = async (body: unknown) => {
    await post('/api/v1/protection/screenings', body);
  };
  useEffect(() => {
    if (!user) return;
    let alive = true;
    const sync = async () => {
      if (!(await loadKey(user.id)) || !alive) return;
      try {
        const n = await flush(send);
        if (n && alive) setOfflineMsg(t('protection.screen.flushed', { n }));
      } catch {
        /* still offline, or refused: stays queued */
      }
      if (alive) setQueued(queuedCount());
    };
    void sync();
    window.addEventListener('online', sync);
    return () => {
      alive = false;
      window.removeEventListener('online', sync);
    };
  }, [user?.id]);
  const child = f.age !== '' && Number(f.age) < 18;
  const lists = useMemo(() => {
    const by = new Map<string, Indicator[]>();
    for (const i of indicators.data?.indicators ?? []) by.set(i.list, [...(by.get(i.list) ?? []), i]);
    return [...by.entries()];
  }, [indicators.data]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setBusy(true);
    const body = {
      case_id: uuid(), screening_id: uuid(),
      owner_agency_id: Number(f.agency), fmp: f.fmp, screened_on: f.screened_on, sex: f.sex, age: f.age === '' ? null : Number(f.age), nationality: f.nationality.trim().toUpperCase() || null,
      given_name: f.given_name || null, family_name: f.family_name || null, indicators: f.indicators, assessment: f.assessment || null, outcome: f.outcome, urgent_reasons: f.urgent, exploitation: f.exploitation,
      best_interests: child ? { separated_or_unaccompanied: f.bia_separated, guardian_identified: f.bia_guardian, assessment: f.bia_text } : null,
      consent: { share_fields: f.share_fields, share_with: f.share_with, statistics: f.statistics, retention_told: f.retention_told },
    };
    try {
      const r = await post<{ case_id: string }>('/api/v1/protection/screenings', body);
      setDone(r.case_id);
      setF(blank()); // nothing about the person stays on the page
    } catch (err) {
      if (err instanceof ApiError && err.code === 'network' && user && hasKey(user.id)) {
        await enqueue(body);
        setQueued(queuedCount());
        setOfflineMsg(t('protection.screen.queued'));
        setF(blank());
      } else setError(err instanceof ApiError ? (err.code === 'network' ? t('protection.screen.noKey') : err.message) : t('common.unexpectedError'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="page narrow">
      <PageHeader title={t('protection.screen.title')} subtitle={t('protection.screen.subtitle')} />
      <FormMessage kind="info">{t('protection.screen.offlineNote')}</FormMessage>
      <FormMessage kind="success">{offlineMsg}</FormMessage>
      {queued > 0 && <FormMessage kind="info">{t('protection.screen.waiting', { n: queued })}</FormMessage>}
      {done && (
        <FormMessage kind="success">
          {t('protection.screen.saved')} <Link to={`/protection/cases/${done}`}>{t('protection.screen.openCase')}</Link>
        </FormMessage>
      )}
      <form className="form" onSubmit={submit} aria-label={t('protection.screen.title')}>
        {mine.length !== 1 && (
          <SelectField label={t('protection.fields.agency')} required value={f.agency} onChange={(v) => set('agency', v)} placeholder={t('protection.choose')}
            options={(agencies.data ?? []).filter((a) => mine.includes(a.id)).map((a) => ({ value: String(a.id), label: nameOf(a, locale) }))} />
        )}
        <SelectField label={t('protection.fields.fmp')} required value={f.fmp} onChange={(v) => set('fmp', v)} placeholder={t('protection.choose')}
          options={(fmps.data ?? []).map((x) => ({ value: x.code, label: nameOf(x, locale) }))} />
        <DateInput label={t('protection.fields.screened_on')} required value={f.screened_on} onChange={(v) => set('screened_on', v ?? '')} />
        <SelectField label={t('protection.fields.sex')} required value={f.sex} onChange={(v) => set('sex', v)} placeholder={t('protection.choose')} options={SEXES.map((s) => ({ value: s, label: t(`protection.sex.${s}`) }))} />
        <TextField label={t('protection.fields.age')} type="number" inputMode="numeric" min={0} max={120} value={f.age} onChange={(v) => set('age', v)} />
        <TextField label={t('protection.fields.nationality')} hint={t('protection.screen.nationalityHint')} value={f.nationality} onChange={(v) => set('nationality', v)} maxLength={3} dir="ltr" />
        <TextField label={t('protection.fields.given_name')} value={f.given_name} onChange={(v) => set('given_name', v)} autoComplete="off" />
        <TextField label={t('protection.fields.family_name')} value={f.family_name} onChange={(v) => set('family_name', v)} autoComplete="off" />
        {lists.map(([list, items]) => (
          <fieldset key={list} className="fieldset">
            <legend>{t(`protection.indicatorLists.${list}`)}</legend>
            {items.map((i) => (
              <Checkbox key={i.code} label={locale === 'fa' ? i.label_fa : i.label_en} checked={f.indicators.includes(i.code)} onChange={(on) => set('indicators', toggle(f.indicators, i.code, on))} />
            ))}
          </fieldset>
        ))}
        <fieldset className="fieldset">
          <legend>{t('protection.fields.exploitation')}</legend>
          {EXPLOITATION.map((x) => <Checkbox key={x} label={t(`protection.exploitation.${x}`)} checked={f.exploitation.includes(x)} onChange={(on) => set('exploitation', toggle(f.exploitation, x, on))} />)}
        </fieldset>
        <div className="field">
          <label htmlFor="assessment">{t('protection.fields.assessment')}</label>
          <textarea id="assessment" rows={3} value={f.assessment} onChange={(e) => set('assessment', e.target.value)} />
        </div>
        <SelectField label={t('protection.fields.outcome')} required value={f.outcome} onChange={(v) => set('outcome', v)} placeholder={t('protection.choose')} options={OUTCOMES.map((o) => ({ value: o, label: t(`protection.outcome.${o}`) }))} />
        {f.outcome === 'urgent' && (
          <fieldset className="fieldset">
            <legend>{t('protection.fields.urgent_reasons')}</legend>
            {URGENT_REASONS.map((x) => <Checkbox key={x} label={t(`protection.urgent.${x}`)} checked={f.urgent.includes(x)} onChange={(on) => set('urgent', toggle(f.urgent, x, on))} />)}
          </fieldset>
        )}
        {child && (
          <fieldset className="fieldset">
            <legend>{t('protection.screen.bestInterests')}</legend>
            <Checkbox label={t('protection.screen.separated')} checked={f.bia_separated} onChange={(v) => set('bia_separated', v)} />
            <Checkbox label={t('protection.screen.guardian')} checked={f.bia_guardian} onChange={(v) => set('bia_guardian', v)} />
            <div className="field">
              <label htmlFor="bia" className="is-required">{t('protection.screen.biaAssessment')}</label>
              <textarea id="bia" rows={3} required value={f.bia_text} onChange={(e) => set('bia_text', e.target.value)} />
            </div>
          </fieldset>
        )}
        <fieldset className="fieldset">
          <legend>{t('protection.consent.title')}</legend>
          <Checkbox label={t('protection.consent.statistics')} checked={f.statistics} onChange={(v) => set('statistics', v)} />
          <Checkbox label={t('protection.consent.retentionTold')} checked={f.retention_told} onChange={(v) => set('retention_told', v)} />
          <p className="field-hint">{t('protection.consent.shareFields')}</p>
          {FIELD_GROUPS.map((g) => <Checkbox key={g} label={t(`protection.fieldGroups.${g}`)} checked={f.share_fields.includes(g)} onChange={(on) => set('share_fields', toggle(f.share_fields, g, on))} />)}
          <p className="field-hint">{t('protection.consent.shareWith')}</p>
          {SERVICES.map((s) => <Checkbox key={s} label={t(`protection.service.${s}`)} checked={f.share_with.includes(s)} onChange={(on) => set('share_with', toggle(f.share_with, s, on))} />)}
        </fieldset>
        <FormMessage>{error}</FormMessage>
        <button type="submit" className="btn btn-primary" disabled={busy}>{t('protection.screen.submit')}</button>
      </form>
    </section>
  );
}
