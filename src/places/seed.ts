// Seeds the places from data/iran-geo.json (copied from the project's reference research,
// each entry with its source; notes in English and Persian). Existing rows are kept: administrators may have corrected them.
import { readFileSync } from 'node:fs';
import type { Queryable } from '../platform/db/database.ts';

export const GEO = JSON.parse(readFileSync(new URL('./data/iran-geo.json', import.meta.url), 'utf8'));

export async function seedPlaces(q: Queryable) {
  for (const p of GEO.provinces) {
    await q.query(
      `INSERT INTO provinces (code, code_before_2020, hasc, name_en, name_fa, capital_en, capital_fa, capital_lat, capital_lon, land_border_with, coastline, source, notes, notes_fa)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14) ON CONFLICT (code) DO NOTHING`,
      [p.iso_3166_2, p.iso_3166_2_before_2020_11_24, p.natural_earth.code_hasc, p.name_en, p.name_fa, p.capital_en, p.capital_fa, p.capital_lat, p.capital_lon, p.land_border_with ?? [], p.coastline ?? [], JSON.stringify({ refs: p.source, confidence: p.confidence ?? null }), p.notes ?? null, p.notes_fa ?? null],
    );
  }
  for (const n of GEO.neighbours) {
    await q.query(
      `INSERT INTO countries (iso3, iso2, m49, name_en, name_fa, relation, land_border_km, provinces, source, maritime, maritime_fa)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) ON CONFLICT (iso3) DO NOTHING`,
      [n.iso3, n.iso2, n.m49, n.name_en, n.name_fa, n.relation, n.land_border_km_cia ?? null, n.iran_provinces ?? [], JSON.stringify({ text: n.source, confidence: n.confidence }), n.maritime ?? null, n.maritime_fa ?? null],
    );
  }
  for (const c of GEO.crossings) {
    await q.query(
      `INSERT INTO points_of_entry (id, name_en, name_fa, kind, province_code, neighbour_iso3, other_side, lat, lon, confidence, coord_method, notes, source, notes_fa, coord_method_fa)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15) ON CONFLICT (id) DO NOTHING`,
      [c.id, c.name_en, c.name_fa, c.kind, c.province_iso, c.neighbour_iso3 ?? null, c.other_side ?? null, c.lat, c.lon, c.confidence, c.coord_method ?? null, c.notes ?? null, JSON.stringify({ text: c.source }), c.notes_fa ?? null, c.coord_method_fa ?? null],
    );
  }
  // A fresh database has one flow monitoring point at each land crossing, coded by the crossing's id.
  await q.query(
    `INSERT INTO fmps (code, name_en, name_fa, point_of_entry_id, province_code, lat, lon)
     SELECT id, name_en, name_fa, id, province_code, lat, lon FROM points_of_entry WHERE kind LIKE 'land%'
     ON CONFLICT (code) DO NOTHING`,
  );
}
