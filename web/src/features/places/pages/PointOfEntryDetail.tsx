// One point of entry; administrators (places.manage) can correct its coordinates.
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { useT } from '../../../app/useT.ts';
import { useAuth } from '../../../app/auth.tsx';
import { formatCoord, formatDateTime, formatNumber, sortByName } from '../../../app/format.ts';
import { nameOf, type PointOfEntry } from '../../../app/types.ts';
import { parseDecimal } from '../../../app/text.ts';
import { ApiError } from '../../../app/api.ts';
import { Dialog, Facts, PageHeader, usePageTitle } from '../../../components/ui.tsx';
import { EmptyState, QueryView } from '../../../components/States.tsx';
import { FormMessage, TextField } from '../../../components/Field.tsx';
import { LAT_RANGE, LON_RANGE, usePlaceIndex, usePlacesMutations, usePointOfEntry, useUsableProvinces } from '../api.ts';
import { Coords, FmpTable, KindLabel, noteIn, PERSIAN } from '../components.tsx';
import { FmpForm } from '../FmpForm.tsx';

export default function PointOfEntryDetail() {
  const { id = '' } = useParams();
  const { t, tOr, locale } = useT();
  const { can } = useAuth();
  const q = usePointOfEntry(id);
  const idx = usePlaceIndex();
  const [editing, setEditing] = useState(false);
  const [adding, setAdding] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  usePageTitle(q.data ? nameOf(q.data, locale) : t('places.pointsOfEntry.title'));
  // Corrections only in the provinces where the user manages places.
  const usable = useUsableProvinces('places.manage');
  const manage = can('places.manage') && !!q.data && usable.has(q.data.province_code);

  return (
    <section className="page">
      <QueryView query={q}>
        {(p) => (
          <>
            <PageHeader
              back={{ to: '/places/points-of-entry', label: t('places.pointsOfEntry.title') }}
              title={nameOf(p, locale)}
              subtitle={
                <span lang={locale === 'fa' ? 'en' : 'fa'} dir="auto">
                  {locale === 'fa' ? p.name_en : p.name_fa}
                </span>
              }
              actions={
                <>
                  <Link className="btn" to={`/map?poe=${p.id}`}>
                    {t('places.showOnMap')}
                  </Link>
                  {manage && (
                    <button type="button" className="btn" onClick={() => setEditing(true)}>
                      {t('places.pointsOfEntry.correct')}
                    </button>
                  )}
                  {manage && (
                    <button type="button" className="btn btn-primary" onClick={() => setAdding(true)}>
                      {t('places.fmps.addHere')}
                    </button>
                  )}
                </>
              }
            />
            <FormMessage kind="success">{saved}</FormMessage>
            <Facts
              items={[
                [t('places.fields.kind'), <KindLabel kind={p.kind} />],
                [t('places.fields.province'), <Link to={`/places/provinces/${p.province_code}`}>{nameOf(idx.province.get(p.province_code), locale) || p.province_code}</Link>],
                [t('places.fields.neighbour'), p.neighbour_iso3 ? nameOf(idx.country.get(p.neighbour_iso3), locale) || p.neighbour_iso3 : ''],
                [t('places.fields.otherSide'), p.other_side ? <span lang="en" dir="ltr">{p.other_side}</span> : ''],
                [t('places.fields.coordinates'), <Coords lat={p.lat} lon={p.lon} />],
                [t('places.fields.confidence'), p.confidence ? tOr(`places.confidence.${p.confidence}`, p.confidence) : ''],
                [t('places.fields.coordMethod'), noteIn(p.coord_method, p.coord_method_fa, locale)],
                [t('places.fields.notes'), noteIn(p.notes, p.notes_fa, locale)],
                [t('places.fields.updatedAt'), formatDateTime(p.updated_at, locale)],
                [t('places.fields.id'), <code dir="ltr">{p.id}</code>],
              ]}
            />
            <h2>{t('places.fmps.title')}</h2>
            {p.fmps.length ? <FmpTable rows={sortByName(p.fmps, locale)} label={t('places.fmps.title')} /> : <EmptyState>{t('places.pointsOfEntry.noFmps')}</EmptyState>}

            <Dialog open={editing} onClose={() => setEditing(false)} title={t('places.pointsOfEntry.correctTitle', { name: nameOf(p, locale) })}>
              <CoordinatesForm
                poe={p}
                onDone={() => {
                  setEditing(false);
                  setSaved(t('places.pointsOfEntry.saved'));
                }}
                onCancel={() => setEditing(false)}
              />
            </Dialog>
            <Dialog open={adding} onClose={() => setAdding(false)} title={t('places.fmps.addTitle')} wide>
              <FmpForm
                initial={{ point_of_entry_id: p.id }}
                onDone={() => {
                  setAdding(false);
                  setSaved(t('places.fmps.created'));
                }}
                onCancel={() => setAdding(false)}
              />
            </Dialog>
          </>
        )}
      </QueryView>
    </section>
  );
}

