import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { testDatabase, testApp, TEST_ENGINE, type TestUser } from '../platform/testing.ts';
import type { Database } from '../platform/db/database.ts';
import { addDays, todayIso } from '../platform/calendar.ts';
import { summaryDifferences } from './summary-check.ts';

let db: Database;
let t: Awaited<ReturnType<typeof testApp>>;
let admin: TestUser;
const day = addDays(todayIso(), -3);

before(async () => {
  db = await testDatabase();
  t = await testApp(db);
  admin = await t.user([{ role: 'admin' }]);
});
after(async () => {
  await t.app.close();
  await db.close();
});

const rec = (over: Record<string, unknown> = {}) => ({ id: randomUUID(), fmp: 'dogharoun', date: day, direction: 'in', nationality: 'AFG', men: 1, women: 1, boys: 1, girls: 0, deported: 'yes', ...over });

/** The summaries must always equal a recomputation from the records: every figure and breakdown, by day and by month. */
async function assertSummariesMatchRecords() {
  assert.deepEqual(await summaryDifferences(db), [], 'the summaries equal the records');
}

test(`[${TEST_ENGINE}] a resent record is stored once; the same id with other content is refused`, async () => {
  const r = rec();
  const first = await t.as(admin)('POST', '/api/v1/flows/fmr', { records: [r] });
  assert.equal(first.statusCode, 200, first.body);
  assert.equal(first.json().created, 1);
  const again = await t.as(admin)('POST', '/api/v1/flows/fmr', { records: [r, r] });
  assert.equal(again.json().duplicates, 2);
  const conflict = await t.as(admin)('POST', '/api/v1/flows/fmr', { records: [{ ...r, men: 9 }] });
  assert.equal(conflict.json().invalid, 1);
  assert.equal(conflict.json().results[0].problems[0].code, 'id_conflict');
  assert.equal(Number((await db.one('SELECT count(*) AS n FROM fmr_records WHERE id = $1', [r.id]))!.n), 1);
  await assertSummariesMatchRecords();
});

test(`[${TEST_ENGINE}] validation names the column and reason, in both languages`, async () => {
  const r = await t.as(admin)('POST', '/api/v1/flows/fmr', {
    records: [rec({ men: 0, women: 0, boys: 0, girls: 0 }), rec({ date: addDays(todayIso(), 2) }), rec({ fmp: 'atlantis' }), rec({ date: '1404/02/31', men: '۳' })],
  });
  const [zero, future, unknown, jalali] = r.json().results.sort((a: any, b: any) => (a.index ?? 9) - (b.index ?? 9));
  assert.equal(zero.problems[0].code, 'group_empty');
  assert.equal(future.problems[0].code, 'date_future');
  assert.equal(unknown.problems[0].code, 'fmp_unknown');
  assert.ok(unknown.problems[0].message_fa.length > 0);
  assert.equal(jalali?.result ?? 'created', 'created', 'a Jalali date with Persian digits is accepted');
});

test(`[${TEST_ENGINE}] a closed FMP takes no records after it closed`, async () => {
  await db.query(`UPDATE fmps SET closed_on = $1 WHERE code = 'sero'`, [addDays(todayIso(), -10)]);
  const r = await t.as(admin)('POST', '/api/v1/flows/fmr', { records: [rec({ fmp: 'sero' })] });
  assert.equal(r.json().results[0].problems[0].code, 'fmp_closed');
});

test(`[${TEST_ENGINE}] an officer scoped to one province sees and submits only its FMPs`, async () => {
  const officer = await t.user([{ role: 'data_officer', provinces: ['IR-11'] }]); // Sistan and Baluchestan: milak, mirjaveh
  const outside = await t.as(officer)('POST', '/api/v1/flows/fmr', { records: [rec({ fmp: 'dogharoun' })] });
  assert.equal(outside.statusCode, 403);
  const inside = await t.as(officer)('POST', '/api/v1/flows/fmr', { records: [rec({ fmp: 'milak', men: 5, women: 0, boys: 0 })] });
  assert.equal(inside.json().created, 1);
  const list = (await t.as(officer)('GET', `/api/v1/flows/fmr?from=${addDays(day, -1)}&to=${day}`)).json();
  assert.ok(list.records.length > 0 && list.records.every((x: any) => x.province_code === 'IR-11'));
  const mine = (await t.as(officer)('GET', `/api/v1/flows/summary?from=${day}&to=${day}`)).json();
  const all = (await t.as(admin)('GET', `/api/v1/flows/summary?from=${day}&to=${day}`)).json();
  assert.equal(mine.individuals, 5);
  assert.ok(all.individuals > 5);
  const someone = (await db.one(`SELECT id FROM fmr_records WHERE fmp_code = 'dogharoun' LIMIT 1`))!.id;
  assert.equal((await t.as(officer)('GET', `/api/v1/flows/fmr/${someone}`)).statusCode, 404);
  const viewer = await t.user([{ role: 'viewer', provinces: ['IR-11'] }]);
  assert.equal((await t.as(viewer)('POST', '/api/v1/flows/fmr/review', { ids: [someone], action: 'approve' })).statusCode, 403);
});

