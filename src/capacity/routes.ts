// Capacity building over HTTP: trainings, sessions and attendance, participants (scoped by
// province and agency; every read of names is audited), attendance-sheet imports, question
// bank and tests, evaluations, certificates as PDF (Persian and English).
import { z } from 'zod';
import { Readable } from 'node:stream';
import type { Capability } from '../platform/http/app.ts';
import { AppError } from '../platform/http/errors.ts';
import { receiveUpload } from '../platform/http/uploads.ts';
import { declareAccess, defineResource, intParam, type Target, type Touches } from '../platform/auth/scope.ts';
import { addMessages } from '../platform/i18n/messages.ts';
import { todayIso } from '../platform/calendar.ts';
import type { Queryable } from '../platform/db/database.ts';
import * as T from './trainings.ts';
import { importParticipants } from './import.ts';
import { certificateHtml, certificatePdf } from './certificate.ts';

addMessages(new URL('./locales/', import.meta.url));

const P = '/api/v1/capacity';
const tags = ['capacity'];
const codeParams = z.object({ code: z.string() });
const participantParams = z.object({ code: z.string(), id: z.coerce.number().int() });
const lang = z.object({ lang: z.enum(['en', 'fa']).optional() });

// ------------------------------------------------------------ who touches what
// A training, to change it: its province and agencies (one without a province: its creator's, or nationwide).
defineResource('training', async (q, params) => {
  const t = await T.trainingRow(q, params.code);
  return t && T.trainingTarget(t, 'manage');
});
// A training, to read it: the same, but one without a province is readable by every reader, and
// a training is readable by those whose people (participants in their scope) took part in it.
defineResource('training_read', async (q, params, principal) => {
  const t = await T.trainingRow(q, params.code);
  return t && T.readableTraining(q, principal, t);
});
// A training as the place of its participants, who come from many provinces and agencies: it
// must exist; what is touched is each participant the write names.
defineResource('training_event', async (q, params) => {
  const t = await T.trainingRow(q, params.code);
  return t && { provinces: [], type: 'training', id: t.code };
});
// One participant of a training: their province and agency (out of scope: 404, as if absent).
defineResource('training_participant', async (q, params) => {
  const id = intParam(params.id);
  if (id == null || !params.code) return null;
  const r = (
    await q.query('SELECT pp.id, pp.province_code, pp.agency_id FROM training_participants pp JOIN trainings t ON t.id = pp.training_id WHERE t.code = $1 AND pp.id = $2', [params.code, id])
  ).rows[0];
  return r ? T.participantTarget(r) : null;
});

/** A new or moved training: the province and agencies in the body (no province: the creator's own). */
const trainingBody = (db: Queryable) => async (b: { province_code?: string | null; agency_codes?: string[] }, req: any): Promise<Target | null> => {
  const cur: Target | null = req.access?.target ?? null;
  if (cur && b.province_code === undefined && b.agency_codes === undefined) return null;
  const province = b.province_code === undefined ? cur!.provinces : b.province_code ? [b.province_code] : null;
  return {
    provinces: province,
    agencies: b.agency_codes === undefined ? cur!.agencies : await T.knownAgencyIds(db, b.agency_codes),
    agencyMatch: 'any',
    // Only a training left without a province is its creator's: anywhere else, where it goes must be in scope.
    owner: province === null ? (cur ? cur.owner : req.principal?.id) : null,
    type: 'training',
  };
};
/** The participants a write names: by id (tests, evaluations, attendance) or as a new one. */
const namedParticipants = (db: Queryable) => async (b: any, req: any): Promise<Target[] | Target | null> => {
  const code = req.params.code as string;
  const training = async () => {
    const t = await T.trainingRow(db, code);
    return t && T.trainingTarget(t, 'manage');
  };
  // An attendance naming no one touches the training itself (its organisers).
  if (Array.isArray(b?.present)) return b.present.length + (b.absent?.length ?? 0) ? T.participantTargets(db, code, [...b.present, ...(b.absent ?? [])]) : training();
  if (typeof b?.participant_id === 'number') return T.participantTargets(db, code, [b.participant_id]);
  // A form not tied to a participant is the training's: its organisers fill it in.
  if (b && 'participant_id' in b) return training();
  if (typeof b?.province_code === 'string') return T.participantTarget({ province_code: b.province_code, agency_id: (await T.knownAgencyIds(db, [b.agency_code]))[0] ?? null });
  return null;
};