function CoordinatesForm({ poe, onDone, onCancel }: { poe: PointOfEntry; onDone: () => void; onCancel: () => void }) {
  const { t, locale } = useT();
  const { updatePoe } = usePlacesMutations();
  const [lat, setLat] = useState(formatCoord(poe.lat, 'en'));
  const [lon, setLon] = useState(formatCoord(poe.lon, 'en'));
  const [method, setMethod] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const range = (v: string, [min, max]: readonly [number, number]) => {
    const n = parseDecimal(v);
    if (v.trim() === '') return { n: null, error: t('form.required') };
    if (n === null) return { n: null, error: t('form.number') };
    if (n < min || n > max) return { n: null, error: t('form.range', { min: formatNumber(min, locale), max: formatNumber(max, locale) }) };
    return { n, error: null };
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const a = range(lat, LAT_RANGE);
    const b = range(lon, LON_RANGE);
    const errs: Record<string, string> = {};
    if (a.error) errs.lat = a.error;
    if (b.error) errs.lon = b.error;
    setErrors(errs);
    if (Object.keys(errs).length) return;
    setFormError(null);
    try {
      // A method written in Persian is also its Persian text; one in English drops the old translation.
      const m = method.trim();
      await updatePoe.mutateAsync({ id: poe.id, lat: a.n!, lon: b.n!, ...(m ? { coord_method: m, ...(PERSIAN.test(m) ? { coord_method_fa: m } : {}) } : {}) });
      onDone();
    } catch (err) {
      if (err instanceof ApiError) {
        setErrors(err.fieldErrors());
        setFormError(err.message);
      } else throw err;
    }
  };

  return (
    <form onSubmit={submit} noValidate className="form">
      <FormMessage>{formError}</FormMessage>
      <div className="form-row">
        <TextField label={t('places.fields.latitude')} value={lat} onChange={(x) => (setLat(x), setErrors(({ lat: _l, ...r }) => r))} inputMode="decimal" dir="ltr" required error={errors.lat} hint={t('places.pointsOfEntry.latHint', { min: formatNumber(LAT_RANGE[0], locale), max: formatNumber(LAT_RANGE[1], locale) })} />
        <TextField label={t('places.fields.longitude')} value={lon} onChange={(x) => (setLon(x), setErrors(({ lon: _l, ...r }) => r))} inputMode="decimal" dir="ltr" required error={errors.lon} hint={t('places.pointsOfEntry.lonHint', { min: formatNumber(LON_RANGE[0], locale), max: formatNumber(LON_RANGE[1], locale) })} />
      </div>
      <TextField label={t('places.fields.coordMethod')} value={method} onChange={setMethod} hint={t('places.pointsOfEntry.methodHint')} error={errors.coord_method} maxLength={500} />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={updatePoe.isPending}>
          {updatePoe.isPending ? t('common.saving') : t('common.save')}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
