// The map of provinces, neighbours and points of entry, with a keyboard-usable province list
// beside it. MapLibre is loaded only when this page opens (its own chunk).
import { lazy, Suspense, useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useT } from '../../../app/useT.ts';
import { formatNumber, sortByName } from '../../../app/format.ts';
import { nameOf } from '../../../app/types.ts';
import { PageHeader, usePageTitle } from '../../../components/ui.tsx';
import { ErrorState, LoadingState } from '../../../components/States.tsx';
import { KIND_COLOURS, POE_KINDS, usePlaceIndex } from '../api.ts';
import { useGeo } from '../../../components/map/geo.ts';

const MapCanvas = lazy(() => import('../map/MapCanvas.tsx'));

export default function MapPage() {
  const { t, tOr, locale } = useT();
  usePageTitle(t('places.map.title'));
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const selected = params.get('province');
  const selectedPoe = params.get('poe');
  const [hiddenKinds, setHiddenKinds] = useState<string[]>([]);
  const provincesGeo = useGeo('provinces');
  const countriesGeo = useGeo('countries');
  const idx = usePlaceIndex();

  const select = (code: string | null) => {
    const next = new URLSearchParams(params);
    if (code) next.set('province', code);
    else next.delete('province');
    next.delete('poe');
    setParams(next, { replace: true });
  };

  const provinceList = useMemo(() => sortByName(idx.provinces.data ?? [], locale), [idx.provinces.data, locale]);
  const selectedProvince = selected ? idx.province.get(selected) : undefined;
  const poesInSelected = selected ? (idx.poes.data ?? []).filter((p) => p.province_code === selected) : [];

  const failed = [provincesGeo, countriesGeo, idx.poes].find((q) => q.isError);
  const ready = provincesGeo.data && countriesGeo.data && idx.poes.data;

  const labels = {
    kind: (k: string) => tOr(`places.kinds.${k}`, k),
    province: (code: string) => nameOf(idx.province.get(code), locale),
    neighbour: (iso3: string | null) => (iso3 ? nameOf(idx.country.get(iso3), locale) : ''),
    details: t('places.map.details'),
    noWebgl: t('places.map.noWebgl'),
  };

  return (
    <section className="page page-wide">
      <PageHeader title={t('places.map.title')} subtitle={t('places.map.subtitle')} />
      <div className="map-layout">
        <div className="map-main">
          {failed ? (
            <ErrorState error={failed.error} retry={() => void failed.refetch()} />
          ) : !ready ? (
            <div className="map-frame map-waiting">
              <LoadingState label={t('places.map.loading')} />
            </div>
          ) : (
            <Suspense
              fallback={
                <div className="map-frame map-waiting">
                  <LoadingState label={t('places.map.loading')} />
                </div>
              }
            >
              <MapCanvas
                provinces={provincesGeo.data!}
                countries={countriesGeo.data!}
                pointsOfEntry={idx.poes.data!}
                locale={locale}
                selectedProvince={selected}
                selectedPoe={selectedPoe}
                hiddenKinds={hiddenKinds}
                label={t('places.map.regionLabel')}
                labels={labels}
                onSelectProvince={select}
                onOpenPoe={(id) => navigate(`/places/points-of-entry/${id}`)}
              />
            </Suspense>
          )}
          <fieldset className="legend">
            <legend>{t('places.map.legend')}</legend>
            {POE_KINDS.map((k) => (
              <label key={k}>
                <input
                  type="checkbox"
                  checked={!hiddenKinds.includes(k)}
                  onChange={(e) => setHiddenKinds((h) => (e.target.checked ? h.filter((x) => x !== k) : [...h, k]))}
                />
                <span className="kind-dot" style={{ background: KIND_COLOURS[k] }} aria-hidden="true" />
                {tOr(`places.kinds.${k}`, k)}
                {idx.poes.data && <span className="muted"> ({formatNumber(idx.poes.data.filter((p) => p.kind === k).length, locale)})</span>}
              </label>
            ))}
            <span className="legend-item">
              <span className="swatch swatch-neighbour" aria-hidden="true" /> {t('places.map.neighbours')}
            </span>
          </fieldset>
        </div>

        <aside className="map-side" aria-labelledby="province-list-title">
          {selectedProvince && (
            <div className="map-selected" aria-live="polite">
              <h2>{nameOf(selectedProvince, locale)}</h2>
              <p className="muted">
                {t('places.map.selectedSummary', { poes: formatNumber(poesInSelected.length, locale), capital: locale === 'fa' ? selectedProvince.capital_fa : selectedProvince.capital_en })}
              </p>
              <p className="row-actions">
                <Link className="btn btn-small" to={`/places/provinces/${selectedProvince.code}`}>
                  {t('places.map.openProvince')}
                </Link>
                <button type="button" className="btn btn-small btn-ghost" onClick={() => select(null)}>
                  {t('places.map.clearSelection')}
                </button>
              </p>
            </div>
          )}
          <h2 id="province-list-title">{t('places.map.provinceList')}</h2>
          {idx.provinces.isPending ? (
            <LoadingState />
          ) : idx.provinces.isError ? (
            <ErrorState error={idx.provinces.error} retry={() => void idx.provinces.refetch()} />
          ) : (
            <ol className="province-list" data-testid="province-list">
              {provinceList.map((p) => (
                <li key={p.code}>
                  <button type="button" aria-pressed={selected === p.code} onClick={() => select(selected === p.code ? null : p.code)}>
                    {nameOf(p, locale)}
                  </button>
                </li>
              ))}
            </ol>
          )}
        </aside>
      </div>
    </section>
  );
}
