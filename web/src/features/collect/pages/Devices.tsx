// Device links for ODK Collect / KoboCollect: make one (its QR code is shown once), see when
// each was last used, revoke. The server generates the QR code (the same as `marz collect-link`).
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useT } from '../../../app/useT.ts';
import { api, get, post } from '../../../app/api.ts';
import { formatDateTime } from '../../../app/format.ts';
import { FormMessage, TextField } from '../../../components/Field.tsx';
import { Badge, PageHeader, usePageTitle } from '../../../components/ui.tsx';

interface Device {
  id: number;
  label: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}
interface NewLink {
  id: number;
  server_url: string;
  settings: string;
  qr_svg: string;
}

const KEY = ['collect', 'devices'] as const;

export default function Devices() {
  const { t, locale } = useT();
  usePageTitle(t('collect.title'));
  const qc = useQueryClient();
  const devices = useQuery({ queryKey: KEY, queryFn: ({ signal }) => get<Device[]>('/api/v1/collect/devices', undefined, signal) });
  const [label, setLabel] = useState('');
  const [made, setMade] = useState<NewLink | null>(null);
  const [error, setError] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (l: string) => post<NewLink>('/api/v1/collect/devices', { label: l }),
    onSuccess: (r) => {
      setMade(r);
      setLabel('');
      setError(null);
      void qc.invalidateQueries({ queryKey: KEY });
    },
    onError: (e: Error) => setError(e.message),
  });
  const revoke = useMutation({
    mutationFn: (id: number) => api(`/api/v1/collect/devices/${id}`, { method: 'DELETE' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: KEY }),
    onError: (e: Error) => setError(e.message),
  });
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    if (label.trim()) create.mutate(label.trim());
  };

  return (
    <section className="page">
      <PageHeader title={t('collect.title')} subtitle={t('collect.subtitle')} back={{ to: '/flows/entry', label: t('flows.nav.entry') }} />
      <p>{t('collect.how')}</p>
      {error && <FormMessage kind="error">{error}</FormMessage>}
      <form onSubmit={submit} className="form" data-testid="collect-form">
        <TextField label={t('collect.label')} hint={t('collect.labelHint')} value={label} onChange={setLabel} required />
        <button type="submit" className="btn btn-primary" disabled={create.isPending || !label.trim()}>
          {create.isPending ? t('collect.creating') : t('collect.create')}
        </button>
      </form>
      {made && (
        <section aria-live="polite" data-testid="collect-qr">
          <p>{t('collect.scan')}</p>
          <img src={`data:image/svg+xml;base64,${btoa(made.qr_svg)}`} alt={t('collect.scan')} width={280} height={280} style={{ background: '#fff', maxWidth: '100%', height: 'auto' }} />
          <p>
            {t('collect.serverUrl')}: <bdi dir="ltr"><code data-testid="collect-url">{made.server_url}</code></bdi>
          </p>
        </section>
      )}
      <h2>{t('collect.devices')}</h2>
      {devices.data?.length === 0 && <p className="muted">{t('collect.none')}</p>}
      <ul className="flows-queue-list">
        {(devices.data ?? []).map((d) => (
          <li key={d.id} data-testid="collect-device">
            <strong>{d.label}</strong> · {t('collect.created', { date: formatDateTime(d.created_at, locale) })} ·{' '}
            {d.last_used_at ? t('collect.lastUsed', { date: formatDateTime(d.last_used_at, locale) }) : t('collect.neverUsed')}{' '}
            {d.revoked_at ? (
              <Badge tone="neutral">{t('collect.revoked')}</Badge>
            ) : (
              <button type="button" className="btn btn-small btn-danger" onClick={() => window.confirm(t('collect.revokeConfirm')) && revoke.mutate(d.id)}>
                {t('collect.revoke')}
              </button>
            )}
          </li>
        ))}
      </ul>
      <p className="muted small">
        {t('collect.basic', { url: `${window.location.origin}/api/collect` })} <Link to="/flows/entry">{t('flows.nav.entry')}</Link>
      </p>
    </section>
  );
}