test(`[${TEST_ENGINE}] review: flag needs a comment; approved-only dashboards; corrections kept in the history`, async () => {
  const r = rec({ fmp: 'milak', men: 2, women: 2, boys: 0 });
  await t.as(admin)('POST', '/api/v1/flows/fmr', { records: [r] });
  assert.equal((await t.as(admin)('POST', '/api/v1/flows/fmr/review', { ids: [r.id], action: 'flag' })).json().error.code, 'comment_required');
  const before = (await t.as(admin)('GET', `/api/v1/flows/summary?from=${day}&to=${day}&fmp=milak&approved_only=true`)).json().individuals;
  assert.equal((await t.as(admin)('POST', '/api/v1/flows/fmr/review', { ids: [r.id], action: 'approve' })).statusCode, 200);
  const after = (await t.as(admin)('GET', `/api/v1/flows/summary?from=${day}&to=${day}&fmp=milak&approved_only=true`)).json().individuals;
  assert.equal(after - before, 4);
  const fix = await t.as(admin)('PATCH', `/api/v1/flows/fmr/${r.id}`, { changes: { women: 3 }, comment: 'recount' });
  assert.equal(fix.statusCode, 200, fix.body);
  const detail = (await t.as(admin)('GET', `/api/v1/flows/fmr/${r.id}`)).json();
  assert.deepEqual(detail.history.map((h: any) => h.action), ['create', 'approve', 'correct']);
  assert.deepEqual(detail.history[2].changes, { women: [2, 3] });
  assert.equal(detail.history[2].comment, 'recount');
  const bad = await t.as(admin)('PATCH', `/api/v1/flows/fmr/${r.id}`, { changes: { men: -1 } });
  assert.equal(bad.json().error.code, 'invalid_record');
  const allBefore = (await t.as(admin)('GET', `/api/v1/flows/summary?from=${day}&to=${day}&fmp=milak`)).json().individuals;
  assert.equal((await t.as(admin)('POST', '/api/v1/flows/fmr/review', { ids: [r.id], action: 'reject', comment: 'duplicate sheet' })).statusCode, 200);
  const allAfter = (await t.as(admin)('GET', `/api/v1/flows/summary?from=${day}&to=${day}&fmp=milak`)).json().individuals;
  assert.equal(allBefore - allAfter, 5, 'a rejected record (2 men, 3 women after the correction) is not counted');
  assert.ok(await db.one(`SELECT 1 FROM audit_log WHERE action = 'flows.fmr.correct' AND subject_id = $1`, [r.id]));
  await assertSummariesMatchRecords();
});

test(`[${TEST_ENGINE}] surge alerts are raised when data arrive`, async () => {
  await t.as(admin)('PATCH', '/api/v1/flows/fmps/mahirud/thresholds', { capacity_per_day: 20, alert_daily_above: 15, alert_multiple: null, alert_window_days: 7 });
  const big = Array.from({ length: 5 }, () => rec({ fmp: 'mahirud', men: 3, women: 2, boys: 0 }));
  await t.as(admin)('POST', '/api/v1/flows/fmr', { records: big });
  const alerts = (await t.as(admin)('GET', '/api/v1/flows/alerts')).json().filter((a: any) => a.fmp === 'mahirud');
  assert.deepEqual(alerts.map((a: any) => a.kind).sort(), ['above_capacity', 'above_threshold']);
  assert.equal(Number(alerts[0].movements), 25);
});

test(`[${TEST_ENGINE}] a day above a multiple of the trailing average raises an alert with that average; deleting records withdraws it`, async () => {
  await t.as(admin)('PATCH', '/api/v1/flows/fmps/bajgiran/thresholds', { capacity_per_day: null, alert_daily_above: null, alert_multiple: 1.5, alert_window_days: 7, alert_min_movements: 0 });
  // Seven earlier days of 3 people each (average 3), then a day of 7: above 1.5 × 3 = 4.5.
  const earlier = Array.from({ length: 7 }, (_, i) => rec({ fmp: 'bajgiran', date: addDays(day, -1 - i), men: 3, women: 0, boys: 0 }));
  await t.as(admin)('POST', '/api/v1/flows/fmr', { records: earlier });
  const surge = [rec({ fmp: 'bajgiran', men: 4, women: 0, boys: 0 }), rec({ fmp: 'bajgiran', men: 3, women: 0, boys: 0 })];
  await t.as(admin)('POST', '/api/v1/flows/fmr', { records: surge });
  const onDay = async () => (await t.as(admin)('GET', '/api/v1/flows/alerts')).json().filter((a: any) => a.fmp === 'bajgiran' && a.day === day);
  const raised = await onDay();
  assert.equal(raised.length, 1);
  assert.equal(raised[0].kind, 'above_average');
  assert.equal(Number(raised[0].movements), 7);
  assert.equal(Number(raised[0].limit_value), 4.5);
  assert.equal(Number(raised[0].trailing_average), 3);
  // Without the bigger record the day has 3 people, no longer above: the alert goes.
  assert.equal((await t.as(admin)('DELETE', `/api/v1/flows/fmr/${surge[0]!.id}?comment=${encodeURIComponent('entered twice')}`)).statusCode, 204);
  assert.deepEqual(await onDay(), []);
});

