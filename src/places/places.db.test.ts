import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabase, testApp, TEST_ENGINE, type TestUser } from '../platform/testing.ts';
import type { Database } from '../platform/db/database.ts';
import { GEO } from './seed.ts';

let db: Database;
let t: Awaited<ReturnType<typeof testApp>>;
let admin: TestUser;
before(async () => {
  db = await testDatabase();
  t = await testApp(db);
  admin = await t.user([{ role: 'admin' }]);
});
after(async () => {
  await t.app.close();
  await db.close();
});

test(`[${TEST_ENGINE}] the provinces endpoint returns exactly IR-00…IR-30, without signing in`, async () => {
  const r = await t.as(null)('GET', '/api/v1/places/provinces');
  assert.equal(r.statusCode, 200);
  const list = r.json();
  assert.deepEqual(list.map((p: any) => p.code), Array.from({ length: 31 }, (_, i) => `IR-${String(i).padStart(2, '0')}`));
  const tehran = list.find((p: any) => p.code === 'IR-23');
  assert.equal(tehran.name_en, 'Tehran');
  assert.equal(tehran.name_fa, 'تهران');
  assert.ok(list.every((p: any) => p.source && p.name_fa && p.capital_fa));
});

test(`[${TEST_ENGINE}] points of entry, countries and FMPs are seeded with their sources`, async () => {
  const poe = (await t.as(null)('GET', '/api/v1/places/points-of-entry')).json();
  assert.equal(poe.length, GEO.crossings.length);
  const land = (await t.as(null)('GET', '/api/v1/places/points-of-entry?kind=land')).json();
  const fmps = (await t.as(null)('GET', '/api/v1/places/fmps')).json();
  assert.deepEqual(fmps.map((f: any) => f.code).sort(), land.map((p: any) => p.id).sort(), 'one FMP at each land crossing');
  assert.ok(fmps.find((f: any) => f.code === 'dogharoun' && f.province_code === 'IR-09' && f.active));
  const countries = (await t.as(null)('GET', '/api/v1/places/countries')).json();
  assert.equal(countries.length, 15);
  const d = (await t.as(null)('GET', '/api/v1/places/provinces/IR-09')).json();
  assert.ok(d.points_of_entry.some((p: any) => p.id === 'dogharoun'));
  assert.ok(d.neighbours.some((c: any) => c.iso3 === 'AFG'));
});

test(`[${TEST_ENGINE}] lists sort Persian names in Persian order`, async () => {
  const fa = (await t.as(null)('GET', '/api/v1/places/countries', undefined, { 'accept-language': 'fa' })).json().map((c: any) => c.name_fa);
  assert.deepEqual(fa, [...fa].sort(new Intl.Collator('fa').compare));
  // C collation would put پ after ب…ی wrongly; check one known pair is in Persian order
  const i = fa.indexOf('پاکستان');
  const j = fa.indexOf('ترکیه');
  assert.ok(i >= 0 && j >= 0 && i < j);
});

test(`[${TEST_ENGINE}] correcting coordinates needs places.manage; refused changes nothing`, async () => {
  const viewer = await t.user([{ role: 'viewer' }]);
  const before = await db.one(`SELECT lat, lon FROM points_of_entry WHERE id = 'mahirud'`);
  const r = await t.as(viewer)('PATCH', '/api/v1/places/points-of-entry/mahirud', { lat: 31.5 });
  assert.equal(r.statusCode, 403);
  assert.deepEqual(await db.one(`SELECT lat, lon FROM points_of_entry WHERE id = 'mahirud'`), before);
  const out = await t.as(admin)('PATCH', '/api/v1/places/points-of-entry/mahirud', { lat: 99 });
  assert.equal(out.statusCode, 400, 'a latitude outside Iran is refused');
  const ok = await t.as(admin)('PATCH', '/api/v1/places/points-of-entry/mahirud', { lat: 31.51, lon: 61.2 });
  assert.equal(ok.statusCode, 200);
  assert.equal(ok.json().lat, 31.51);
  assert.equal(ok.json().confidence, 'corrected');
  const a = await db.one(`SELECT details FROM audit_log WHERE action = 'place.point_of_entry.update' AND subject_id = 'mahirud'`);
  assert.equal(a!.details.before.lat, before!.lat);
});

