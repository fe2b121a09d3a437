// Small pieces the provinces pages share.
import type { ReactNode } from 'react';
import { formatNumber } from '../../app/format.ts';
import type { Locale } from '../../app/types.ts';
import { DateInput } from '../../components/DateInput.tsx';
import { useT } from '../../app/useT.ts';
import type { Period } from './api.ts';

export function Cards({ label, items, locale }: { label: string; items: [string, number | null | undefined, string?][]; locale: Locale }) {
  return (
    <ul className="prov-cards" aria-label={label}>
      {items.map(([l, v, testId]) => (
        <li key={l}>
          <span className="stat-number" data-testid={testId}>
            {v == null ? '—' : formatNumber(v, locale)}
          </span>
          <span className="stat-label">{l}</span>
        </li>
      ))}
    </ul>
  );
}

export function PeriodPicker({ value, onChange, children }: { value: Period; onChange: (p: Period) => void; children?: ReactNode }) {
  const { t } = useT();
  return (
    <div className="prov-filters">
      <DateInput label={t('provinces.period.from')} value={value.from ?? null} onChange={(iso, ok) => ok && onChange({ ...value, from: iso })} />
      <DateInput label={t('provinces.period.to')} value={value.to ?? null} onChange={(iso, ok) => ok && onChange({ ...value, to: iso })} />
      {children}
    </div>
  );
}
