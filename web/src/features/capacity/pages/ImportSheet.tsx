// Importing an attendance sheet (CSV or XLSX) into a training: all or nothing, with the
// problems listed by row and column in the interface's language.
import { useState } from 'react';
import { useT } from '../../../app/useT.ts';
import { formatNumber } from '../../../app/format.ts';
import { FormMessage, TextField } from '../../../components/Field.tsx';
import { fileToBase64 } from '../../provinces/api.ts';
import { ProblemList } from '../../provinces/pages/Mobility.tsx';
import { useImportParticipants } from '../api.ts';

export function ImportSheet({ code, onDone }: { code: string; onDone?: () => void }) {
  const { t, locale } = useT();
  const imp = useImportParticipants(code);
  const [title, setTitle] = useState('');
  return (
    <div className="prov-filters">
      <TextField label={t('capacity.import.titleIfNew')} value={title} onChange={setTitle} />
      <label className="field">
        <span>{t('capacity.import.file')}</span>
        <input
          type="file"
          accept=".csv,.xlsx"
          data-testid="attendance-file"
          onChange={async (e) => {
            const f = e.target.files?.[0];
            if (!f) return;
            imp.mutate({ file_name: f.name, data_base64: await fileToBase64(f), title: title || undefined }, { onSuccess: (r) => r.ok && onDone?.() });
            e.target.value = '';
          }}
        />
      </label>
      {imp.data &&
        (imp.data.ok ? (
          <FormMessage kind="success">{t('capacity.import.done', { added: formatNumber(imp.data.added, locale), present: formatNumber(imp.data.present, locale) })}</FormMessage>
        ) : (
          <ProblemList problems={imp.data.problems} />
        ))}
      {imp.error && <FormMessage>{(imp.error as Error).message}</FormMessage>}
    </div>
  );
}
