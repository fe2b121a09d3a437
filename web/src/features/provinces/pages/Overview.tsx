// The national page: every province side by side on the map and in a table — movements,
// open alerts, officials trained, open needs and internal mobility — each linking to its profile.
import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useT } from '../../../app/useT.ts';
import { formatDate, formatNumber } from '../../../app/format.ts';
import { nameOf } from '../../../app/types.ts';
import { PageHeader, TableWrap, usePageTitle } from '../../../components/ui.tsx';
import { QueryView } from '../../../components/States.tsx';
import { SelectField } from '../../../components/Field.tsx';
import { useComparison, type Period } from '../api.ts';
import { PeriodPicker } from '../components.tsx';
import { ProvinceMap } from '../map/ProvinceMap.tsx';
import '../provinces.css';

const METRICS = ['individuals', 'participants', 'needs_open', 'mobility_net', 'open_alerts'] as const;

export default function Overview() {
  const { t, locale } = useT();
  const navigate = useNavigate();
  usePageTitle(t('provinces.overview.title'));
  const [period, setPeriod] = useState<Period>({});
  const [metric, setMetric] = useState<(typeof METRICS)[number]>('individuals');
  const q = useComparison(period);
  const values = useMemo(() => Object.fromEntries((q.data?.provinces ?? []).map((p) => [p.code, p[metric] as number | null])), [q.data, metric]);
  const num = (v: number | null | undefined) => (v == null ? '—' : formatNumber(v, locale));
  return (
    <section className="page">
      <PageHeader title={t('provinces.overview.title')} subtitle={q.data ? t('provinces.period.label', { from: formatDate(q.data.period.from, locale), to: formatDate(q.data.period.to, locale) }) : undefined} />
      <PeriodPicker value={period} onChange={setPeriod}>
        <SelectField label={t('provinces.overview.metric')} value={metric} onChange={(v) => setMetric(v as any)} options={METRICS.map((m) => ({ value: m, label: t(`provinces.metrics.${m}`) }))} />
      </PeriodPicker>
      <QueryView query={q}>
        {(d) => (
          <>
            <ProvinceMap values={values} locale={locale} label={t('provinces.overview.map', { metric: t(`provinces.metrics.${metric}`) })} noWebgl={t('provinces.noWebgl')} testId="provinces-map" onSelect={(code) => navigate(`/provinces/${code}`)} />
            <TableWrap label={t('provinces.overview.table')}>
              <table data-testid="provinces-comparison">
                <thead>
                  <tr>
                    <th>{t('provinces.fields.province')}</th>
                    {METRICS.map((m) => (
                      <th key={m}>{t(`provinces.metrics.${m}`)}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {d.provinces.map((p) => (
                    <tr key={p.code} data-code={p.code}>
                      <td>
                        <Link to={`/provinces/${p.code}`}>{nameOf(p, locale)}</Link>
                      </td>
                      {METRICS.map((m) => (
                        <td key={m} data-metric={m}>
                          {num(p[m])}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          </>
        )}
      </QueryView>
    </section>
  );
}