test(`[${TEST_ENGINE}] administrators add, rename and close flow monitoring points`, async () => {
  const r = await t.as(admin)('POST', '/api/v1/places/fmps', { code: 'mashhad-bus', name_en: 'Mashhad bus terminal', name_fa: 'پایانه مسافربری مشهد', province_code: 'IR-09', lat: 36.3, lon: 59.6 });
  assert.equal(r.statusCode, 201, r.body);
  const atCrossing = await t.as(admin)('POST', '/api/v1/places/fmps', { code: 'milak-2', name_en: 'Milak gate 2', name_fa: 'میلک ۲', point_of_entry_id: 'milak' });
  assert.equal(atCrossing.json().province_code, 'IR-11', 'province taken from the crossing');
  const unknown = await t.as(admin)('POST', '/api/v1/places/fmps', { code: 'nowhere', name_en: 'N', name_fa: 'ن', province_code: 'IR-77' });
  assert.equal(unknown.statusCode, 400);
  const closed = await t.as(admin)('PATCH', '/api/v1/places/fmps/mashhad-bus', { name_en: 'Mashhad terminal', closed_on: '2025-01-01' });
  assert.equal(closed.json().active, false);
  assert.equal(closed.json().closed_on, '2025-01-01');
  const viewer = await t.user([{ role: 'viewer' }]);
  assert.equal((await t.as(viewer)('PATCH', '/api/v1/places/fmps/dogharoun', { closed_on: '2025-01-01' })).statusCode, 403);
  assert.equal((await db.one(`SELECT closed_on FROM fmps WHERE code = 'dogharoun'`))!.closed_on, null);
});

test(`[${TEST_ENGINE}] boundaries are served locally as GeoJSON with 31 provinces`, async () => {
  const r = await t.as(null)('GET', '/api/v1/places/geo/provinces.geojson');
  assert.equal(r.statusCode, 200);
  const codes = new Set(r.json().features.map((f: any) => f.properties.iso_3166_2));
  assert.equal(codes.size, 31);
});

test(`[${TEST_ENGINE}] places.manage is province-scoped: an IR-09 data officer neither closes, creates nor moves anything in IR-11`, async () => {
  const officer = await t.user([{ role: 'data_officer', provinces: ['IR-09'] }]);
  const as = t.as(officer);
  const before = await db.one(`SELECT closed_on FROM fmps WHERE code = 'milak'`);
  assert.equal((await as('PATCH', '/api/v1/places/fmps/milak', { closed_on: '2025-01-01' })).statusCode, 403);
  assert.deepEqual(await db.one(`SELECT closed_on FROM fmps WHERE code = 'milak'`), before);
  assert.equal((await as('POST', '/api/v1/places/fmps', { code: 'zahedan-x', name_en: 'Z', name_fa: 'ز', province_code: 'IR-11' })).statusCode, 403);
  assert.equal((await as('POST', '/api/v1/places/fmps', { code: 'milak-x', name_en: 'M', name_fa: 'م', point_of_entry_id: 'milak' })).statusCode, 403, 'province of the crossing');
  assert.equal((await db.one(`SELECT count(*) AS n FROM fmps WHERE code IN ('zahedan-x', 'milak-x')`))!.n, 0);
  const poe = await db.one(`SELECT lat FROM points_of_entry WHERE id = 'milak'`);
  assert.equal((await as('PATCH', '/api/v1/places/points-of-entry/milak', { lat: 31.2 })).statusCode, 403);
  assert.deepEqual(await db.one(`SELECT lat FROM points_of_entry WHERE id = 'milak'`), poe);
  assert.ok(Number((await db.one(`SELECT count(*) AS n FROM audit_log WHERE action = 'access.denied' AND actor_id = $1 AND subject_id = 'milak'`, [officer.id]))!.n) >= 2, 'denials are audited');
  // Inside their province they may.
  assert.equal((await as('POST', '/api/v1/places/fmps', { code: 'sarakhs-x', name_en: 'S', name_fa: 'س', province_code: 'IR-09' })).statusCode, 201);
  assert.equal((await as('PATCH', '/api/v1/places/points-of-entry/dogharoun', { coord_method: 'checked on site' })).statusCode, 200);
  // Choice lists: only the FMPs and provinces they may use.
  const fmps = (await as('GET', '/api/v1/places/fmps?usable_for=places.manage')).json();
  assert.ok(fmps.length > 0 && fmps.every((f: any) => f.province_code === 'IR-09'));
  assert.deepEqual((await as('GET', '/api/v1/places/provinces?usable_for=places.manage')).json().map((p: any) => p.code), ['IR-09']);
  assert.equal((await as('GET', '/api/v1/places/provinces?usable_for=audit.read')).json().length, 0);
  assert.equal((await as('GET', '/api/v1/places/provinces')).json().length, 31, 'reference data stays whole');
});

test(`[${TEST_ENGINE}] names are sorted in SQL as a Persian reader expects (ICU collation), equal to Intl.Collator('fa')`, async () => {
  const names = (await db.many(`SELECT x FROM (VALUES ('لرستان'), ('گیلان'), ('کرمان'), ('چهارمحال'), ('پارس'), ('بوشهر')) v(x) ORDER BY x COLLATE marz_fa`)).map((r) => r.x);
  assert.deepEqual(names, ['بوشهر', 'پارس', 'چهارمحال', 'کرمان', 'گیلان', 'لرستان']);
  const crossings = (await t.app.inject({ method: 'GET', url: '/api/v1/places/points-of-entry', headers: { 'x-marz-locale': 'fa' } })).json().map((p: any) => p.name_fa);
  assert.ok(crossings.length > 10);
  assert.deepEqual(crossings, [...crossings].sort(new Intl.Collator('fa').compare), 'the API order equals the collator outside the database');
});

