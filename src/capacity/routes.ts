// Capacity building over HTTP: trainings, sessions and attendance, participants (scoped by
// province and agency; every read of names is audited), attendance-sheet imports, question
// bank and tests, evaluations, certificates as PDF (Persian and English).
import { z } from 'zod';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Capability } from '../platform/http/app.ts';
import { AppError } from '../platform/http/errors.ts';
import { requirePermission } from '../platform/auth/access.ts';
import { addMessages } from '../platform/i18n/messages.ts';
import { audit } from '../platform/audit.ts';
import { todayIso } from '../platform/calendar.ts';
import * as T from './trainings.ts';
import { importParticipants } from './import.ts';
import { certificateHtml, certificatePdf } from './certificate.ts';

addMessages(new URL('./locales/', import.meta.url));

const P = '/api/v1/capacity';
const tags = ['capacity'];
const codeParams = z.object({ code: z.string() });
const participantParams = z.object({ code: z.string(), id: z.coerce.number().int() });
const lang = z.object({ lang: z.enum(['en', 'fa']).optional() });

export const capacityCapability: Capability = {
  name: 'capacity',
  routes(api, { db }) {
    api.get(`${P}/trainings`, { schema: { tags, summary: 'Trainings and workshops, with the participants the reader may see' } }, async (req) => {
      const p = requirePermission(req.principal, 'capacity.read');
      return T.listTrainings(db, p);
    });

    api.post(`${P}/trainings`, { schema: { tags, summary: 'Create a training or workshop', body: T.trainingInput } }, async (req, reply) => {
      const p = requirePermission(req.principal, 'capacity.manage', req.body.province_code);
      const t = await db.tx((c) => T.createTraining(c, req.actor(), req.body, p.id));
      return reply.status(201).send(t);
    });

    api.get(`${P}/trainings/:code`, { schema: { tags, summary: 'One training: event, sessions, question bank and figures', params: codeParams } }, async (req) => {
      const p = requirePermission(req.principal, 'capacity.read');
      const t = await T.getTraining(db, req.params.code);
      return { ...t, sessions: await T.sessionsOf(db, t.id), questions: await T.questionsOf(db, t.id), stats: await T.trainingStats(db, p, t.id) };
    });

    api.patch(`${P}/trainings/:code`, { schema: { tags, summary: 'Change a training', params: codeParams, body: T.trainingPatch } }, async (req) => {
      requirePermission(req.principal, 'capacity.manage', req.body.province_code ?? undefined);
      return db.tx((c) => T.updateTraining(c, req.actor(), req.params.code, req.body));
    });

    api.put(`${P}/trainings/:code/sessions`, { schema: { tags, summary: 'Set the sessions of a training', params: codeParams, body: T.sessionsInput } }, async (req) => {
      requirePermission(req.principal, 'capacity.manage');
      return db.tx((c) => T.setSessions(c, req.actor(), req.params.code, req.body));
    });

    api.put(`${P}/trainings/:code/attendance`, { schema: { tags, summary: 'Mark who attended one session', params: codeParams, body: T.attendanceInput } }, async (req) => {
      const p = requirePermission(req.principal, 'capacity.manage');
      return db.tx((c) => T.setAttendance(c, req.actor(), p, req.params.code, req.body));
    });

    api.get(`${P}/trainings/:code/participants`, { schema: { tags, summary: 'Participants (personal data) within the reader\'s provinces and agencies; the read is audited', params: codeParams } }, async (req) => {
      const p = requirePermission(req.principal, 'capacity.read');
      const t = await T.getTraining(db, req.params.code);
      const rows = await T.listParticipants(db, p, t.id);
      await audit(db, req.actor(), 'capacity.participants.read', 'training', t.code, { count: rows.length });
      return rows;
    });

    api.post(`${P}/trainings/:code/participants`, { schema: { tags, summary: 'Add one participant by hand', params: codeParams, body: T.participantInput } }, async (req, reply) => {
      const p = requirePermission(req.principal, 'capacity.manage', req.body.province_code);
      return reply.status(201).send(await db.tx((c) => T.addParticipant(c, req.actor(), p, req.params.code, req.body)));
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
        const p = requirePermission(req.principal, 'capacity.manage');
        if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(req.params.code)) throw new AppError('invalid_training_code', 400, {}, { field: 'code' });
        const dir = mkdtempSync(join(tmpdir(), 'marz-training-'));
        try {
          const path = join(dir, req.body.file_name.toLowerCase().endsWith('.xlsx') ? 'sheet.xlsx' : 'sheet.csv');
          writeFileSync(path, Buffer.from(req.body.data_base64, 'base64'));
          return await importParticipants(db, { path, fileName: req.body.file_name, training: req.params.code, title: req.body.title, dryRun: req.body.dry_run, actor: req.actor(), principal: p });
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    );

    api.put(`${P}/trainings/:code/questions`, { schema: { tags, summary: 'Set the question bank of the knowledge test', params: codeParams, body: T.questionsInput } }, async (req) => {
      requirePermission(req.principal, 'capacity.manage');
      return db.tx((c) => T.setQuestions(c, req.actor(), req.params.code, req.body));
    });

    api.post(`${P}/trainings/:code/tests`, { schema: { tags, summary: 'Record a participant\'s pre or post test answers; the score is computed from the bank', params: codeParams, body: T.testInput } }, async (req) => {
      const p = requirePermission(req.principal, 'capacity.manage');
      return db.tx((c) => T.recordTest(c, req.actor(), p, req.params.code, req.body));
    });

    api.post(`${P}/trainings/:code/evaluations`, { schema: { tags, summary: 'Add an evaluation form (ratings 1–5)', params: codeParams, body: T.evaluationInput } }, async (req, reply) => {
      const p = requirePermission(req.principal, 'capacity.manage');
      return reply.status(201).send(await db.tx((c) => T.addEvaluation(c, req.actor(), p, req.params.code, req.body)));
    });

    const certificate = async (req: any) => {
      const p = requirePermission(req.principal, 'capacity.read');
      const t = await T.getTraining(db, req.params.code);
      const part = await T.getParticipant(db, p, t.id, req.params.id);
      return db.tx(async (c) => {
        let no = part.certificate_no as string | null;
        if (!no) {
          no = `${t.code}-${part.id}`;
          await c.query('UPDATE training_participants SET certificate_no = $2 WHERE id = $1 AND certificate_no IS NULL', [part.id, no]);
        }
        await audit(c, req.actor(), 'capacity.certificate.read', 'training_participant', String(part.id), { training: t.code });
        return { participant: part, training: t, certificate_no: no, issued_on: t.ends_on ?? t.starts_on ?? todayIso() };
      });
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
