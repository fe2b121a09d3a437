// Statistics with disclosure control: the same table as `marz protection stats` and the API.
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useT } from '../../../app/useT.ts';
import { get, withQuery } from '../../../app/api.ts';
import { formatDigits, formatNumber } from '../../../app/format.ts';
import { PageHeader, TableWrap, usePageTitle } from '../../../components/ui.tsx';
import { QueryView } from '../../../components/States.tsx';
import { Checkbox, SelectField } from '../../../components/Field.tsx';
import { DateInput } from '../../../components/DateInput.tsx';
import { DIMENSIONS, protectionKeys } from '../api.ts';
import { useFmps, useProvinces } from '../../places/api.ts';
import { nameOf } from '../../../app/types.ts';

interface Table {
  k: number;
  cells: Record<string, string | number | null>[];
  excluded_no_consent: number;
  margins: { dimension: string; value: string; count: number | null }[];
  total: number | null;
}

export default function Stats() {
  const { t, tOr, locale } = useT();
  usePageTitle(t('protection.stats.title'));
  const [by, setBy] = useState<string[]>(['province', 'sex']);
  const [k, setK] = useState('5');
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string | null>(null);
  const query = { by: by.join(','), k, from: from ?? '', to: to ?? '', calendar: locale === 'fa' ? 'jalali' : 'gregorian' };
  const q = useQuery({ queryKey: protectionKeys.stats(query), queryFn: ({ signal }) => get<Table>('/api/v1/protection/stats', query, signal), enabled: by.length > 0 });
  const provinces = useProvinces();
  const fmps = useFmps();
  const label = (d: string, v: string) => (d === 'province' ? nameOf(provinces.data?.find((x) => x.code === v), locale) || v : d === 'fmp' ? nameOf(fmps.data?.find((x) => x.code === v), locale) || v :d === 'sex' ? t(`protection.sex.${v}`) : d === 'status' ? t(`protection.status.${v}`) : d === 'referral_outcome' ? t(`protection.referralStatus.${v}`) : d === 'month' ? formatDigits(v, locale) : d === 'exploitation' ? tOr(`protection.exploitation.${v}`, v) : v === 'unknown' ? t('protection.unknown') : v);
  const count = (n: number | null) => (n === null ? <span title={t('protection.stats.suppressedTitle', { k })} aria-label={t('protection.stats.suppressed')}>—</span> : formatNumber(n, locale));
  return (
    <section className="page">
      <PageHeader title={t('protection.stats.title')} subtitle={t('protection.stats.subtitle')} />
      <div className="filters">
        <fieldset className="fieldset">
          <legend>{t('protection.stats.dimensions')}</legend>
          {DIMENSIONS.map((d) => <Checkbox key={d} label={t(`protection.dimension.${d}`)} checked={by.includes(d)} onChange={(on) => setBy(on ? [...by, d] : by.filter((x) => x !== d))} />)}
        </fieldset>
        <SelectField label={t('protection.stats.k')} value={k} onChange={setK} options={[{ value: '5', label: t('protection.stats.kInternal') }, { value: '11', label: t('protection.stats.kPublished') }]} />
        <DateInput label={t('protection.stats.from')} value={from} onChange={setFrom} />
        <DateInput label={t('protection.stats.to')} value={to} onChange={setTo} />
      </div>
      {by.length > 0 && (
        <QueryView query={q}>
          {(d) => (
            <>
              <p>{t('protection.stats.excluded', { n: formatNumber(d.excluded_no_consent, locale) })} {t('protection.stats.kLine', { k: formatNumber(d.k, locale) })}</p>
              <TableWrap label={t('protection.stats.title')}>
                <table className="table">
                  <thead><tr>{by.map((x) => <th key={x} scope="col">{t(`protection.dimension.${x}`)}</th>)}<th scope="col">{t('protection.stats.count')}</th></tr></thead>
                  <tbody>
                    {d.cells.map((c, i) => <tr key={i}>{by.map((x) => <td key={x}>{label(x, String(c[x]))}</td>)}<td>{count(c.count as number | null)}</td></tr>)}
                  </tbody>
                  <tfoot>
                    {d.margins.map((m, i) => <tr key={i}><th scope="row" colSpan={by.length}>{t('protection.stats.totalOf', { value: label(m.dimension, m.value) })}</th><td>{count(m.count)}</td></tr>)}
                    <tr><th scope="row" colSpan={by.length}>{t('protection.stats.total')}</th><td>{count(d.total)}</td></tr>
                  </tfoot>
                </table>
              </TableWrap>
              <a className="btn" href={withQuery('/api/v1/protection/stats.csv', query)} download>{t('protection.stats.download')}</a>
            </>
          )}
        </QueryView>
      )}
    </section>
  );
}
