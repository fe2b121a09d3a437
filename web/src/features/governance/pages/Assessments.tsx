// Assessments: the list (filter by state and framework) and starting a new one.
import { useMemo, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { useT } from '../../../app/useT.ts';
import { useAuth } from '../../../app/auth.tsx';
import { holdsNationwide } from '../../admin/scope.ts';
import { ApiError, post } from '../../../app/api.ts';
import { formatDate, formatNumber, sortByName } from '../../../app/format.ts';
import { nameOf } from '../../../app/types.ts';
import { Checkbox, FormMessage, SelectField, TextField } from '../../../components/Field.tsx';
import { Badge, Dialog, PageHeader, TableWrap, usePageTitle } from '../../../components/ui.tsx';
import { QueryView } from '../../../components/States.tsx';
import { useProvinces } from '../../places/api.ts';
import { useAgencies } from '../../admin/api.ts';
import { G, STATUSES, STATUS_BADGE, assessmentTitle, govKeys, loc, useAssessments, useFrameworks } from '../api.ts';
import '../governance.css';

export default function Assessments() {
  const { t, locale } = useT();
  const { can } = useAuth();
  usePageTitle(t('governance.assessments.title'));
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? '';
  const framework = params.get('framework') ?? '';
  const list = useAssessments({ status: status || undefined, framework: framework || undefined });
  const frameworks = useFrameworks();
  const [creating, setCreating] = useState(false);

  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  };

  return (
    <section className="page">
      <PageHeader
        title={t('governance.assessments.title')}
        subtitle={t('governance.assessments.subtitle')}
        actions={
          can('governance.coordinate') && (
            <button type="button" className="btn btn-primary" onClick={() => setCreating(true)} data-testid="gov-new-assessment">
              {t('governance.assessments.new')}
            </button>
          )
        }
      />
      <div className="toolbar">
        <SelectField label={t('governance.fields.status')} value={status} onChange={(v) => set('status', v)} placeholder={t('governance.common.all')} options={STATUSES.map((s) => ({ value: s, label: t(`governance.status.${s}`) }))} />
        <SelectField
          label={t('governance.fields.framework')}
          value={framework}
          onChange={(v) => set('framework', v)}
          placeholder={t('governance.common.all')}
          options={(frameworks.data ?? []).filter((f) => f.kind === 'assessment').map((f) => ({ value: f.code, label: loc(f.title, locale) }))}
        />
      </div>
      <QueryView query={list} empty={t('governance.assessments.empty')}>
        {(rows) => (
          <TableWrap label={t('governance.assessments.title')}>
            <table className="table" data-testid="gov-assessments">
              <thead>
                <tr>
                  <th scope="col">{t('governance.fields.title')}</th>
                  <th scope="col">{t('governance.fields.framework')}</th>
                  <th scope="col">{t('governance.fields.scope')}</th>
                  <th scope="col">{t('governance.fields.round')}</th>
                  <th scope="col">{t('governance.fields.status')}</th>
                  <th scope="col">{t('governance.fields.answered')}</th>
                  <th scope="col">{t('governance.fields.updated')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((a) => (
                  <tr key={a.id}>
                    <td>
                      <Link to={`/governance/assessments/${a.id}`}>{assessmentTitle(a, locale)}</Link>
                    </td>
                    <td>
                      {loc({ en: a.framework_title_en, fa: a.framework_title_fa }, locale).slice(0, 60)}
                      <div className="small muted">
                        <bdi dir="ltr">{a.framework_version}</bdi>
                      </div>
                    </td>
                    <td>
                      {t(`governance.scope.${a.scope}`)}
                      {a.province_code && <div className="small muted">{locale === 'fa' ? a.province_fa : a.province_en}</div>}
                    </td>
                    <td className="nowrap">{t('governance.common.roundVersion', { round: formatNumber(a.round_no, locale), version: formatNumber(a.version_no, locale) })}</td>
                    <td>
                      <Badge tone={STATUS_BADGE[a.status]}>{t(`governance.status.${a.status}`)}</Badge>
                    </td>
                    <td className="num">
                      {formatNumber(a.answered, locale)} / {formatNumber(a.indicators, locale)}
                    </td>
                    <td className="nowrap">{formatDate(a.updated_at, locale)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </QueryView>
      <Dialog open={creating} onClose={() => setCreating(false)} title={t('governance.assessments.new')} wide>
        <NewAssessmentForm onDone={() => setCreating(false)} />
      </Dialog>
    </section>
  );
}

function NewAssessmentForm({ onDone }: { onDone: () => void }) {
  const { t, locale } = useT();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const frameworks = useFrameworks();
  // Coordinators start assessments in their provinces; a national one needs nationwide scope.
  const provinces = useProvinces('governance.coordinate');
  const national = holdsNationwide(useAuth().user, 'governance.coordinate');
  const agencies = useAgencies();
  const [f, setF] = useState({ title_en: '', title_fa: '', framework: 'sdg-10.7.2', version: '', scope: national ? 'national' : 'province', province_code: '', city_en: '', city_fa: '' });
  const [ministries, setMinistries] = useState<Set<number>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fw = frameworks.data?.find((x) => x.code === f.framework);
  const versions = useMemo(() => [...(fw?.versions ?? [])].reverse(), [fw]);
  const set = (k: keyof typeof f) => (v: string) => setF((s) => ({ ...s, [k]: v, ...(k === 'framework' ? { version: '' } : {}) }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await post<{ id: number }>(`${G}/assessments`, {
        title_en: f.title_en,
        title_fa: f.title_fa,
        framework: f.framework,
        version: f.version || versions[0]?.version || null,
        scope: f.scope,
        province_code: f.scope === 'national' ? null : f.province_code || null,
        city_en: f.scope === 'city' ? f.city_en : null,
        city_fa: f.scope === 'city' ? f.city_fa : null,
        ministries: [...ministries],
      });
      await qc.invalidateQueries({ queryKey: govKeys.all });
      onDone();
      navigate(`/governance/assessments/${r.id}`);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('common.unexpectedError'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={submit} data-testid="gov-new-form">
      {error && <FormMessage>{error}</FormMessage>}
      <div className="form-row">
        <TextField label={t('governance.fields.titleFa')} value={f.title_fa} onChange={set('title_fa')} dir="rtl" name="title_fa" />
        <TextField label={t('governance.fields.titleEn')} value={f.title_en} onChange={set('title_en')} dir="ltr" name="title_en" />
      </div>
      <div className="form-row">
        <SelectField
          label={t('governance.fields.framework')}
          value={f.framework}
          onChange={set('framework')}
          name="framework"
          options={(frameworks.data ?? []).filter((x) => x.kind === 'assessment').map((x) => ({ value: x.code, label: loc(x.title, locale) }))}
        />
        <SelectField
          label={t('governance.fields.frameworkVersion')}
          value={f.version || versions[0]?.version || ''}
          onChange={set('version')}
          name="version"
          options={versions.map((v) => ({ value: v.version, label: `${v.version} (${t('governance.frameworks.indicatorCount', { n: formatNumber(v.indicators, locale) })})` }))}
        />
      </div>
      <div className="form-row">
        <SelectField label={t('governance.fields.scope')} value={f.scope} onChange={set('scope')} name="scope" options={(national ? ['national', 'province', 'city'] : ['province', 'city']).map((s) => ({ value: s, label: t(`governance.scope.${s}`) }))} />
        {f.scope !== 'national' && (
          <SelectField label={t('governance.fields.province')} value={f.province_code} onChange={set('province_code')} name="province" placeholder="" required options={sortByName(provinces.data ?? [], locale).map((p) => ({ value: p.code, label: nameOf(p, locale) }))} />
        )}
      </div>
      {f.scope === 'city' && (
        <div className="form-row">
          <TextField label={t('governance.fields.cityFa')} value={f.city_fa} onChange={set('city_fa')} dir="rtl" />
          <TextField label={t('governance.fields.cityEn')} value={f.city_en} onChange={set('city_en')} dir="ltr" />
        </div>
      )}
      <fieldset className="field">
        <legend>{t('governance.fields.ministries')}</legend>
        <p className="field-hint">{t('governance.assessments.ministriesHint')}</p>
        <div className="check-grid">
          {sortByName((agencies.data ?? []).filter((a) => a.kind !== 'un' && a.kind !== 'ngo'), locale).map((a) => (
            <Checkbox
              key={a.id}
              label={nameOf(a, locale)}
              checked={ministries.has(a.id)}
              onChange={(v) => {
                const s = new Set(ministries);
                if (v) s.add(a.id);
                else s.delete(a.id);
                setMinistries(s);
              }}
              id={`gov-ministry-${a.code}`}
            />
          ))}
        </div>
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {t('governance.assessments.create')}
        </button>
        <button type="button" className="btn" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
