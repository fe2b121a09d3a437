// Provincial needs assessments: needs per province and round by theme, priority, evidence,
// responsible agency and status; recording a need and moving its status.
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useT } from '../../../app/useT.ts';
import { formatNumber, sortByName } from '../../../app/format.ts';
import { nameOf } from '../../../app/types.ts';
import { useAuth } from '../../../app/auth.tsx';
import { PageHeader, TableWrap, usePageTitle, Badge } from '../../../components/ui.tsx';
import { QueryView } from '../../../components/States.tsx';
import { SelectField, TextField, FormMessage } from '../../../components/Field.tsx';
import { useProvinces } from '../../places/api.ts';
import { useAgencies } from '../../admin/api.ts';
import { NEED_STATUSES, PRIORITIES, THEMES, useCreateNeed, useNeeds, useUpdateNeed } from '../api.ts';
import { toAsciiDigits } from '@platform/text.ts';
import '../provinces.css';

export default function Needs() {
  const { t, locale } = useT();
  const { can } = useAuth();
  usePageTitle(t('provinces.needs.title'));
  const [params, setParams] = useSearchParams();
  const province = params.get('province') ?? '';
  const provinces = useProvinces();
  const agencies = useAgencies();
  const q = useNeeds(province || undefined);
  const create = useCreateNeed();
  const update = useUpdateNeed();
  const blank = { province_code: province, round_no: '1', theme: 'reception_capacity', title: '', priority: 'high', evidence: '', responsible_agency: '', status: 'identified', gcm: '', items: '' };
  const [form, setForm] = useState(blank);
  const set = (k: keyof typeof blank) => (v: string) => setForm({ ...form, [k]: v });
  const provinceOptions = sortByName(provinces.data ?? [], locale).map((p) => ({ value: p.code, label: nameOf(p, locale) }));
  const provinceName = (code: string) => nameOf((provinces.data ?? []).find((p) => p.code === code) ?? { name_en: code, name_fa: code }, locale);

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    create.mutate(
      {
        province_code: form.province_code,
        round_no: Number(form.round_no),
        theme: form.theme,
        title: form.title,
        priority: form.priority,
        evidence: form.evidence,
        responsible_agency: form.responsible_agency || null,
        status: form.status,
        governance_links: form.gcm ? toAsciiDigits(form.gcm).split(/[,،\s]+/).filter(Boolean).map((c) => ({ framework: 'gcm', code: c })) : [],
        exercise_item_ids: form.items ? toAsciiDigits(form.items).split(/[,،\s]+/).filter(Boolean).map(Number) : [],
      },
      { onSuccess: () => setForm({ ...blank, province_code: form.province_code, round_no: form.round_no }) },
    );
  };

  return (
    <section className="page">
      <PageHeader title={t('provinces.needs.title')} subtitle={t('provinces.needs.subtitle')} />
      <div className="prov-filters">
        <SelectField label={t('provinces.fields.province')} value={province} placeholder={t('provinces.needs.allProvinces')} onChange={(v) => setParams(v ? { province: v } : {})} options={provinceOptions} />
      </div>
      {can('provinces.manage') && (
        <form className="prov-form" onSubmit={submit} aria-label={t('provinces.needs.add')}>
          <SelectField label={t('provinces.fields.province')} required value={form.province_code} onChange={set('province_code')} placeholder="—" options={provinceOptions} />
          <TextField label={t('provinces.fields.round')} required type="number" min={1} value={form.round_no} onChange={set('round_no')} />
          <SelectField label={t('provinces.fields.theme')} value={form.theme} onChange={set('theme')} options={THEMES.map((x) => ({ value: x, label: t(`provinces.themes.${x}`) }))} />
          <TextField label={t('provinces.fields.title')} required value={form.title} onChange={set('title')} />
          <SelectField label={t('provinces.fields.priority')} value={form.priority} onChange={set('priority')} options={PRIORITIES.map((x) => ({ value: x, label: t(`provinces.priorities.${x}`) }))} />
          <TextField label={t('provinces.fields.evidence')} value={form.evidence} onChange={set('evidence')} />
          <SelectField label={t('provinces.fields.agency')} value={form.responsible_agency} placeholder="—" onChange={set('responsible_agency')} options={sortByName(agencies.data ?? [], locale).map((a: any) => ({ value: a.code, label: nameOf(a, locale) }))} />
          <SelectField label={t('provinces.fields.status')} value={form.status} onChange={set('status')} options={NEED_STATUSES.map((x) => ({ value: x, label: t(`provinces.statuses.${x}`) }))} />
          <TextField label={t('provinces.fields.gcm')} hint={t('provinces.fields.gcmHint')} value={form.gcm} onChange={set('gcm')} />
          <TextField label={t('provinces.fields.exerciseItems')} hint={t('provinces.fields.exerciseItemsHint')} value={form.items} onChange={set('items')} />
          <button className="btn btn-primary" type="submit" disabled={create.isPending}>
            {t('provinces.needs.add')}
          </button>
          {create.error && <FormMessage>{(create.error as Error).message}</FormMessage>}
        </form>
      )}
      <QueryView query={q} empty={t('provinces.needs.empty')}>
        {(rows) => (
          <TableWrap label={t('provinces.needs.title')}>
            <table data-testid="needs-table">
              <thead>
                <tr>
                  <th>{t('provinces.fields.province')}</th>
                  <th>{t('provinces.fields.round')}</th>
                  <th>{t('provinces.fields.theme')}</th>
                  <th>{t('provinces.fields.title')}</th>
                  <th>{t('provinces.fields.priority')}</th>
                  <th>{t('provinces.fields.agency')}</th>
                  <th>{t('provinces.fields.status')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((n) => (
                  <tr key={n.id}>
                    <td>
                      <Link to={`/provinces/${n.province_code}`}>{provinceName(n.province_code)}</Link>
                    </td>
                    <td>{formatNumber(n.round_no, locale)}</td>
                    <td>{t(`provinces.themes.${n.theme}`)}</td>
                    <td dir="auto">
                      {n.title}
                      {n.evidence && <div className="muted small" dir="auto">{n.evidence}</div>}
                      {(n.governance_links.length > 0 || n.exercise_item_ids.length > 0) && (
                        <div className="muted small">
                          {n.governance_links.map((l: any) => `${l.framework === 'gcm' ? t('provinces.fields.gcmShort') : l.framework} ${/^\d+$/.test(l.code) ? formatNumber(Number(l.code), locale) : l.code}`).join(t('provinces.listSeparator'))}
                          {n.exercise_item_ids.length > 0 && ` · ${t('provinces.fields.exerciseItems')}: ${n.exercise_item_ids.map((i: number) => formatNumber(Number(i), locale)).join(t('provinces.listSeparator'))}`}
                        </div>
                      )}
                    </td>
                    <td>
                      <Badge tone={n.priority === 'high' ? 'bad' : n.priority === 'medium' ? 'warn' : 'neutral'}>{t(`provinces.priorities.${n.priority}`)}</Badge>
                    </td>
                    <td>{n.responsible_agency ? (locale === 'fa' ? n.agency_fa : n.agency_en) : '—'}</td>
                    <td>
                      {can('provinces.manage') ? (
                        <select aria-label={t('provinces.fields.status')} value={n.status} onChange={(e) => update.mutate({ id: n.id, body: { status: e.target.value } })}>
                          {NEED_STATUSES.map((s) => (
                            <option key={s} value={s}>
                              {t(`provinces.statuses.${s}`)}
                            </option>
                          ))}
                        </select>
                      ) : (
                        t(`provinces.statuses.${n.status}`)
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </QueryView>
    </section>
  );
}
