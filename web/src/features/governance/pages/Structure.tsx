// One coordination structure: members (agencies and focal persons), meetings (agenda, minutes,
// attendance) and its workplan of action items, overdue ones highlighted.
import { useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { useT } from '../../../app/useT.ts';
import { useAuth } from '../../../app/auth.tsx';
import { ApiError, post } from '../../../app/api.ts';
import { formatDate, formatNumber, sortByName } from '../../../app/format.ts';
import { nameOf } from '../../../app/types.ts';
import { DateInput } from '../../../components/DateInput.tsx';
import { Checkbox, FormMessage, SelectField, TextField } from '../../../components/Field.tsx';
import { Badge, Dialog, Facts, PageHeader, TableWrap, usePageTitle } from '../../../components/ui.tsx';
import { QueryView } from '../../../components/States.tsx';
import { useAgencies } from '../../admin/api.ts';
import { G, govKeys, useGcm, useStructure, type StructureDetail } from '../api.ts';
import { ActionTable } from './Workplan.tsx';
import '../governance.css';

export default function Structure() {
  const { id } = useParams();
  const q = useStructure(Number(id));
  return (
    <section className="page">
      <QueryView query={q}>{(d) => <StructureView d={d} />}</QueryView>
    </section>
  );
}

function StructureView({ d }: { d: StructureDetail }) {
  const { t, locale } = useT();
  const { can } = useAuth();
  const s = d.structure;
  usePageTitle(nameOf(s, locale));
  const [dialog, setDialog] = useState<null | 'member' | 'meeting' | 'action'>(null);
  const overdue = d.actions.filter((a) => a.overdue).length;
  return (
    <>
      <PageHeader back={{ to: '/governance/coordination', label: t('governance.coordination.title') }} title={nameOf(s, locale)} subtitle={t(`governance.coordination.kinds.${s.kind}`)} />
      <Facts
        items={[
          [t('governance.coordination.level'), s.level === 'national' ? t('governance.coordination.national') : t('governance.coordination.provincial') + ` (${s.province_code})`],
          [t('governance.coordination.members'), formatNumber(d.members.filter((m) => m.active).length, locale)],
          [t('governance.coordination.meetings'), formatNumber(d.meetings.length, locale)],
          [t('governance.workplan.overdue'), formatNumber(overdue, locale)],
        ]}
      />
      {s.description && <p style={{ whiteSpace: 'pre-wrap' }}>{s.description}</p>}
      {s.terms_of_reference && (
        <details>
          <summary>{t('governance.coordination.tor')}</summary>
          <p style={{ whiteSpace: 'pre-wrap' }}>{s.terms_of_reference}</p>
        </details>
      )}

      <section className="card" aria-labelledby="st-members">
        <h2 id="st-members">{t('governance.coordination.members')}</h2>
        {d.can_manage && (
          <button type="button" className="btn btn-small" onClick={() => setDialog('member')}>
            {t('governance.coordination.addMember')}
          </button>
        )}
        <TableWrap label={t('governance.coordination.members')}>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('governance.coordination.agency')}</th>
                <th scope="col">{t('governance.coordination.person')}</th>
                <th scope="col">{t('governance.coordination.role')}</th>
                <th scope="col">{t('governance.coordination.contact')}</th>
              </tr>
            </thead>
            <tbody>
              {d.members.map((m) => (
                <tr key={m.id} className={m.active ? '' : 'muted'}>
                  <td>{nameOf(m.agency_id ? { name_en: m.agency_en ?? '', name_fa: m.agency_fa ?? '' } : null, locale) || '—'}</td>
                  <td>
                    {m.person_name} {m.focal_person && <Badge tone="info">{t('governance.coordination.focalPerson')}</Badge>}
                    {m.position && <div className="small muted">{m.position}</div>}
                  </td>
                  <td>{t(`governance.coordination.roles.${m.role}`)}</td>
                  <td dir="ltr" className="small">
                    {[m.email, m.phone].filter(Boolean).join(' · ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </section>

      <section className="card" aria-labelledby="st-actions">
        <h2 id="st-actions">{t('governance.workplan.title')}</h2>
        {d.can_manage && (
          <button type="button" className="btn btn-small" onClick={() => setDialog('action')} data-testid="gov-add-action">
            {t('governance.workplan.add')}
          </button>
        )}
        <ActionTable items={d.actions} canEdit={can('governance.edit') || d.can_manage} showStructure={false} />
      </section>

      <section className="card" aria-labelledby="st-meetings">
        <h2 id="st-meetings">{t('governance.coordination.meetings')}</h2>
        {d.can_manage && (
          <button type="button" className="btn btn-small" onClick={() => setDialog('meeting')}>
            {t('governance.coordination.addMeeting')}
          </button>
        )}
        {d.meetings.length === 0 && <p className="muted">{t('governance.coordination.noMeetings')}</p>}
        {d.meetings.map((m) => (
          <details key={m.id} className="gov-indicator">
            <summary>
              <span className="gov-ind-text">
                {formatDate(m.held_on, locale, 'long')} — {m.title}
              </span>
              <span className="gov-meta">
                {t('governance.coordination.attended', { n: formatNumber(m.attendance.filter((a) => a.present).length, locale), total: formatNumber(m.attendance.length, locale) })}
              </span>
            </summary>
            <div className="gov-body">
              {m.location && <p className="small muted">{m.location}</p>}
              <div className="gov-two">
                <div>
                  <h4>{t('governance.coordination.agenda')}</h4>
                  <p style={{ whiteSpace: 'pre-wrap' }} dir="auto">
                    {m.agenda || '—'}
                  </p>
                </div>
                <div>
                  <h4>{t('governance.coordination.minutes')}</h4>
                  <p style={{ whiteSpace: 'pre-wrap' }} dir="auto">
                    {m.minutes || '—'}
                  </p>
                </div>
              </div>
              <ul className="chips">
                {m.attendance.map((a) => {
                  const mem = d.members.find((x) => x.id === a.member_id);
                  return (
                    <li key={a.member_id} className="chip">
                      {a.present ? '✓' : '✗'} {mem?.person_name || nameOf(mem ? { name_en: mem.agency_en ?? '', name_fa: mem.agency_fa ?? '' } : null, locale)}
                    </li>
                  );
                })}
              </ul>
            </div>
          </details>
        ))}
      </section>

      <Dialog open={dialog !== null} onClose={() => setDialog(null)} title={dialog ? t(`governance.coordination.dialog.${dialog}`) : ''} wide>
        {dialog === 'member' && <MemberForm id={s.id} onDone={() => setDialog(null)} />}
        {dialog === 'meeting' && <MeetingForm d={d} onDone={() => setDialog(null)} />}
        {dialog === 'action' && <ActionForm d={d} onDone={() => setDialog(null)} />}
      </Dialog>
    </>
  );
}

function useSubmit(onDone: () => void) {
  const { t } = useT();
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const run = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      await qc.invalidateQueries({ queryKey: govKeys.all });
      onDone();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('common.unexpectedError'));
    }
  };
  return { error, run };
}

function MemberForm({ id, onDone }: { id: number; onDone: () => void }) {
  const { t, locale } = useT();
  const agencies = useAgencies();
  const { error, run } = useSubmit(onDone);
  const [f, setF] = useState({ agency_id: '', person_name: '', position: '', email: '', phone: '', focal_person: true, role: 'member' });
  return (
    <form
      className="form"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        void run(() => post(`${G}/coordination/${id}/members`, { ...f, agency_id: f.agency_id ? Number(f.agency_id) : null, email: f.email || null, phone: f.phone || null }));
      }}
    >
      {error && <FormMessage>{error}</FormMessage>}
      <div className="form-row">
        <SelectField label={t('governance.coordination.agency')} value={f.agency_id} onChange={(v) => setF({ ...f, agency_id: v })} placeholder={t('governance.common.none')} options={sortByName(agencies.data ?? [], locale).map((a) => ({ value: String(a.id), label: nameOf(a, locale) }))} />
        <TextField label={t('governance.coordination.person')} value={f.person_name} onChange={(v) => setF({ ...f, person_name: v })} />
        <TextField label={t('governance.coordination.position')} value={f.position} onChange={(v) => setF({ ...f, position: v })} />
      </div>
      <div className="form-row">
        <TextField label={t('governance.coordination.email')} value={f.email} onChange={(v) => setF({ ...f, email: v })} type="email" dir="ltr" />
        <TextField label={t('governance.coordination.phone')} value={f.phone} onChange={(v) => setF({ ...f, phone: v })} type="tel" dir="ltr" />
        <SelectField label={t('governance.coordination.role')} value={f.role} onChange={(v) => setF({ ...f, role: v })} options={['chair', 'co_chair', 'secretariat', 'member', 'observer'].map((r) => ({ value: r, label: t(`governance.coordination.roles.${r}`) }))} />
      </div>
      <Checkbox label={t('governance.coordination.focalPerson')} checked={f.focal_person} onChange={(v) => setF({ ...f, focal_person: v })} />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary">
          {t('governance.coordination.addMember')}
        </button>
      </div>
    </form>
  );
}

