// ODK Collect and KoboCollect as clients of Marz, over the OpenRosa APIs
// (docs.getodk.org/openrosa-form-list, openrosa-form-submission):
//   GET  {base}/formList                  the forms this sender may fill (FMR, FMS)
//   GET  {base}/forms/{formId}/form.xml   a form, generated from Marz's definitions
//   HEAD {base}/submission                204: where and how much to send
//   POST {base}/submission                multipart, part xml_submission_file; 201 when stored
// where {base} is /api/collect/key/{device token} (a device link, like ODK Central's app users)
// or /api/collect with a Marz account through HTTP Basic (only over HTTPS or from this machine).
// Device links are made and revoked in the web app (/api/v1/collect/devices) or with
// `marz collect-link`.
import { z } from 'zod';
import multipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Api, AppContext, Capability } from '../platform/http/app.ts';
import { addMessages, t } from '../platform/i18n/messages.ts';
import { AppError } from '../platform/http/errors.ts';
import { can, requirePermission, scopeOf, type Principal } from '../platform/auth/access.ts';
import type { Actor } from '../platform/audit.ts';
import { todayIso } from '../platform/calendar.ts';
import { loadQuestions } from '../flows/survey.ts';
import { createDevice, listDevices, revokeDevice, senderOfBasic, senderOfToken, deviceUrl, type CollectSender } from './devices.ts';
import { fmrXForm, fmsXForm, FMR_FORM_ID, FMS_FORM_ID, type FmpChoice, type FormId, type GeneratedForm } from './xform.ts';
import { parseSubmission, storeSubmission, problemsText } from './submission.ts';
import { collectSettings, encodeSettings, qrSvg } from './qr.ts';

addMessages(new URL('./locales/', import.meta.url));

export const OPENROSA_HEADERS = { 'x-openrosa-version': '1.0' };
const MAX_SUBMISSION = 10 * 1024 * 1024;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The FMPs a principal may submit for, still operating today. */
export async function fmpChoices(ctx: AppContext, p: Principal): Promise<FmpChoice[]> {
  const scope = scopeOf(p, 'flows.submit');
  const rows = (
    await ctx.db.query<FmpChoice & { province_code: string }>(
      `SELECT code, name_en, name_fa, province_code FROM fmps WHERE (closed_on IS NULL OR closed_on > $1::date) AND ($2::boolean OR province_code = ANY($3::text[])) ORDER BY name_en, code`,
      [todayIso(), scope.allProvinces, scope.provinces],
    )
  ).rows;
  return rows.map(({ code, name_en, name_fa }) => ({ code, name_en, name_fa }));
}

export async function formsFor(ctx: AppContext, p: Principal): Promise<GeneratedForm[]> {
  const fmps = await fmpChoices(ctx, p);
  return [fmrXForm(fmps), fmsXForm(fmps, await loadQuestions(ctx.db))];
}

const isLoopback = (ip: string) => ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1';

