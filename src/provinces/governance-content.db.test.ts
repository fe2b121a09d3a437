// Governance content on day one (issue 14, item 4): the 23 GCM objectives with their official
// English titles and Persian translations, and the MGI starter indicators (Marz's own words,
// not IOM text) with which a first MGI round starts without authoring a framework.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { testDatabase, testApp, TEST_ENGINE } from '../platform/testing.ts';
import type { Database } from '../platform/db/database.ts';
import { prepareDatabase } from '../platform/seed.ts';
import { assertFramework, walkNodes, loadShippedFramework } from '../governance/framework-schema.ts';

const starter = assertFramework(JSON.parse(readFileSync(new URL('../governance/frameworks/mgi-starter.json', import.meta.url), 'utf8')), 'mgi-starter.json');

test('the GCM framework has the 23 objectives with official titles and Persian translations', () => {
  const gcm = loadShippedFramework('gcm');
  const objectives = gcm.nodes.find((n) => n.code === 'OBJECTIVES')!.children!;
  assert.deepEqual(objectives.map((o) => o.code), Array.from({ length: 23 }, (_, i) => String(i + 1)));
  const persianDigits = (n: number) => String(n).replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[+d]!);
  for (const o of objectives) {
    assert.match(o.description!.en, new RegExp(`^Objective ${o.code}: [A-Z]`), o.code);
    assert.ok(o.description!.fa.startsWith(`هدف ${persianDigits(+o.code)}: `), o.code);
    assert.doesNotMatch(o.description!.fa.replace(/^هدف [۰-۹]+: /, ''), /[A-Za-z0-9]/, `objective ${o.code}: no Latin letters or ASCII digits in the Persian title`);
  }
  assert.equal(objectives[10]!.description!.en, 'Objective 11: Manage borders in an integrated, secure and coordinated manner');
});

test('the MGI starter: six domains, indicators under every topic in both languages, labelled as not IOM text', () => {
  assert.equal(starter.id, 'mgi');
  assert.deepEqual(starter.nodes.map((n) => n.code), ['MGI_1', 'MGI_2', 'MGI_3', 'MGI_4', 'MGI_5', 'MGI_6']);
  const skeleton = loadShippedFramework('mgi');
  const topics = (fw: typeof starter) => [...walkNodes(fw)].filter((x) => x.node.level === 'topic').map((x) => x.node.code);
  assert.deepEqual(topics(starter), topics(skeleton), 'the same domains and topic areas as the skeleton');
  const indicators = [...walkNodes(starter)].filter((x) => x.node.level === 'indicator');
  assert.ok(indicators.length >= 40);
  for (const t of [...walkNodes(starter)].filter((x) => x.node.level === 'topic')) assert.ok(t.node.children?.length, t.node.code);
  for (const { node } of indicators) {
    assert.ok(node.texts.en.length > 20 && /[\u0600-\u06FF]/.test(node.texts.fa), node.code);
    assert.doesNotMatch(node.texts.fa, /[A-Za-z]/, node.code);
    assert.equal(node.provenance?.status, 'inferred');
    for (const l of node.links ?? []) assert.ok(l.framework === 'gcm' && +l.code >= 1 && +l.code <= 23, node.code);
  }
  assert.match(starter.note!.en, /^NOT IOM'S OFFICIAL TEXT/);
  assert.match(starter.note!.fa, /متن رسمی سازمان بین‌المللی مهاجرت نیست/);
});

let db: Database;
let t: Awaited<ReturnType<typeof testApp>>;
before(async () => {
  db = await testDatabase();
  // As on an upgrade: seeding again adds shipped versions the database does not have yet
  // (the test template may predate them).
  await prepareDatabase(db);
  t = await testApp(db);
});
after(async () => {
  await t.app.close();
  await db.close();
});

test(`[${TEST_ENGINE}] the seeded database has the MGI starter as the newest MGI version, and an MGI round starts on it without authoring`, async () => {
  const admin = await t.user([{ role: 'admin' }]);
  const list = (await t.as(admin)('GET', '/api/v1/governance/frameworks')).json();
  const mgi = list.find((f: any) => f.code === 'mgi');
  assert.deepEqual(mgi.versions.map((v: any) => [v.version, v.indicators > 0]), [['0.1.0-skeleton', false], ['1.0.0-marz-starter', true]]);
  const moi = Number((await db.one("SELECT id FROM agencies WHERE code = 'moi'"))!.id);
  const created = await t.as(admin)('POST', '/api/v1/governance/assessments', { title_fa: 'نخستین دور MGI', framework: 'mgi', scope: 'province', province_code: 'IR-09', ministries: [moi] });
  assert.equal(created.statusCode, 201, created.body);
  const a = (await t.as(admin)('GET', `/api/v1/governance/assessments/${created.json().id}`)).json();
  assert.equal(a.framework.version, '1.0.0-marz-starter');
  const gcmLinks = Number((await db.one(`SELECT count(*) AS n FROM gov_links l JOIN gov_nodes n ON n.id = l.node_id JOIN gov_framework_versions v ON v.id = n.version_id WHERE v.version = '1.0.0-marz-starter' AND l.target_framework = 'gcm'`))!.n);
  assert.ok(gcmLinks >= 30);
});