function accessTable(db: Queryable): Record<string, Touches> {
  const read: Touches = { permission: 'capacity.read' };
  const manage = (x: Partial<Touches>): Touches => ({ permission: 'capacity.manage', ...x });
  return {
    [`GET ${P}/trainings`]: read,
    [`POST ${P}/trainings`]: manage({ body: trainingBody(db) }),
    [`GET ${P}/trainings/:code`]: { ...read, resource: 'training_read' },
    [`PATCH ${P}/trainings/:code`]: manage({ resource: 'training', body: trainingBody(db) }),
    [`PUT ${P}/trainings/:code/sessions`]: manage({ resource: 'training' }),
    [`PUT ${P}/trainings/:code/questions`]: manage({ resource: 'training' }),
    [`PUT ${P}/trainings/:code/attendance`]: manage({ resource: 'training_event', body: namedParticipants(db) }),
    // Those who may read the training (its own readers, and whoever has people among its participants) see the participants in their scope.
    [`GET ${P}/trainings/:code/participants`]: { ...read, resource: 'training_read', audit: 'capacity.participants.read' },
    [`POST ${P}/trainings/:code/participants`]: manage({ resource: 'training_event', body: namedParticipants(db) }),
    // Each row of the sheet is checked as a participant (out of scope: a problem of that row).
    [`POST ${P}/trainings/:code/import`]: manage({}),
    [`POST ${P}/trainings/:code/tests`]: manage({ resource: 'training_event', body: namedParticipants(db) }),
    [`POST ${P}/trainings/:code/evaluations`]: manage({ resource: 'training_event', body: namedParticipants(db) }),
    [`GET ${P}/trainings/:code/participants/:id/certificate.html`]: { ...read, resource: 'training_participant', hidden: true, audit: 'capacity.certificate.read' },
    [`GET ${P}/trainings/:code/participants/:id/certificate.pdf`]: { ...read, resource: 'training_participant', hidden: true, audit: 'capacity.certificate.read' },
  };
}