function openRosaMessage(message: string, nature: string) {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<OpenRosaResponse xmlns="http://openrosa.org/http/response"><message nature="${nature}">${esc(message)}</message></OpenRosaResponse>\n`;
}

function sendXml(reply: FastifyReply, status: number, xml: string) {
  return reply.status(status).headers({ ...OPENROSA_HEADERS, date: new Date().toUTCString(), 'content-type': 'text/xml; charset=utf-8' }).send(xml);
}

/** The sender of a request to an OpenRosa address; replies 401/403 (and returns null) when there is none. */
async function sender(ctx: AppContext, req: FastifyRequest, reply: FastifyReply): Promise<CollectSender | null> {
  const token = (req.params as { token?: string }).token;
  const actor: Actor = { userId: null, label: 'collect', requestId: req.id, ip: req.ip };
  if (token !== undefined) {
    const s = await senderOfToken(ctx.db, token);
    if (!s) {
      sendXml(reply, 401, openRosaMessage(t(req.locale, 'errors.collect_bad_token'), 'error'));
      return null;
    }
    req.locale = s.principal.locale; // messages in the account's language
    return s;
  }
  if (req.protocol !== 'https' && !isLoopback(req.ip)) {
    sendXml(reply, 403, openRosaMessage(t(req.locale, 'errors.collect_basic_needs_https'), 'error'));
    return null;
  }
  let s: CollectSender | null;
  try {
    s = await senderOfBasic(ctx.db, actor, req.headers.authorization);
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    if (e.status === 429) reply.header('retry-after', String(e.params.seconds));
    sendXml(reply, e.status, openRosaMessage(t(req.locale, `errors.${e.code}`, e.params), 'error'));
    return null;
  }
  if (!s) {
    reply.header('www-authenticate', 'Basic realm="Marz", charset="UTF-8"');
    sendXml(reply, 401, openRosaMessage(t(req.locale, 'errors.collect_sign_in'), 'error'));
    return null;
  }
  req.locale = s.principal.locale;
  return s;
}

function fieldActor(req: FastifyRequest, s: CollectSender): Actor {
  return { userId: s.principal.id, label: s.deviceId ? `${s.principal.username} (collect device ${s.deviceId})` : `${s.principal.username} (collect)`, requestId: req.id, ip: req.ip };
}

function appErrorXml(req: FastifyRequest, reply: FastifyReply, e: unknown) {
  if (e instanceof AppError) return sendXml(reply, e.status, openRosaMessage(t(req.locale, `errors.${e.code}`, e.params), 'error'));
  throw e;
}

function openRosaRoutes(api: Api, ctx: AppContext, prefix: string, params: z.ZodObject<any>) {
  const base = (req: FastifyRequest) => `${req.protocol}://${req.host}${req.url.replace(/\/(formList|submission|forms\/.*)(\?.*)?$/, '')}`;
  const tags = ['collect'];
  // Not a session route: the sender is found in the handler (device token or HTTP Basic).
  const config = { access: { public: true } };

  api.get(`${prefix}/formList`, { config, schema: { tags, summary: 'OpenRosa form list: the forms this device or account may fill', params, querystring: z.object({ formID: z.string().optional(), verbose: z.string().optional() }).passthrough() } }, async (req, reply) => {
    const s = await sender(ctx, req, reply);
    if (!s) return reply;
    if (!can(s.principal, 'flows.submit')) return sendXml(reply, 403, openRosaMessage(t(req.locale, 'errors.forbidden'), 'error'));
    const only = (req.query as { formID?: string }).formID;
    const forms = (await formsFor(ctx, s.principal)).filter((f) => !only || f.formId === only);
    const items = forms
      .map((f) => `<xform><formID>${f.formId}</formID><name>${esc(`${f.title.en} · ${f.title.fa}`)}</name><version>${f.version}</version><hash>${f.hash}</hash><downloadUrl>${esc(`${base(req)}/forms/${f.formId}/form.xml`)}</downloadUrl></xform>`)
      .join('');
    return sendXml(reply, 200, `<?xml version="1.0" encoding="UTF-8"?>\n<xforms xmlns="http://openrosa.org/xforms/xformsList">${items}</xforms>\n`);
  });

  api.get(
    `${prefix}/forms/:formId/form.xml`,
    { config, schema: { tags, summary: 'An XForm generated from Marz\'s definitions (labels in English and Persian)', params: params.extend({ formId: z.enum([FMR_FORM_ID, FMS_FORM_ID]) }) } },
    async (req, reply) => {
      const s = await sender(ctx, req, reply);
      if (!s) return reply;
      if (!can(s.principal, 'flows.submit')) return sendXml(reply, 403, openRosaMessage(t(req.locale, 'errors.forbidden'), 'error'));
      const form = (await formsFor(ctx, s.principal)).find((f) => f.formId === (req.params as { formId: FormId }).formId)!;
      return sendXml(reply, 200, form.xml);
    },
  );

  api.route({
    method: 'HEAD',
    url: `${prefix}/submission`,
    config,
    schema: { tags, summary: 'OpenRosa submission check (answers 204 with the accepted size)', params },
    handler: async (req, reply) => {
      const s = await sender(ctx, req, reply);
      if (!s) return reply;
      return reply.status(204).headers({ ...OPENROSA_HEADERS, date: new Date().toUTCString(), 'x-openrosa-accept-content-length': String(MAX_SUBMISSION) }).send();
    },
  });

  api.post(
    `${prefix}/submission`,
    { config, schema: { tags, summary: 'OpenRosa submission (multipart, part xml_submission_file); 201 when stored, also for an identical resend; 409 for other content under a used instanceID', params, consumes: ['multipart/form-data'] } },
    async (req, reply) => {
      const s = await sender(ctx, req, reply);
      if (!s) return reply;
      try {
        requirePermission(s.principal, 'flows.submit');
        if (!req.isMultipart()) throw new AppError('collect_bad_submission', 400);
        let xml: string | null = null;
        for await (const part of req.parts({ limits: { fileSize: MAX_SUBMISSION, files: 20 } })) {
          if (part.type === 'file') {
            const buf = await part.toBuffer();
            if (part.fieldname === 'xml_submission_file') xml = buf.toString('utf8');
          }
        }
        if (!xml) throw new AppError('collect_bad_submission', 400);
        const parsed = parseSubmission(xml);
        const r = await storeSubmission(ctx.db, s, fieldActor(req, s), parsed);
        if (r.status !== 201) return sendXml(reply, r.status, openRosaMessage(problemsText(r.problems, req.locale), 'error'));
        return sendXml(reply, 201, openRosaMessage(t(req.locale, r.result === 'created' ? 'collect.received' : 'collect.already_received'), 'submit_success'));
      } catch (e: any) {
        if (e?.code === 'FST_REQ_FILE_TOO_LARGE') return sendXml(reply, 413, openRosaMessage(t(req.locale, 'errors.collect_too_large'), 'error'));
        return appErrorXml(req, reply, e);
      }
    },
  );
}

