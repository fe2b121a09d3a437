// Forms for flow monitoring points: add (at a point of entry or in a province), rename, close/reopen.
import { useState, type FormEvent } from 'react';
import { useT } from '../../app/useT.ts';
import { ApiError } from '../../app/api.ts';
import { formatDate, formatNumber, sortByName, today } from '../../app/format.ts';
import { nameOf, type Fmp } from '../../app/types.ts';
import { parseDecimal } from '../../app/text.ts';
import { FormMessage, SelectField, TextField } from '../../components/Field.tsx';
import { DateInput } from '../../components/DateInput.tsx';
import { LAT_RANGE, LON_RANGE, usePlaceIndex, usePlacesMutations, useUsableProvinces, type FmpInput } from './api.ts';

const CODE_RE = /^[a-z0-9][a-z0-9_-]*$/;
/** Form field → the API's field name (errors are keyed by the latter). */
const FIELD_OF: Record<string, string> = { poe: 'point_of_entry_id', province: 'province_code' };
const clearKey = (e: Record<string, string>, k: string) => {
  const { [k]: _gone, ...rest } = e;
  return rest;
};

function useApiErrors() {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const fail = (err: unknown) => {
    if (err instanceof ApiError) {
      const fe = err.fieldErrors();
      if (err.code === 'code_taken') fe.code = err.message;
      setErrors(fe);
      setFormError(err.message);
    } else throw err;
  };
  return { errors, setErrors, formError, setFormError, fail };
}

function Actions({ pending, onCancel, submitLabel }: { pending: boolean; onCancel: () => void; submitLabel: string }) {
  const { t } = useT();
  return (
    <div className="form-actions">
      <button type="submit" className="btn btn-primary" disabled={pending}>
        {pending ? t('common.saving') : submitLabel}
      </button>
      <button type="button" className="btn" onClick={onCancel}>
        {t('common.cancel')}
      </button>
    </div>
  );
}

export function FmpForm({ initial, onDone, onCancel }: { initial?: { point_of_entry_id?: string; province_code?: string }; onDone: (f: Fmp) => void; onCancel: () => void }) {
  const { t, locale } = useT();
  const idx = usePlaceIndex();
  // Only the provinces (and their points of entry) where the user manages places.
  const usable = useUsableProvinces('places.manage');
  const { createFmp } = usePlacesMutations();
  const { errors, setErrors, formError, setFormError, fail } = useApiErrors();
  const [mode, setMode] = useState<'poe' | 'province'>(initial?.province_code && !initial.point_of_entry_id ? 'province' : 'poe');
  const [v, setV] = useState({ code: '', name_en: '', name_fa: '', poe: initial?.point_of_entry_id ?? '', province: initial?.province_code ?? '', lat: '', lon: '' });
  const [opened, setOpened] = useState<{ iso: string | null; valid: boolean }>({ iso: today(), valid: true });
  const set = (k: keyof typeof v) => (x: string) => {
    setV((s) => ({ ...s, [k]: x }));
    setErrors((e) => clearKey(e, FIELD_OF[k] ?? k));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!v.code.trim()) errs.code = t('form.required');
    else if (!CODE_RE.test(v.code.trim()) || v.code.trim().length < 2) errs.code = t('form.code');
    if (!v.name_en.trim()) errs.name_en = t('form.required');
    if (!v.name_fa.trim()) errs.name_fa = t('form.required');
    if (mode === 'poe' && !v.poe) errs.point_of_entry_id = t('form.choose');
    if (mode === 'province' && !v.province) errs.province_code = t('form.choose');
    let lat: number | null = null;
    let lon: number | null = null;
    if (mode === 'province' && (v.lat.trim() || v.lon.trim())) {
      lat = parseDecimal(v.lat);
      lon = parseDecimal(v.lon);
      if (lat === null || lat < LAT_RANGE[0] || lat > LAT_RANGE[1]) errs.lat = t('form.range', { min: formatNumber(LAT_RANGE[0], locale), max: formatNumber(LAT_RANGE[1], locale) });
      if (lon === null || lon < LON_RANGE[0] || lon > LON_RANGE[1]) errs.lon = t('form.range', { min: formatNumber(LON_RANGE[0], locale), max: formatNumber(LON_RANGE[1], locale) });
    }
    if (!opened.valid) errs.opened_on = t('date.errors.invalid');
    setErrors(errs);
    if (Object.keys(errs).length) {
      setFormError(t('form.fixErrors'));
      return;
    }
    setFormError(null);
    const body: FmpInput = { code: v.code.trim(), name_en: v.name_en.trim(), name_fa: v.name_fa.trim(), opened_on: opened.iso };
    if (mode === 'poe') body.point_of_entry_id = v.poe;
    else Object.assign(body, { province_code: v.province, lat, lon });
    try {
      onDone(await createFmp.mutateAsync(body));
    } catch (err) {
      fail(err);
    }
  };

  return (
    <form onSubmit={submit} noValidate className="form">
      <FormMessage>{formError}</FormMessage>
      <TextField label={t('places.fields.code')} value={v.code} onChange={(x) => set('code')(x.toLowerCase())} dir="ltr" required error={errors.code} hint={t('places.fmps.codeHint')} autoComplete="off" normalise={false} />
      <div className="form-row">
        <TextField label={t('places.fields.nameFa')} value={v.name_fa} onChange={set('name_fa')} dir="rtl" lang="fa" required error={errors.name_fa} />
        <TextField label={t('places.fields.nameEn')} value={v.name_en} onChange={set('name_en')} dir="ltr" lang="en" required error={errors.name_en} />
      </div>
      <fieldset className="radio-group">
        <legend>{t('places.fmps.where')}</legend>
        <label>
          <input type="radio" name="fmp-where" checked={mode === 'poe'} onChange={() => setMode('poe')} /> {t('places.fmps.atPoe')}
        </label>
        <label>
          <input type="radio" name="fmp-where" checked={mode === 'province'} onChange={() => setMode('province')} /> {t('places.fmps.inProvince')}
        </label>
      </fieldset>
      {mode === 'poe' ? (
        <SelectField
          label={t('places.fields.pointOfEntry')}
          value={v.poe}
          onChange={set('poe')}
          required
          error={errors.point_of_entry_id}
          placeholder={t('form.choosePlaceholder')}
          options={sortByName((idx.poes.data ?? []).filter((p) => usable.has(p.province_code)), locale).map((p) => ({ value: p.id, label: `${nameOf(p, locale)} — ${nameOf(idx.province.get(p.province_code), locale)}` }))}
        />
      ) : (
        <>
          <SelectField
            label={t('places.fields.province')}
            value={v.province}
            onChange={set('province')}
            required
            error={errors.province_code}
            placeholder={t('form.choosePlaceholder')}
            options={sortByName((idx.provinces.data ?? []).filter((p) => usable.has(p.code)), locale).map((p) => ({ value: p.code, label: nameOf(p, locale) }))}
          />
          <div className="form-row">
            <TextField label={t('places.fields.latitude')} value={v.lat} onChange={set('lat')} inputMode="decimal" dir="ltr" error={errors.lat} hint={t('form.optional')} />
            <TextField label={t('places.fields.longitude')} value={v.lon} onChange={set('lon')} inputMode="decimal" dir="ltr" error={errors.lon} hint={t('form.optional')} />
          </div>
        </>
      )}
      <DateInput label={t('places.fields.openedOn')} value={opened.iso} onChange={(iso, valid) => setOpened({ iso, valid })} error={errors.opened_on} />
      <Actions pending={createFmp.isPending} onCancel={onCancel} submitLabel={t('places.fmps.add')} />
    </form>
  );
}

