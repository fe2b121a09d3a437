// Places: reference data readable without signing in; corrections and FMPs by administrators.
import { z } from 'zod';
import { readFileSync } from 'node:fs';
import type { Capability } from '../platform/http/app.ts';
import { AppError, notFound } from '../platform/http/errors.ts';
import { scopeOf } from '../platform/auth/access.ts';
import { defineResource, type Touches } from '../platform/auth/scope.ts';
import { PERMISSIONS } from '../platform/auth/permissions.ts';
import { audit } from '../platform/audit.ts';
import { normalisePersian } from '../platform/text.ts';
import { byName } from '../platform/db/database.ts';

const province = z.object({
  code: z.string(),
  name_en: z.string(),
  name_fa: z.string(),
  capital_en: z.string(),
  capital_fa: z.string(),
  capital_lat: z.number().nullable(),
  capital_lon: z.number().nullable(),
  code_before_2020: z.string(),
  hasc: z.string(),
  land_border_with: z.array(z.string()),
  coastline: z.array(z.string()),
  notes: z.string().nullable(),
  notes_fa: z.string().nullable(),
  source: z.any(),
});
const country = z.object({ iso3: z.string(), iso2: z.string(), name_en: z.string(), name_fa: z.string(), relation: z.string(), land_border_km: z.number().nullable(), provinces: z.array(z.string()), maritime: z.string().nullable().describe('the maritime boundary, in English'), maritime_fa: z.string().nullable().describe('the same in Persian'), source: z.any() });
const poe = z.object({
  id: z.string(),
  name_en: z.string(),
  name_fa: z.string(),
  kind: z.string(),
  province_code: z.string(),
  neighbour_iso3: z.string().nullable(),
  other_side: z.string().nullable(),
  lat: z.number(),
  lon: z.number(),
  confidence: z.string().nullable(),
  coord_method: z.string().nullable(),
  coord_method_fa: z.string().nullable().describe('Persian of coord_method (cleared when coord_method is corrected)'),
  notes: z.string().nullable(),
  notes_fa: z.string().nullable().describe('Persian of notes'),
  source: z.any(),
  updated_at: z.string().nullable(),
});
const fmp = z.object({
  code: z.string(),
  name_en: z.string(),
  name_fa: z.string(),
  point_of_entry_id: z.string().nullable(),
  province_code: z.string(),
  lat: z.number().nullable(),
  lon: z.number().nullable(),
  opened_on: z.string().nullable(),
  closed_on: z.string().nullable(),
  active: z.boolean(),
});
const lat = z.number().min(24).max(40.5);
const lon = z.number().min(43.5).max(63.5);

const GEOJSON = {
  provinces: readFileSync(new URL('./geo/iran-provinces.geojson', import.meta.url)),
  countries: readFileSync(new URL('./geo/region-countries.geojson', import.meta.url)),
};

const FMP_SQL = `SELECT code, name_en, name_fa, point_of_entry_id, province_code, lat, lon, opened_on, closed_on,
                        (closed_on IS NULL OR closed_on > CURRENT_DATE) AS active FROM fmps`;

const iso = (d: any) => (d ? new Date(d).toISOString() : null);

// Points of entry and FMPs belong to their province: places.manage is checked there.
defineResource('point_of_entry', async (q, params) => {
  const r = params.id && params.id.length <= 200 ? (await q.query('SELECT province_code FROM points_of_entry WHERE id = $1', [params.id])).rows[0] : null;
  return r ? { provinces: [r.province_code], type: 'point_of_entry', id: params.id } : null;
});
defineResource('fmp', async (q, params) => {
  const r = params.code && params.code.length <= 200 ? (await q.query('SELECT province_code FROM fmps WHERE code = $1', [params.code])).rows[0] : null;
  return r ? { provinces: [r.province_code], type: 'fmp', id: params.code } : null;
});