export const capacityCapability: Capability = {
  name: 'capacity',
  routes(plainApi, { db }) {
    const api = declareAccess(plainApi, accessTable(db));
    api.get(`${P}/trainings`, { schema: { tags, summary: 'Trainings and workshops the reader may open, with the participants the reader may see' } }, async (req) => T.listTrainings(db, req.principal));

    api.post(`${P}/trainings`, { schema: { tags, summary: 'Create a training or workshop', body: T.trainingInput } }, async (req, reply) => {
      const t = await db.tx((c) => T.createTraining(c, req.actor(), req.body, req.principal!.id));
      return reply.status(201).send(t);
    });

    api.get(`${P}/trainings/:code`, { schema: { tags, summary: 'One training: event, sessions, question bank and figures', params: codeParams } }, async (req) => {
      const t = await T.getTraining(db, req.params.code);
      return { ...t, sessions: await T.sessionsOf(db, t.id), questions: await T.questionsOf(db, t.id), stats: await T.trainingStats(db, req.principal, t.id) };
    });

    api.patch(`${P}/trainings/:code`, { schema: { tags, summary: 'Change a training', params: codeParams, body: T.trainingPatch } }, async (req) => db.tx((c) => T.updateTraining(c, req.actor(), req.params.code, req.body)));

    api.put(`${P}/trainings/:code/sessions`, { schema: { tags, summary: 'Set the sessions of a training', params: codeParams, body: T.sessionsInput } }, async (req) => db.tx((c) => T.setSessions(c, req.actor(), req.params.code, req.body)));

    api.put(`${P}/trainings/:code/attendance`, { schema: { tags, summary: 'Mark who attended one session', params: codeParams, body: T.attendanceInput } }, async (req) => db.tx((c) => T.setAttendance(c, req.actor(), req.params.code, req.body)));

    api.get(`${P}/trainings/:code/participants`, { schema: { tags, summary: 'Participants (personal data) within the reader\'s provinces and agencies; the read is audited', params: codeParams } }, async (req) => {
      const t = await T.getTraining(db, req.params.code);
      return T.listParticipants(db, req.principal, t.id);
    });

    api.post(`${P}/trainings/:code/participants`, { schema: { tags, summary: 'Add one participant by hand', params: codeParams, body: T.participantInput } }, async (req, reply) => {
      return reply.status(201).send(await db.tx((c) => T.addParticipant(c, req.actor(), req.params.code, req.body)));
    });

    api.post(
      `${P}/trainings/:code/import`,
      {
        schema: {
          tags,
          summary: 'Import an attendance sheet (CSV or XLSX, base64) into the training, creating it when missing; all or nothing',
          params: codeParams,
          body: z.object({ file_name: z.string().regex(/\.(csv|xlsx)$/i), data_base64: z.string().min(1), title: z.string().max(300).optional(), dry_run: z.boolean().default(false) }),
        },
      },
      async (req) => {
        if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(req.params.code)) throw new AppError('invalid_training_code', 400, {}, { field: 'code' });
        // A private file (0600 in a 0700 folder), removed after the import and swept at start if the process died.
        const upload = await receiveUpload(Readable.from([Buffer.from(req.body.data_base64, 'base64')]), req.body.file_name.toLowerCase().endsWith('.xlsx') ? 'sheet.xlsx' : 'sheet.csv');
        try {
          return await importParticipants(db, { path: upload.path, fileName: req.body.file_name, training: req.params.code, title: req.body.title, dryRun: req.body.dry_run, actor: req.actor(), principal: req.principal });
        } finally {
          upload.remove();
        }
      },
    );

    api.put(`${P}/trainings/:code/questions`, { schema: { tags, summary: 'Set the question bank of the knowledge test', params: codeParams, body: T.questionsInput } }, async (req) => db.tx((c) => T.setQuestions(c, req.actor(), req.params.code, req.body)));

    api.post(`${P}/trainings/:code/tests`, { schema: { tags, summary: 'Record a participant\'s pre or post test answers; the score is computed from the bank', params: codeParams, body: T.testInput } }, async (req) => db.tx((c) => T.recordTest(c, req.actor(), req.params.code, req.body)));

    api.post(`${P}/trainings/:code/evaluations`, { schema: { tags, summary: 'Add an evaluation form (ratings 1–5)', params: codeParams, body: T.evaluationInput } }, async (req, reply) => {
      return reply.status(201).send(await db.tx((c) => T.addEvaluation(c, req.actor(), req.params.code, req.body)));
    });

    // The read is audited by the declaration (capacity.certificate.read, the participant).
    const certificate = async (req: any) => {
      const t = await T.getTraining(db, req.params.code);
      const part = await T.getParticipant(db, t.id, req.params.id);
      let no = part.certificate_no as string | null;
      if (!no) {
        no = `${t.code}-${part.id}`;
        await db.query('UPDATE training_participants SET certificate_no = $2 WHERE id = $1 AND certificate_no IS NULL', [part.id, no]);
      }
      return { participant: part, training: t, certificate_no: no, issued_on: t.ends_on ?? t.starts_on ?? todayIso() };
    };
    api.get(`${P}/trainings/:code/participants/:id/certificate.html`, { schema: { tags, summary: 'A participant\'s certificate as HTML', params: participantParams, querystring: lang } }, async (req, reply) => {
      const d = await certificate(req);
      return reply.type('text/html; charset=utf-8').send(certificateHtml(d, req.query.lang ?? req.locale));
    });
    api.get(`${P}/trainings/:code/participants/:id/certificate.pdf`, { schema: { tags, summary: 'A participant\'s certificate as PDF (Persian or English), printed by Chromium', params: participantParams, querystring: lang } }, async (req, reply) => {
      const d = await certificate(req);
      const l = req.query.lang ?? req.locale;
      return reply.type('application/pdf').header('content-disposition', `inline; filename="certificate-${d.certificate_no}-${l}.pdf"`).send(await certificatePdf(d, l));
    });
  },
};