export function FmpRenameForm({ fmp, onDone, onCancel }: { fmp: Fmp; onDone: () => void; onCancel: () => void }) {
  const { t } = useT();
  const { updateFmp } = usePlacesMutations();
  const { errors, setErrors, formError, setFormError, fail } = useApiErrors();
  const [v, setV] = useState({ name_en: fmp.name_en, name_fa: fmp.name_fa });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!v.name_en.trim()) errs.name_en = t('form.required');
    if (!v.name_fa.trim()) errs.name_fa = t('form.required');
    setErrors(errs);
    if (Object.keys(errs).length) return;
    setFormError(null);
    try {
      await updateFmp.mutateAsync({ code: fmp.code, name_en: v.name_en.trim(), name_fa: v.name_fa.trim() });
      onDone();
    } catch (err) {
      fail(err);
    }
  };
  return (
    <form onSubmit={submit} noValidate className="form">
      <FormMessage>{formError}</FormMessage>
      <TextField label={t('places.fields.nameFa')} value={v.name_fa} onChange={(x) => setV({ ...v, name_fa: x })} dir="rtl" lang="fa" required error={errors.name_fa} />
      <TextField label={t('places.fields.nameEn')} value={v.name_en} onChange={(x) => setV({ ...v, name_en: x })} dir="ltr" lang="en" required error={errors.name_en} />
      <Actions pending={updateFmp.isPending} onCancel={onCancel} submitLabel={t('common.save')} />
    </form>
  );
}

export function FmpCloseForm({ fmp, onDone, onCancel }: { fmp: Fmp; onDone: () => void; onCancel: () => void }) {
  const { t, locale } = useT();
  const { updateFmp } = usePlacesMutations();
  const { errors, setErrors, formError, setFormError, fail } = useApiErrors();
  const [closed, setClosed] = useState<{ iso: string | null; valid: boolean }>({ iso: today(), valid: true });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!closed.valid) errs.closed_on = t('date.errors.invalid');
    else if (!closed.iso) errs.closed_on = t('form.required');
    else if (fmp.opened_on && closed.iso < fmp.opened_on) errs.closed_on = t('places.fmps.closeBeforeOpen', { date: formatDate(fmp.opened_on, locale) });
    setErrors(errs);
    if (Object.keys(errs).length) return;
    setFormError(null);
    try {
      await updateFmp.mutateAsync({ code: fmp.code, closed_on: closed.iso });
      onDone();
    } catch (err) {
      fail(err);
    }
  };
  return (
    <form onSubmit={submit} noValidate className="form">
      <p>{t('places.fmps.closeExplain')}</p>
      <FormMessage>{formError}</FormMessage>
      <DateInput label={t('places.fields.closedOn')} value={closed.iso} onChange={(iso, valid) => setClosed({ iso, valid })} required error={errors.closed_on} />
      <Actions pending={updateFmp.isPending} onCancel={onCancel} submitLabel={t('places.fmps.close')} />
    </form>
  );
}