const PUBLIC: { access: Touches } = { access: { public: true } };
/** Choice lists: ?usable_for=<permission> keeps only the provinces where the signed-in user holds it. */
const usableFor = z.object({ usable_for: z.enum(Object.keys(PERMISSIONS) as [string, ...string[]]).optional().describe('only what the signed-in user may use with this permission (for choice lists)') });
function usableProvinces(req: { principal: any; query: unknown }): string[] | null | undefined {
  const perm = (req.query as { usable_for?: string }).usable_for;
  if (!perm) return undefined;
  if (!req.principal) return [];
  const s = scopeOf(req.principal, perm);
  return s.allProvinces ? null : s.provinces;
}

export const placesCapability: Capability = {
  name: 'places',
  routes(api, { db }) {
    api.get('/api/v1/places/provinces', { config: PUBLIC, schema: { tags: ['places'], summary: "Iran's 31 provinces (ISO 3166-2:IR codes IR-00…IR-30)", querystring: usableFor, response: { 200: z.array(province) } } }, async (req) => {
      const only = usableProvinces(req);
      return only === undefined || only === null ? db.many('SELECT * FROM provinces ORDER BY code') : db.many('SELECT * FROM provinces WHERE code = ANY($1::text[]) ORDER BY code', [only]);
    });

    api.get(
      '/api/v1/places/provinces/:code',
      {
        config: PUBLIC,
        schema: {
          tags: ['places'],
          summary: 'One province with its points of entry, FMPs and neighbours',
          params: z.object({ code: z.string() }),
          response: { 200: province.extend({ points_of_entry: z.array(poe), fmps: z.array(fmp), neighbours: z.array(country) }) },
        },
      },
      async (req) => {
        const p = await db.one('SELECT * FROM provinces WHERE code = $1', [req.params.code]);
        if (!p) throw notFound();
        const order = ` ORDER BY ${byName(req.locale)}`;
        const [points, fmps, neighbours] = await Promise.all([
          db.many('SELECT * FROM points_of_entry WHERE province_code = $1' + order, [p.code]),
          db.many(FMP_SQL + ' WHERE province_code = $1' + order, [p.code]),
          db.many('SELECT * FROM countries WHERE $1 = ANY(provinces)' + order, [p.code]),
        ]);
        return { ...p, points_of_entry: points.map((x) => ({ ...x, updated_at: iso(x.updated_at) })), fmps, neighbours };
      },
    );

    api.get('/api/v1/places/countries', { config: PUBLIC, schema: { tags: ['places'], summary: 'Neighbouring and littoral states', response: { 200: z.array(country) } } }, async (req) =>
      db.many(`SELECT * FROM countries ORDER BY ${byName(req.locale)}`),
    );

    api.get(
      '/api/v1/places/points-of-entry',
      { config: PUBLIC, schema: { tags: ['places'], summary: 'Land crossings, airports and seaports', querystring: z.object({ kind: z.enum(['land', 'air', 'sea']).optional(), province: z.string().optional() }), response: { 200: z.array(poe) } } },
      async (req) => {
        const params: unknown[] = [];
        const where: string[] = [];
        if (req.query.kind) {
          params.push(req.query.kind + '%');
          where.push(`kind LIKE $${params.length}`);
        }
        if (req.query.province) {
          params.push(req.query.province);
          where.push(`province_code = $${params.length}`);
        }
        const rows = await db.many(`SELECT * FROM points_of_entry ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY ${byName(req.locale)}`, params);
        return rows.map((x) => ({ ...x, updated_at: iso(x.updated_at) }));
      },
    );

    api.get('/api/v1/places/points-of-entry/:id', { config: PUBLIC, schema: { tags: ['places'], summary: 'One point of entry', params: z.object({ id: z.string() }), response: { 200: poe.extend({ fmps: z.array(fmp) }) } } }, async (req) => {
      const p = await db.one('SELECT * FROM points_of_entry WHERE id = $1', [req.params.id]);
      if (!p) throw notFound();
      return { ...p, updated_at: iso(p.updated_at), fmps: await db.many(FMP_SQL + ' WHERE point_of_entry_id = $1 ORDER BY code', [p.id]) };
    });

    api.patch(
      '/api/v1/places/points-of-entry/:id',
      {
        config: { access: { permission: 'places.manage', resource: 'point_of_entry' } },
        schema: {
          tags: ['places'],
          summary: 'Correct the coordinates (or names) of a point of entry',
          params: z.object({ id: z.string() }),
          body: z.object({ lat: lat.optional(), lon: lon.optional(), name_en: z.string().trim().min(1).optional(), name_fa: z.string().trim().min(1).optional(), coord_method: z.string().max(500).optional(), coord_method_fa: z.string().max(500).optional().describe('the same in Persian (without it, a changed coord_method drops the old Persian)') }),
          response: { 200: poe },
        },
      },
      async (req) => {
        const b = req.body;
        const row = await db.tx(async (c) => {
          const before = (await c.query('SELECT lat, lon, name_en, name_fa, coord_method, coord_method_fa FROM points_of_entry WHERE id = $1 FOR UPDATE', [req.params.id])).rows[0];
          if (!before) throw notFound();
          const r = (
            await c.query(
              `UPDATE points_of_entry SET lat = COALESCE($2, lat), lon = COALESCE($3, lon), name_en = COALESCE($4, name_en), name_fa = COALESCE($5, name_fa),
                      coord_method = COALESCE($6, coord_method), coord_method_fa = CASE WHEN $8::text IS NOT NULL THEN $8 WHEN $6::text IS NULL OR $6 = coord_method THEN coord_method_fa END, confidence = CASE WHEN $2::float8 IS NOT NULL OR $3::float8 IS NOT NULL THEN 'corrected' ELSE confidence END,
                      updated_by = $7, updated_at = now() WHERE id = $1 RETURNING *`,
              [req.params.id, b.lat ?? null, b.lon ?? null, b.name_en ?? null, b.name_fa ? normalisePersian(b.name_fa) : null, b.coord_method ?? null, req.principal!.id, b.coord_method_fa ? normalisePersian(b.coord_method_fa) : null],
            )
          ).rows[0];
          await audit(c, req.actor(), 'place.point_of_entry.update', 'point_of_entry', req.params.id, { before, after: b });
          return r;
        });
        return { ...row, updated_at: iso(row.updated_at) };
      },
    );

    api.get('/api/v1/places/fmps', { config: PUBLIC, schema: { tags: ['places'], summary: 'Flow monitoring points', querystring: usableFor, response: { 200: z.array(fmp) } } }, async (req) => {
      const only = usableProvinces(req);
      const order = ` ORDER BY ${byName(req.locale)}`;
      return only === undefined || only === null ? db.many(FMP_SQL + order) : db.many(FMP_SQL + ' WHERE province_code = ANY($1::text[])' + order, [only]);
    });

    const fmpBody = z.object({
      code: z.string().trim().min(2).max(64).regex(/^[a-z0-9][a-z0-9_-]*$/),
      name_en: z.string().trim().min(1).max(200),
      name_fa: z.string().trim().min(1).max(200),
      point_of_entry_id: z.string().nullable().optional(),
      province_code: z.string().regex(/^IR-\d\d$/).optional(),
      lat: lat.nullable().optional(),
      lon: lon.nullable().optional(),
      opened_on: z.iso.date().nullable().optional(),
      closed_on: z.iso.date().nullable().optional(),
    });
    const fmpProvince = async (b: { point_of_entry_id?: string | null; province_code?: string }) => {
      if (b.province_code) return b.province_code;
      if (!b.point_of_entry_id) return null;
      return ((await db.one('SELECT province_code FROM points_of_entry WHERE id = $1', [b.point_of_entry_id])) as any)?.province_code ?? null;
    };
    const createFmp: Touches = {
      permission: 'places.manage',
      // The FMP's province: given, or that of its point of entry.
      body: async (b) => {
        const pr = await fmpProvince(b);
        return pr ? { provinces: [pr], type: 'fmp', id: b.code } : null;
      },
    };
    api.post('/api/v1/places/fmps', { config: { access: createFmp }, schema: { tags: ['places'], summary: 'Add a flow monitoring point at a point of entry or a place in a province', body: fmpBody, response: { 201: fmp } } }, async (req, reply) => {
      const b = req.body;
      const row = await db.tx(async (c) => {
        if ((await c.query('SELECT 1 FROM fmps WHERE code = $1', [b.code])).rowCount) throw new AppError('code_taken', 409, { code: b.code });
        let provinceCode = b.province_code ?? null;
        let lat2 = b.lat ?? null;
        let lon2 = b.lon ?? null;
        if (b.point_of_entry_id) {
          const p = (await c.query('SELECT province_code, lat, lon FROM points_of_entry WHERE id = $1', [b.point_of_entry_id])).rows[0];
          if (!p) throw new AppError('unknown_point_of_entry', 400, { id: b.point_of_entry_id });
          provinceCode ??= p.province_code;
          lat2 ??= p.lat;
          lon2 ??= p.lon;
        }
        if (!provinceCode || !(await c.query('SELECT 1 FROM provinces WHERE code = $1', [provinceCode])).rowCount) throw new AppError('unknown_province', 400, { code: provinceCode ?? '' });
        await c.query(
          `INSERT INTO fmps (code, name_en, name_fa, point_of_entry_id, province_code, lat, lon, opened_on, closed_on) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
          [b.code, b.name_en, normalisePersian(b.name_fa), b.point_of_entry_id ?? null, provinceCode, lat2, lon2, b.opened_on ?? null, b.closed_on ?? null],
        );
        await audit(c, req.actor(), 'place.fmp.create', 'fmp', b.code, b);
        return (await c.query(FMP_SQL + ' WHERE code = $1', [b.code])).rows[0];
      });
      return reply.status(201).send(row);
    });

    api.patch(
      '/api/v1/places/fmps/:code',
      { config: { access: { permission: 'places.manage', resource: 'fmp' } }, schema: { tags: ['places'], summary: 'Rename, move, open or close a flow monitoring point', params: z.object({ code: z.string() }), body: fmpBody.omit({ code: true, point_of_entry_id: true, province_code: true }).partial(), response: { 200: fmp } } },
      async (req) => {
        const b = req.body;
        return db.tx(async (c) => {
          const before = (await c.query('SELECT * FROM fmps WHERE code = $1 FOR UPDATE', [req.params.code])).rows[0];
          if (!before) throw notFound();
          const has = (k: keyof typeof b) => b[k] !== undefined;
          await c.query(
            `UPDATE fmps SET name_en = COALESCE($2, name_en), name_fa = COALESCE($3, name_fa),
                    lat = CASE WHEN $4::boolean THEN $5 ELSE lat END, lon = CASE WHEN $6::boolean THEN $7 ELSE lon END,
                    opened_on = CASE WHEN $8::boolean THEN $9::date ELSE opened_on END, closed_on = CASE WHEN $10::boolean THEN $11::date ELSE closed_on END,
                    updated_at = now() WHERE code = $1`,
            [req.params.code, b.name_en ?? null, b.name_fa ? normalisePersian(b.name_fa) : null, has('lat'), b.lat ?? null, has('lon'), b.lon ?? null, has('opened_on'), b.opened_on ?? null, has('closed_on'), b.closed_on ?? null],
          );
          await audit(c, req.actor(), 'place.fmp.update', 'fmp', req.params.code, { before, after: b });
          return (await c.query(FMP_SQL + ' WHERE code = $1', [req.params.code])).rows[0];
        });
      },
    );

    api.get('/api/v1/places/geo/provinces.geojson', { config: PUBLIC, schema: { tags: ['places'], summary: 'Province boundaries (Natural Earth, public domain) as GeoJSON' } }, async (_req, reply) =>
      reply.header('content-type', 'application/geo+json').header('cache-control', 'public, max-age=86400').send(GEOJSON.provinces),
    );
    api.get('/api/v1/places/geo/countries.geojson', { config: PUBLIC, schema: { tags: ['places'], summary: 'Iran and neighbouring countries (Natural Earth, public domain) as GeoJSON' } }, async (_req, reply) =>
      reply.header('content-type', 'application/geo+json').header('cache-control', 'public, max-age=86400').send(GEOJSON.countries),
    );
  },
};