test(`[${TEST_ENGINE}] every place note is served in Persian too, without Latin letters; a database seeded before the translations gets them from migrations 0007 and 0008`, async () => {
  const { readFileSync } = await import('node:fs');
  const latin = /[A-Za-z]/;
  const withNotes = GEO.crossings.filter((c: any) => c.notes);
  assert.ok(withNotes.length >= 20);
  for (const c of GEO.crossings) {
    for (const [en, fa] of [['notes', 'notes_fa'], ['coord_method', 'coord_method_fa']]) if (c[en]) assert.ok(c[fa] && !latin.test(c[fa]), `${c.id}.${fa}`);
  }
  for (const p of GEO.provinces) if (p.notes) assert.ok(p.notes_fa && !latin.test(p.notes_fa), `${p.iso_3166_2}.notes_fa`);
  const poe = (await t.as(null)('GET', '/api/v1/places/points-of-entry')).json();
  const served = new Map(poe.map((p: any) => [p.id, p]));
  for (const c of GEO.crossings) {
    const p: any = served.get(c.id);
    assert.equal(p.notes_fa, c.notes_fa ?? null, c.id);
    // (an earlier test corrects one crossing's method: its stale translation is gone)
    assert.equal(p.coord_method_fa, p.coord_method === c.coord_method ? (c.coord_method_fa ?? null) : null, c.id);
  }
  for (const n of GEO.neighbours) if (n.maritime) assert.ok(n.maritime_fa && !latin.test(n.maritime_fa), `${n.iso3}.maritime_fa`);
  const countries = (await t.as(null)('GET', '/api/v1/places/countries')).json();
  for (const n of GEO.neighbours) {
    const c = countries.find((x: any) => x.iso3 === n.iso3);
    assert.equal(c.maritime, n.maritime ?? null, n.iso3);
    assert.equal(c.maritime_fa, n.maritime_fa ?? null, n.iso3);
  }
  const ardabil = (await t.as(null)('GET', '/api/v1/places/provinces/IR-24')).json();
  assert.match(ardabil.notes, /Landlocked/);
  assert.match(ardabil.notes_fa, /آستارا/);

  // An older database: rows seeded without the Persian notes. The migration's updates fill them in.
  await db.query('UPDATE points_of_entry SET notes_fa = NULL, coord_method_fa = NULL');
  await db.query('UPDATE provinces SET notes = NULL, notes_fa = NULL');
  await db.query('UPDATE countries SET maritime = NULL, maritime_fa = NULL');
  for (const file of ['0007_place_notes_fa.sql', '0008_country_maritime_notes.sql']) {
    const sql = readFileSync(new URL(`../migrations/${file}`, import.meta.url), 'utf8');
    for (const line of sql.split('\n').filter((l) => l.startsWith('UPDATE '))) await db.query(line);
  }
  const pak = (await t.as(null)('GET', '/api/v1/places/countries')).json().find((c: any) => c.iso3 === 'PAK');
  assert.equal(pak.maritime_fa, 'دریای عمان (خلیج گواتر)');
  const again = (await t.as(null)('GET', '/api/v1/places/points-of-entry/milak')).json();
  const milak = GEO.crossings.find((c: any) => c.id === 'milak');
  assert.equal(again.notes_fa, milak.notes_fa);
  assert.equal(again.coord_method_fa, milak.coord_method_fa);
  assert.equal((await t.as(null)('GET', '/api/v1/places/provinces/IR-24')).json().notes_fa, ardabil.notes_fa);

  // Correcting how a location was found drops its (now stale) translation; the English is then shown.
  const r = await t.as(admin)('PATCH', '/api/v1/places/points-of-entry/milak', { coord_method: 'surveyed at the gate' });
  assert.equal(r.statusCode, 200);
  assert.equal(r.json().coord_method_fa, null);
  assert.equal(r.json().notes_fa, again.notes_fa);
  // Written in Persian, the method is its own Persian text; the audit keeps what it replaced.
  const fa = await t.as(admin)('PATCH', '/api/v1/places/points-of-entry/milak', { coord_method: 'نقشه‌برداری در دروازه', coord_method_fa: 'نقشه‌برداری در دروازه' });
  assert.equal(fa.json().coord_method_fa, 'نقشه‌برداری در دروازه');
  const last = await db.one<{ details: any }>(`SELECT details FROM audit_log WHERE action = 'place.point_of_entry.update' AND subject_id = 'milak' ORDER BY id DESC LIMIT 1`);
  assert.equal(last!.details.before.coord_method, 'surveyed at the gate');
});