function MeetingForm({ d, onDone }: { d: StructureDetail; onDone: () => void }) {
  const { t, locale } = useT();
  const { error, run } = useSubmit(onDone);
  const [f, setF] = useState({ held_on: null as string | null, title: '', location: '', agenda: '', minutes: '' });
  const [present, setPresent] = useState<Set<number>>(new Set());
  return (
    <form
      className="form"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        if (!f.held_on) return;
        void run(() => post(`${G}/coordination/${d.structure.id}/meetings`, { ...f, attendance: d.members.filter((m) => m.active).map((m) => ({ member_id: m.id, present: present.has(m.id) })) }));
      }}
    >
      {error && <FormMessage>{error}</FormMessage>}
      <div className="form-row">
        <DateInput label={t('governance.coordination.heldOn')} value={f.held_on} onChange={(iso) => setF({ ...f, held_on: iso })} required />
        <TextField label={t('governance.coordination.meetingTitle')} value={f.title} onChange={(v) => setF({ ...f, title: v })} dir="auto" />
        <TextField label={t('governance.coordination.location')} value={f.location} onChange={(v) => setF({ ...f, location: v })} dir="auto" />
      </div>
      <div className="gov-two">
        <div className="gov-textarea">
          <label htmlFor="mt-agenda">{t('governance.coordination.agenda')}</label>
          <textarea id="mt-agenda" value={f.agenda} onChange={(e) => setF({ ...f, agenda: e.target.value })} dir="auto" rows={5} />
        </div>
        <div className="gov-textarea">
          <label htmlFor="mt-minutes">{t('governance.coordination.minutes')}</label>
          <textarea id="mt-minutes" value={f.minutes} onChange={(e) => setF({ ...f, minutes: e.target.value })} dir="auto" rows={5} />
        </div>
      </div>
      <fieldset className="field">
        <legend>{t('governance.coordination.attendance')}</legend>
        <div className="check-grid">
          {d.members
            .filter((m) => m.active)
            .map((m) => (
              <Checkbox
                key={m.id}
                label={m.person_name || nameOf({ name_en: m.agency_en ?? '', name_fa: m.agency_fa ?? '' }, locale)}
                checked={present.has(m.id)}
                onChange={(v) => {
                  const s = new Set(present);
                  if (v) s.add(m.id);
                  else s.delete(m.id);
                  setPresent(s);
                }}
              />
            ))}
        </div>
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary">
          {t('governance.coordination.addMeeting')}
        </button>
      </div>
    </form>
  );
}

