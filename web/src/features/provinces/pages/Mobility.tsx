// Internal mobility: the national origin–destination view of a round — lines between provinces
// on the map, the matrix and per-province arrivals, departures and returns — with entry by hand
// and import from CSV/XLSX.
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useT } from '../../../app/useT.ts';
import { formatNumber, sortByName } from '../../../app/format.ts';
import { nameOf } from '../../../app/types.ts';
import { useAuth } from '../../../app/auth.tsx';
import { PageHeader, TableWrap, usePageTitle } from '../../../components/ui.tsx';
import { QueryView, EmptyState } from '../../../components/States.tsx';
import { SelectField, TextField, FormMessage } from '../../../components/Field.tsx';
import { useProvinces } from '../../places/api.ts';
import { fileToBase64, useImportMobility, useOd, useRounds, useSaveMovement } from '../api.ts';
import { ProvinceMap } from '../map/ProvinceMap.tsx';
import '../provinces.css';

export default function Mobility() {
  const { t, locale } = useT();
  const { can } = useAuth();
  usePageTitle(t('provinces.mobility.title'));
  const provinces = useProvinces();
  const rounds = useRounds();
  const [round, setRound] = useState<number | null>(null);
  const od = useOd(round);
  const save = useSaveMovement();
  const imp = useImportMobility();
  const byCode = useMemo(() => new Map((provinces.data ?? []).map((p) => [p.code, p])), [provinces.data]);
  const name = (code: string) => nameOf(byCode.get(code) ?? { name_en: code, name_fa: code }, locale);
  const num = (v: number | null | undefined) => (v == null || v === 0 ? '' : formatNumber(v, locale));
  const provinceOptions = sortByName(provinces.data ?? [], locale).map((p) => ({ value: p.code, label: nameOf(p, locale) }));
  const blank = { round_no: '1', origin_province: '', origin_county: '', destination_province: '', destination_county: '', kind: 'movement', individuals: '' };
  const [form, setForm] = useState(blank);
  const set = (k: keyof typeof blank) => (v: string) => setForm({ ...form, [k]: v });

  return (
    <section className="page">
      <PageHeader title={t('provinces.mobility.title')} subtitle={t('provinces.mobility.subtitle')} />
      <div className="prov-filters">
        <SelectField
          label={t('provinces.fields.round')}
          value={round == null ? '' : String(round)}
          placeholder={t('provinces.mobility.latest')}
          onChange={(v) => setRound(v ? Number(v) : null)}
          options={(rounds.data ?? []).map((r) => ({ value: String(r.round_no), label: r.label || t('provinces.mobility.roundLabel', { round: formatNumber(r.round_no, locale) }) }))}
        />
      </div>
      <QueryView query={od}>
        {(d) =>
          !d.round ? (
            <EmptyState>{t('provinces.mobility.empty')}</EmptyState>
          ) : (
            <>
              <p className="muted">{t('provinces.mobility.roundLabel', { round: formatNumber(d.round, locale) })}</p>
              <ProvinceMap
                values={Object.fromEntries(d.totals.map((x: any) => [x.province, x.arrivals]))}
                lines={d.pairs
                  .map((p: any) => {
                    const a = byCode.get(p.origin_province), b = byCode.get(p.destination_province);
                    return a && b && a.capital_lon != null && b.capital_lon != null ? { from: [a.capital_lon, a.capital_lat] as [number, number], to: [b.capital_lon, b.capital_lat] as [number, number], value: p.individuals } : null;
                  })
                  .filter(Boolean)}
                locale={locale}
                label={t('provinces.mobility.map')}
                noWebgl={t('provinces.noWebgl')}
                testId="mobility-map"
              />
              <h2>{t('provinces.mobility.matrix')}</h2>
              <TableWrap label={t('provinces.mobility.matrix')} stack={false}>
                <table className="od-matrix" data-testid="od-matrix">
                  <thead>
                    <tr>
                      <th>{t('provinces.mobility.fromTo')}</th>
                      {d.provinces.map((c: string) => (
                        <th key={c}>{name(c)}</th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {d.provinces.map((o: string) => (
                      <tr key={o}>
                        <th>{name(o)}</th>
                        {d.provinces.map((c: string) => (
                          <td key={c}>{num(d.matrix[o]?.[c])}</td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
              <h2>{t('provinces.mobility.totals')}</h2>
              <TableWrap label={t('provinces.mobility.totals')}>
                <table>
                  <thead>
                    <tr>
                      <th>{t('provinces.fields.province')}</th>
                      <th>{t('provinces.mobility.arrivals')}</th>
                      <th>{t('provinces.mobility.departures')}</th>
                      <th>{t('provinces.mobility.returns')}</th>
                      <th>{t('provinces.mobility.net')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.totals.map((x: any) => (
                      <tr key={x.province}>
                        <td>
                          <Link to={`/provinces/${x.province}`}>{name(x.province)}</Link>
                        </td>
                        <td>{formatNumber(x.arrivals, locale)}</td>
                        <td>{formatNumber(x.departures, locale)}</td>
                        <td>{formatNumber(x.returns, locale)}</td>
                        <td>{formatNumber(x.net, locale)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            </>
          )
        }
      </QueryView>

      {can('provinces.manage') && (
        <>
          <h2>{t('provinces.mobility.enter')}</h2>
          <form
            className="prov-form"
            onSubmit={(e) => {
              e.preventDefault();
              save.mutate(
                { ...form, round_no: Number(form.round_no), individuals: Number(form.individuals) },
                { onSuccess: () => setForm({ ...blank, round_no: form.round_no }) },
              );
            }}
          >
            <TextField label={t('provinces.fields.round')} type="number" min={1} required value={form.round_no} onChange={set('round_no')} />
            <SelectField label={t('provinces.mobility.origin')} required placeholder="—" value={form.origin_province} onChange={set('origin_province')} options={provinceOptions} />
            <TextField label={t('provinces.mobility.originCounty')} value={form.origin_county} onChange={set('origin_county')} />
            <SelectField label={t('provinces.mobility.destination')} required placeholder="—" value={form.destination_province} onChange={set('destination_province')} options={provinceOptions} />
            <TextField label={t('provinces.mobility.destinationCounty')} value={form.destination_county} onChange={set('destination_county')} />
            <SelectField label={t('provinces.mobility.kind')} value={form.kind} onChange={set('kind')} options={[{ value: 'movement', label: t('provinces.mobility.kinds.movement') }, { value: 'return', label: t('provinces.mobility.kinds.return') }]} />
            <TextField label={t('provinces.mobility.individuals')} type="number" min={0} required value={form.individuals} onChange={set('individuals')} />
            <button className="btn btn-primary" type="submit" disabled={save.isPending}>
              {t('provinces.mobility.save')}
            </button>
            {save.error && <FormMessage>{(save.error as Error).message}</FormMessage>}
          </form>
          <h2>{t('provinces.mobility.import')}</h2>
          <p className="muted">{t('provinces.mobility.importHint')}</p>
          <input
            type="file"
            accept=".csv,.xlsx"
            aria-label={t('provinces.mobility.import')}
            onChange={async (e) => {
              const f = e.target.files?.[0];
              if (f) imp.mutate({ file_name: f.name, data_base64: await fileToBase64(f) });
              e.target.value = '';
            }}
          />
          {imp.data && (imp.data.ok ? <FormMessage kind="success">{t('provinces.mobility.imported', { added: formatNumber(imp.data.added, locale), updated: formatNumber(imp.data.updated, locale) })}</FormMessage> : <ProblemList problems={imp.data.problems} />)}
          {imp.error && <FormMessage>{(imp.error as Error).message}</FormMessage>}
        </>
      )}
    </section>
  );
}

export function ProblemList({ problems }: { problems: { row: number | null; column: string | null; value: string | null; message_en: string; message_fa: string }[] }) {
  const { t, locale } = useT();
  return (
    <div role="alert" className="alert alert-error">
      <p>{t('provinces.import.refused', { n: formatNumber(problems.length, locale) })}</p>
      <ul data-testid="import-problems">
        {problems.slice(0, 50).map((p, i) => (
          <li key={i}>
            {p.row != null && t('provinces.import.row', { row: formatNumber(p.row, locale) })} {p.column && <code dir="ltr">{p.column}</code>} {p.value ? <bdi>«{p.value}»</bdi> : null} {locale === 'fa' ? p.message_fa : p.message_en}
          </li>
        ))}
      </ul>
    </div>
  );
}
