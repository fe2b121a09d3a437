// Flow monitoring points. Administrators (places.manage) add, rename, close and reopen them.
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { useT } from '../../../app/useT.ts';
import { useAuth } from '../../../app/auth.tsx';
import { formatNumber, sortByName } from '../../../app/format.ts';
import { nameOf, type Fmp } from '../../../app/types.ts';
import { ApiError } from '../../../app/api.ts';
import { Dialog, PageHeader, usePageTitle } from '../../../components/ui.tsx';
import { EmptyState, QueryView } from '../../../components/States.tsx';
import { FormMessage, SelectField } from '../../../components/Field.tsx';
import { useFmps, usePlacesMutations, useProvinces, useUsableProvinces } from '../api.ts';
import { FmpTable } from '../components.tsx';
import { FmpCloseForm, FmpForm, FmpRenameForm } from '../FmpForm.tsx';

type Open = { kind: 'add' } | { kind: 'rename'; fmp: Fmp } | { kind: 'close'; fmp: Fmp } | null;

export default function Fmps() {
  const { t, locale } = useT();
  const { can } = useAuth();
  usePageTitle(t('places.fmps.title'));
  const q = useFmps();
  const provinces = useProvinces();
  const { updateFmp } = usePlacesMutations();
  const [params, setParams] = useSearchParams();
  const province = params.get('province') ?? '';
  const status = params.get('status') ?? '';
  const [open, setOpen] = useState<Open>(null);
  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const manage = can('places.manage');
  // Row actions only where the user manages places (their provinces).
  const manageable = useUsableProvinces('places.manage');

  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  };

  const reopen = async (f: Fmp) => {
    try {
      await updateFmp.mutateAsync({ code: f.code, closed_on: null });
      setMessage({ kind: 'success', text: t('places.fmps.reopened', { name: nameOf(f, locale) }) });
    } catch (e) {
      setMessage({ kind: 'error', text: e instanceof ApiError ? e.message : t('common.unexpectedError') });
    }
  };

  return (
    <section className="page">
      <PageHeader
        title={t('places.fmps.title')}
        subtitle={t('places.fmps.subtitle')}
        actions={
          manage && (
            <button type="button" className="btn btn-primary" onClick={() => setOpen({ kind: 'add' })}>
              {t('places.fmps.add')}
            </button>
          )
        }
      />
      {message && <FormMessage kind={message.kind}>{message.text}</FormMessage>}
      <div className="toolbar">
        <SelectField
          label={t('places.fields.province')}
          value={province}
          onChange={(v) => set('province', v)}
          placeholder={t('places.allProvinces')}
          options={sortByName(provinces.data ?? [], locale).map((p) => ({ value: p.code, label: nameOf(p, locale) }))}
        />
        <SelectField
          label={t('places.fields.status')}
          value={status}
          onChange={(v) => set('status', v)}
          options={[
            { value: '', label: t('places.fmps.statusAll') },
            { value: 'open', label: t('places.fmps.open') },
            { value: 'closed', label: t('places.fmps.closed') },
          ]}
        />
      </div>
      <QueryView query={q} empty={t('places.fmps.empty')}>
        {(rows) => {
          const shown = sortByName(rows, locale).filter((f) => (!province || f.province_code === province) && (!status || (status === 'open' ? f.active : !f.active)));
          return (
            <>
              <p className="count" aria-live="polite">
                {t('common.shownOf', { shown: formatNumber(shown.length, locale), total: formatNumber(rows.length, locale) })}
              </p>
              {shown.length === 0 ? (
                <EmptyState>{t('common.noMatches')}</EmptyState>
              ) : (
                <FmpTable
                  rows={shown}
                  label={t('places.fmps.title')}
                  actions={
                    manage
                      ? (f) => manageable.has(f.province_code) && (
                          <div className="row-actions">
                            <button type="button" className="btn btn-small" onClick={() => setOpen({ kind: 'rename', fmp: f })} aria-label={t('places.fmps.renameNamed', { name: nameOf(f, locale) })}>
                              {t('places.fmps.rename')}
                            </button>
                            {f.closed_on ? (
                              <button type="button" className="btn btn-small" onClick={() => reopen(f)} aria-label={t('places.fmps.reopenNamed', { name: nameOf(f, locale) })}>
                                {t('places.fmps.reopen')}
                              </button>
                            ) : (
                              <button type="button" className="btn btn-small btn-danger" onClick={() => setOpen({ kind: 'close', fmp: f })} aria-label={t('places.fmps.closeNamed', { name: nameOf(f, locale) })}>
                                {t('places.fmps.close')}
                              </button>
                            )}
                          </div>
                        )
                      : undefined
                  }
                />
              )}
            </>
          );
        }}
      </QueryView>

      <Dialog open={open?.kind === 'add'} onClose={() => setOpen(null)} title={t('places.fmps.addTitle')} wide>
        <FmpForm
          initial={province ? { province_code: province } : undefined}
          onDone={(f) => {
            setOpen(null);
            setMessage({ kind: 'success', text: t('places.fmps.createdNamed', { name: nameOf(f, locale) }) });
          }}
          onCancel={() => setOpen(null)}
        />
      </Dialog>
      <Dialog open={open?.kind === 'rename'} onClose={() => setOpen(null)} title={t('places.fmps.renameTitle')}>
        {open?.kind === 'rename' && (
          <FmpRenameForm
            fmp={open.fmp}
            onDone={() => {
              setOpen(null);
              setMessage({ kind: 'success', text: t('places.fmps.saved') });
            }}
            onCancel={() => setOpen(null)}
          />
        )}
      </Dialog>
      <Dialog open={open?.kind === 'close'} onClose={() => setOpen(null)} title={open?.kind === 'close' ? t('places.fmps.closeTitle', { name: nameOf(open.fmp, locale) }) : ''}>
        {open?.kind === 'close' && (
          <FmpCloseForm
            fmp={open.fmp}
            onDone={() => {
              setOpen(null);
              setMessage({ kind: 'success', text: t('places.fmps.closedMsg', { name: nameOf(open.fmp, locale) }) });
            }}
            onCancel={() => setOpen(null)}
          />
        )}
      </Dialog>
    </section>
  );
}