const deviceSchema = z.object({ id: z.number(), user_id: z.string(), username: z.string(), label: z.string(), created_at: z.any(), last_used_at: z.any(), revoked_at: z.any() });

export const collectCapability: Capability = {
  name: 'collect',
  async routes(api: Api, ctx: AppContext) {
    // Another capability may have registered the multipart parser already (it is global).
    if (!api.hasContentTypeParser('multipart/form-data')) await api.register(multipart);
    openRosaRoutes(api, ctx, '/api/collect', z.object({}));
    openRosaRoutes(api, ctx, '/api/collect/key/:token', z.object({ token: z.string().max(200) }));

    // ---- device links, for the signed-in user
    api.get('/api/v1/collect/devices', { config: { access: { permission: 'flows.submit' } }, schema: { tags: ['collect'], summary: 'My ODK Collect device links', response: { 200: z.array(deviceSchema) } } }, async (req) => {
      const p = requirePermission(req.principal, 'flows.submit');
      return listDevices(ctx.db, p.id);
    });

    api.post(
      '/api/v1/collect/devices',
      {
        config: { access: { permission: 'flows.submit' } },
        schema: {
          tags: ['collect'],
          summary: 'A new device link for ODK Collect / KoboCollect: its address and the QR code Collect scans (shown once)',
          body: z.object({ label: z.string().trim().min(1).max(100) }),
          response: { 200: z.object({ id: z.number(), server_url: z.string(), settings: z.string(), qr_svg: z.string() }) },
        },
      },
      async (req) => {
        const p = requirePermission(req.principal, 'flows.submit');
        const d = await createDevice(ctx.db, req.actor(), p.username, req.body.label, p.id);
        const server_url = deviceUrl(ctx.config.publicUrl, d.token);
        const settings = encodeSettings(collectSettings(server_url));
        return { id: d.id, server_url, settings, qr_svg: await qrSvg(settings) };
      },
    );

    api.delete('/api/v1/collect/devices/:id', { config: { access: { permission: 'flows.submit' } }, schema: { tags: ['collect'], summary: 'Revoke a device link (it stops working at once)', params: z.object({ id: z.coerce.number().int().positive().max(2 ** 53) }) } }, async (req) => {
      const p = requirePermission(req.principal, 'flows.submit');
      await revokeDevice(ctx.db, req.actor(), req.params.id, p.id, p.id);
      return { ok: true };
    });
  },
};