function ActionForm({ d, onDone }: { d: StructureDetail; onDone: () => void }) {
  const { t, locale } = useT();
  const agencies = useAgencies();
  const gcm = useGcm();
  const { error, run } = useSubmit(onDone);
  const [f, setF] = useState({ title: '', description: '', owner_agency_id: '', owner_member_id: '', meeting_id: '', due_on: null as string | null, status: 'open', indicators: '' });
  const [objectives, setObjectives] = useState<Set<number>>(new Set());
  return (
    <form
      className="form"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        void run(() =>
          post(`${G}/coordination/${d.structure.id}/actions`, {
            title: f.title,
            description: f.description,
            owner_agency_id: f.owner_agency_id ? Number(f.owner_agency_id) : null,
            owner_member_id: f.owner_member_id ? Number(f.owner_member_id) : null,
            meeting_id: f.meeting_id ? Number(f.meeting_id) : null,
            due_on: f.due_on,
            status: f.status,
            gcm_objectives: [...objectives],
            indicators: f.indicators
              .split(/[\s,،]+/)
              .map((x) => x.trim())
              .filter(Boolean),
          }),
        );
      }}
    >
      {error && <FormMessage>{error}</FormMessage>}
      <TextField label={t('governance.workplan.itemTitle')} value={f.title} onChange={(v) => setF({ ...f, title: v })} required dir="auto" />
      <div className="gov-textarea">
        <label htmlFor="ac-desc">{t('governance.coordination.description')}</label>
        <textarea id="ac-desc" value={f.description} onChange={(e) => setF({ ...f, description: e.target.value })} dir="auto" rows={3} />
      </div>
      <div className="form-row">
        <SelectField label={t('governance.workplan.ownerAgency')} value={f.owner_agency_id} onChange={(v) => setF({ ...f, owner_agency_id: v })} placeholder={t('governance.common.none')} options={sortByName(agencies.data ?? [], locale).map((a) => ({ value: String(a.id), label: nameOf(a, locale) }))} />
        <SelectField label={t('governance.workplan.ownerPerson')} value={f.owner_member_id} onChange={(v) => setF({ ...f, owner_member_id: v })} placeholder={t('governance.common.none')} options={d.members.filter((m) => m.person_name).map((m) => ({ value: String(m.id), label: m.person_name }))} />
        <DateInput label={t('governance.workplan.due')} value={f.due_on} onChange={(iso) => setF({ ...f, due_on: iso })} />
        <SelectField label={t('governance.workplan.status')} value={f.status} onChange={(v) => setF({ ...f, status: v })} options={['open', 'in_progress', 'done', 'cancelled'].map((s) => ({ value: s, label: t(`governance.workplan.statuses.${s}`) }))} />
      </div>
      <SelectField label={t('governance.workplan.meeting')} value={f.meeting_id} onChange={(v) => setF({ ...f, meeting_id: v })} placeholder={t('governance.common.none')} options={d.meetings.map((m) => ({ value: String(m.id), label: `${formatDate(m.held_on, locale)} ${m.title}` }))} />
      <fieldset className="field">
        <legend>{t('governance.workplan.gcm')}</legend>
        <div className="check-grid">
          {(gcm.data?.objectives ?? []).map((o) => (
            <Checkbox
              key={o.code}
              label={`${formatNumber(Number(o.code), locale)}. ${locale === 'fa' ? o.texts.fa : o.texts.en}`}
              checked={objectives.has(Number(o.code))}
              onChange={(v) => {
                const s = new Set(objectives);
                if (v) s.add(Number(o.code));
                else s.delete(Number(o.code));
                setObjectives(s);
              }}
            />
          ))}
        </div>
      </fieldset>
      <TextField label={t('governance.workplan.indicators')} value={f.indicators} onChange={(v) => setF({ ...f, indicators: v })} dir="ltr" normalise={false} hint={t('governance.workplan.indicatorsHint')} />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary">
          {t('governance.workplan.add')}
        </button>
      </div>
    </form>
  );
}

