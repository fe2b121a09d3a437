// Running a training: sessions and attendance per session, the question bank and each
// participant's pre/post test (scored by the server), and evaluation forms.
import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api, post } from '../../../app/api.ts';
import { useT } from '../../../app/useT.ts';
import { formatNumber } from '../../../app/format.ts';
import { DateInput } from '../../../components/DateInput.tsx';
import { Checkbox, FormMessage, SelectField, TextField } from '../../../components/Field.tsx';
import { capacityKeys } from '../api.ts';

type Run = (fn: () => Promise<unknown>, ok?: string) => Promise<void>;

function useRunner(): [Run, { error: string | null; ok: string | null }] {
  const qc = useQueryClient();
  const [state, setState] = useState<{ error: string | null; ok: string | null }>({ error: null, ok: null });
  const run: Run = async (fn, ok) => {
    setState({ error: null, ok: null });
    try {
      await fn();
      await qc.invalidateQueries({ queryKey: capacityKeys.all });
      setState({ error: null, ok: ok ?? null });
    } catch (e) {
      setState({ error: (e as Error).message, ok: null });
    }
  };
  return [run, state];
}

export function TrainingManage({ training, participants }: { training: any; participants: any[] }) {
  const { t, locale } = useT();
  const base = `/api/v1/capacity/trainings/${encodeURIComponent(training.code)}`;
  const [run, state] = useRunner();
  const sessions: any[] = training.sessions;
  const questions: any[] = training.questions;
  const num = (n: number) => formatNumber(n, locale);

  // Sessions and attendance
  const [session, setSession] = useState<{ held_on: string | null; title: string }>({ held_on: null, title: '' });
  const [picked, setSessionNo] = useState('');
  // The session chosen, else the latest (sessions may arrive after the first render).
  const sessionNo = picked || String(sessions.at(-1)?.no ?? '');
  const [present, setPresent] = useState<Set<number>>(new Set());
  // Question bank and tests
  const [q, setQ] = useState({ text_fa: '', text_en: '', options: '', correct: '1', gcm: '' });
  const [test, setTest] = useState<{ participant: string; kind: 'pre' | 'post'; answers: Record<string, string> }>({ participant: '', kind: 'pre', answers: {} });
  // Evaluation
  const [ev, setEv] = useState({ relevance: '5', content: '5', facilitation: '5', organisation: '5', comment: '' });
  const ratings = ['1', '2', '3', '4', '5'].map((v) => ({ value: v, label: num(Number(v)) }));
  const nameOf = (p: any) => p.name;

  return (
    <div className="training-manage">
      {state.error && <FormMessage>{state.error}</FormMessage>}
      {state.ok && <FormMessage kind="success">{state.ok}</FormMessage>}

      <h2>{t('capacity.manage.sessions')}</h2>
      <form
        className="prov-form"
        onSubmit={(e) => {
          e.preventDefault();
          const next = [...sessions.map((s) => ({ no: s.no, held_on: s.held_on, title: s.title })), { no: (sessions.at(-1)?.no ?? 0) + 1, held_on: session.held_on, title: session.title }];
          void run(() => api(`${base}/sessions`, { method: 'PUT', body: next }), t('capacity.manage.saved')).then(() => setSession({ held_on: null, title: '' }));
        }}
      >
        <DateInput label={t('capacity.manage.sessionDate')} value={session.held_on} onChange={(iso) => setSession({ ...session, held_on: iso })} />
        <TextField label={t('capacity.manage.sessionTitle')} value={session.title} onChange={(v) => setSession({ ...session, title: v })} />
        <button className="btn" type="submit">
          {t('capacity.manage.addSession')}
        </button>
      </form>
      {sessions.length > 0 && participants.length > 0 && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const ids = participants.map((p) => Number(p.id));
            void run(() => api(`${base}/attendance`, { method: 'PUT', body: { session_no: Number(sessionNo), present: ids.filter((i) => present.has(i)), absent: ids.filter((i) => !present.has(i)) } }), t('capacity.manage.saved'));
          }}
        >
          <SelectField label={t('capacity.manage.session')} value={sessionNo} onChange={setSessionNo} options={sessions.map((s) => ({ value: String(s.no), label: t('capacity.training.session', { no: num(s.no) }) }))} />
          <fieldset>
            <legend>{t('capacity.manage.present')}</legend>
            {participants.map((p) => (
              <Checkbox key={p.id} label={nameOf(p)} checked={present.has(Number(p.id))} onChange={(v) => setPresent((s) => (v ? new Set(s).add(Number(p.id)) : new Set([...s].filter((x) => x !== Number(p.id)))))} />
            ))}
          </fieldset>
          <button className="btn" type="submit">
            {t('capacity.manage.saveAttendance')}
          </button>
        </form>
      )}

      <h2>{t('capacity.manage.questions')}</h2>
      {questions.length > 0 && (
        <ol>
          {questions.map((x) => (
            <li key={x.no} dir="auto">
              {locale === 'fa' ? x.text_fa || x.text_en : x.text_en || x.text_fa}
            </li>
          ))}
        </ol>
      )}
      <form
        className="prov-form"
        onSubmit={(e) => {
          e.preventDefault();
          const options = q.options.split('\n').map((o) => o.trim()).filter(Boolean).map((o) => ({ en: o, fa: o }));
          const next = [...questions, { no: (questions.at(-1)?.no ?? 0) + 1, text_en: q.text_en, text_fa: q.text_fa, options, correct: Number(q.correct) - 1, gcm_objective: q.gcm ? Number(q.gcm) : null }];
          void run(() => api(`${base}/questions`, { method: 'PUT', body: next }), t('capacity.manage.saved')).then(() => setQ({ text_fa: '', text_en: '', options: '', correct: '1', gcm: '' }));
        }}
      >
        <TextField label={t('capacity.manage.questionFa')} value={q.text_fa} onChange={(v) => setQ({ ...q, text_fa: v })} />
        <TextField label={t('capacity.manage.questionEn')} value={q.text_en} onChange={(v) => setQ({ ...q, text_en: v })} />
        <label className="field">
          <span>{t('capacity.manage.options')}</span>
          <textarea rows={3} value={q.options} onChange={(e) => setQ({ ...q, options: e.target.value })} />
        </label>
        <TextField label={t('capacity.manage.correct')} type="number" min={1} value={q.correct} onChange={(v) => setQ({ ...q, correct: v })} />
        <TextField label={t('capacity.fields.gcm')} type="number" min={1} max={23} value={q.gcm} onChange={(v) => setQ({ ...q, gcm: v })} />
        <button className="btn" type="submit">
          {t('capacity.manage.addQuestion')}
        </button>
      </form>
      {questions.length > 0 && participants.length > 0 && (
        <form
          className="prov-form"
          onSubmit={(e) => {
            e.preventDefault();
            const answers = Object.fromEntries(Object.entries(test.answers).filter(([, v]) => v !== '').map(([k, v]) => [k, Number(v)]));
            void run(() => post(`${base}/tests`, { participant_id: Number(test.participant), kind: test.kind, answers }), t('capacity.manage.saved'));
          }}
        >
          <SelectField label={t('capacity.manage.participant')} required placeholder="—" value={test.participant} onChange={(v) => setTest({ ...test, participant: v })} options={participants.map((p) => ({ value: String(p.id), label: nameOf(p) }))} />
          <SelectField label={t('capacity.manage.kind')} value={test.kind} onChange={(v) => setTest({ ...test, kind: v as 'pre' | 'post' })} options={[{ value: 'pre', label: t('capacity.training.pre') }, { value: 'post', label: t('capacity.training.post') }]} />
          {questions.map((x) => (
            <SelectField
              key={x.no}
              label={t('capacity.manage.answerTo', { no: num(x.no) })}
              placeholder="—"
              value={test.answers[String(x.no)] ?? ''}
              onChange={(v) => setTest({ ...test, answers: { ...test.answers, [String(x.no)]: v } })}
              options={x.options.map((o: any, i: number) => ({ value: String(i), label: (locale === 'fa' ? o.fa || o.en : o.en || o.fa) || num(i + 1) }))}
            />
          ))}
          <button className="btn" type="submit">
            {t('capacity.manage.recordTest')}
          </button>
        </form>
      )}

      <h2>{t('capacity.manage.evaluation')}</h2>
      <form
        className="prov-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run(() => post(`${base}/evaluations`, { relevance: Number(ev.relevance), content: Number(ev.content), facilitation: Number(ev.facilitation), organisation: Number(ev.organisation), comment: ev.comment }), t('capacity.manage.saved')).then(() =>
            setEv({ relevance: '5', content: '5', facilitation: '5', organisation: '5', comment: '' }),
          );
        }}
      >
        {(['relevance', 'content', 'facilitation', 'organisation'] as const).map((k) => (
          <SelectField key={k} label={t(`capacity.manage.${k}`)} value={ev[k]} onChange={(v) => setEv({ ...ev, [k]: v })} options={ratings} />
        ))}
        <TextField label={t('capacity.manage.comment')} value={ev.comment} onChange={(v) => setEv({ ...ev, comment: v })} />
        <button className="btn" type="submit">
          {t('capacity.manage.addEvaluation')}
        </button>
      </form>
    </div>
  );
}
