// Points of entry (land crossings, airports, seaports) with a kind filter kept in the URL.
import { useSearchParams } from 'react-router';
import { useT } from '../../../app/useT.ts';
import { formatNumber, sortByName } from '../../../app/format.ts';
import { nameOf } from '../../../app/types.ts';
import { searchKey } from '../../../app/text.ts';
import { PageHeader, usePageTitle } from '../../../components/ui.tsx';
import { EmptyState, QueryView } from '../../../components/States.tsx';
import { SelectField, TextField } from '../../../components/Field.tsx';
import { usePointsOfEntry, useProvinces } from '../api.ts';
import { PoeTable } from '../components.tsx';

const KINDS = ['', 'land', 'air', 'sea'] as const;

export default function PointsOfEntry() {
  const { t, locale } = useT();
  usePageTitle(t('places.pointsOfEntry.title'));
  const [params, setParams] = useSearchParams();
  const kind = (KINDS as readonly string[]).includes(params.get('kind') ?? '') ? (params.get('kind') ?? '') : '';
  const province = params.get('province') ?? '';
  const text = params.get('q') ?? '';
  const q = usePointsOfEntry(kind || undefined);
  const provinces = useProvinces();

  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  };

  return (
    <section className="page">
      <PageHeader title={t('places.pointsOfEntry.title')} subtitle={t('places.pointsOfEntry.subtitle')} />
      <div className="toolbar">
        <fieldset className="segmented">
          <legend>{t('places.fields.kind')}</legend>
          {KINDS.map((k) => (
            <label key={k || 'all'} className={kind === k ? 'checked' : undefined}>
              <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => set('kind', k)} />
              <span>{t(`places.kindFilter.${k || 'all'}`)}</span>
            </label>
          ))}
        </fieldset>
        <SelectField
          label={t('places.fields.province')}
          value={province}
          onChange={(v) => set('province', v)}
          placeholder={t('places.allProvinces')}
          options={sortByName(provinces.data ?? [], locale).map((p) => ({ value: p.code, label: nameOf(p, locale) }))}
        />
        <TextField type="search" label={t('common.filter')} value={text} onChange={(v) => set('q', v)} placeholder={t('places.pointsOfEntry.filterPlaceholder')} />
      </div>
      <QueryView query={q}>
        {(rows) => {
          const k = searchKey(text);
          const shown = sortByName(rows, locale).filter(
            (p) => (!province || p.province_code === province) && (!k || [p.name_en, p.name_fa, p.other_side ?? '', p.id].some((s) => searchKey(s).includes(k))),
          );
          return (
            <>
              <p className="count" aria-live="polite">
                {t('common.shownOf', { shown: formatNumber(shown.length, locale), total: formatNumber(rows.length, locale) })}
              </p>
              {shown.length ? <PoeTable rows={shown} label={t('places.pointsOfEntry.title')} /> : <EmptyState>{t('places.pointsOfEntry.empty')}</EmptyState>}
            </>
          );
        }}
      </QueryView>
    </section>
  );
}