test(`[${TEST_ENGINE}] property: random inserts, edits and deletions keep the summaries equal to the records`, async () => {
  const fmps = ['dogharoun', 'milak', 'mehran'];
  const action = fc.oneof(
    fc.record({ kind: fc.constant('insert' as const), fmp: fc.constantFrom(...fmps), back: fc.integer({ min: 0, max: 20 }), men: fc.integer({ min: 0, max: 5 }), women: fc.integer({ min: 0, max: 5 }), boys: fc.integer({ min: 1, max: 5 }), direction: fc.constantFrom('in', 'out'), deported: fc.constantFrom('yes', 'no', 'unknown'), reasons: fc.subarray(['economic', 'return_home', 'health']) }),
    fc.record({ kind: fc.constant('edit' as const), pick: fc.nat(), men: fc.integer({ min: 0, max: 9 }), back: fc.integer({ min: 0, max: 20 }) }),
    fc.record({ kind: fc.constant('review' as const), pick: fc.nat(), action: fc.constantFrom('approve', 'reopen') }),
    fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 12 }), async (actions) => {
      for (const a of actions) {
        const ids = (await db.many(`SELECT id FROM fmr_records ORDER BY id`)).map((r) => r.id);
        const target = ids.length ? ids[(a as any).pick % ids.length] : null;
        if (a.kind === 'insert') {
          await t.as(admin)('POST', '/api/v1/flows/fmr', { records: [rec({ fmp: a.fmp, date: addDays(todayIso(), -a.back), men: a.men, women: a.women, boys: a.boys, direction: a.direction, deported: a.deported, reasons: a.reasons.join(';') })] });
        } else if (a.kind === 'edit' && target) {
          await t.as(admin)('PATCH', `/api/v1/flows/fmr/${target}`, { changes: { men: a.men, date: addDays(todayIso(), -a.back) } });
        } else if (a.kind === 'review' && target) {
          await t.as(admin)('POST', '/api/v1/flows/fmr/review', { ids: [target], action: a.action });
        } else if (a.kind === 'delete' && target) {
          await t.as(admin)('DELETE', `/api/v1/flows/fmr/${target}`);
        }
      }
      await assertSummariesMatchRecords();
    }),
    { numRuns: 15 },
  );
});

test(`[${TEST_ENGINE}] references of records are checked per statement: unknown FMP, province, user or import refused; a named FMP cannot be removed`, async () => {
  const insert = (over: Record<string, string | null>) =>
    db.query(
      `INSERT INTO fmr_records (id, fmp_code, province_code, observed_on, direction, nationality, men, women, boys, girls, deported, submitted_by, import_id)
       VALUES ($1, $2, $3, $4, 'in', 'AFG', 1, 0, 0, 0, 'no', $5::uuid, $6::bigint)`,
      [randomUUID(), over.fmp ?? 'dogharoun', over.province ?? 'IR-09', day, over.user ?? null, over.importId ?? null],
    );
  const refused = async (over: Record<string, string>, constraint: string) => {
    await assert.rejects(insert(over), (e: any) => e.code === '23503' && e.constraint === constraint && /does not exist/.test(e.message), constraint);
  };
  await refused({ fmp: 'atlantis' }, 'fmr_records_fmp_code_fkey');
  await refused({ province: 'IR-99' }, 'fmr_records_province_code_fkey');
  await refused({ user: randomUUID() }, 'fmr_records_submitted_by_fkey');
  await refused({ importId: '987654321' }, 'fmr_records_import_id_fkey');
  await assert.rejects(db.query(`UPDATE fmr_records SET fmp_code = 'atlantis' WHERE id = (SELECT id FROM fmr_records LIMIT 1)`), (e: any) => e.code === '23503');

  await insert({ user: admin.id });
  await assert.rejects(db.query(`DELETE FROM fmps WHERE code = 'dogharoun'`), (e: any) => e.code === '23503' && /still named by flow records/.test(e.message));
  await assert.rejects(db.query(`UPDATE fmps SET code = 'dogharoun2' WHERE code = 'dogharoun'`), (e: any) => e.code === '23503');
  await assert.rejects(db.query(`DELETE FROM users WHERE id = $1`, [admin.id]), (e: any) => e.code === '23503');
  // A row nobody names can still go, and other updates of a named row are not refused.
  await db.query(`UPDATE fmps SET name_en = name_en WHERE code = 'dogharoun'`);
  await db.tx(async (c) => {
    const fmp = (await c.query(`INSERT INTO fmps (code, province_code, name_en, name_fa) VALUES ('unused-fmp', 'IR-09', 'Unused', 'بی‌کاربرد') RETURNING code`)).rows[0].code;
    await c.query('DELETE FROM fmps WHERE code = $1', [fmp]);
  });
  await assertSummariesMatchRecords();
});
