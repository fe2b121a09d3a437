import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  parseFramework,
  assertFramework,
  loadShippedFramework,
  crossLinkProblems,
  walkNodes,
  findNode,
  answerSchemeFor,
  FrameworkError,
  SHIPPED_FRAMEWORKS,
  type Framework,
  type ShippedFrameworkId,
} from './framework-schema.ts';
import { DOMAIN1_HALF_POINTS, YES_NO_HALF_POINTS, SDG1072_DOMAINS } from './scoring.ts';

const PERSIAN = /[\u0600-\u06FF]/;

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(new URL(`./frameworks/${file}`, import.meta.url), 'utf8'));
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe('shipped frameworks', () => {
  for (const [id, file] of Object.entries(SHIPPED_FRAMEWORKS)) {
    test(`${file} parses with the framework schema`, () => {
      const r = parseFramework(readJson(file));
      assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.problems, null, 2));
      assert.equal(r.framework.id, id);
      assert.ok(r.framework.source.length > 0);
      // every text in the file has English and Persian
      for (const { node } of walkNodes(r.framework)) {
        assert.ok(node.texts.en.trim() && PERSIAN.test(node.texts.fa), node.code);
      }
      assert.equal(loadShippedFramework(id as ShippedFrameworkId).id, id);
    });
  }

  test('links between the shipped frameworks all resolve', () => {
    const all = (Object.keys(SHIPPED_FRAMEWORKS) as ShippedFrameworkId[]).map(loadShippedFramework);
    assert.deepEqual(crossLinkProblems(all), []);
  });
});

describe('SDG 10.7.2 framework', () => {
  const fw = loadShippedFramework('sdg-10.7.2');

  test('has exactly 6 domains PD_1…PD_6, each with 5 indicators PD_d_1…PD_d_5, in both languages', () => {
    assert.equal(fw.kind, 'assessment');
    assert.deepEqual(fw.nodes.map((n) => n.code), [...SDG1072_DOMAINS]);
    let items = 0;
    for (const d of fw.nodes) {
      assert.equal(d.level, 'domain');
      assert.ok(d.question && d.question.en.endsWith('?') && PERSIAN.test(d.question.fa), `${d.code} question`);
      assert.deepEqual(d.children?.map((c) => c.code), [1, 2, 3, 4, 5].map((i) => `${d.code}_${i}`));
      for (const c of d.children ?? []) {
        assert.equal(c.level, 'indicator');
        assert.equal(c.children, undefined);
        assert.ok(c.texts.en.length > 3);
        assert.ok(PERSIAN.test(c.texts.fa));
        assert.doesNotMatch(c.texts.fa, /[A-Za-z]{3,}/, `${c.code} Persian text has Latin words`);
        items++;
      }
    }
    assert.equal(items, 30);
  });

  test('domain names and sample sub-categories match the UN metadata', () => {
    assert.deepEqual(fw.nodes.map((n) => n.texts.en), [
      'Migrant rights',
      'Whole-of-government/evidence-based policies',
      'Cooperation and partnerships',
      'Socioeconomic well-being',
      'Mobility dimensions of crises',
      'Safe, orderly and regular migration',
    ]);
    const t = (code: string) => findNode(fw, code)?.texts.en;
    assert.equal(t('PD_1_1'), 'Essential and/or emergency health care');
    assert.equal(t('PD_1_2'), 'Public education');
    assert.equal(t('PD_1_3'), 'Equal pay for equal work');
    assert.equal(t('PD_1_4'), 'Social protection');
    assert.equal(t('PD_1_5'), 'Access to justice');
    assert.equal(t('PD_2_1'), 'A dedicated Government agency to implement national migration policy');
    assert.equal(t('PD_4_2'), 'Facilitate the portability of social security benefits');
    assert.equal(t('PD_6_1'), 'System to monitor visa overstays');
    assert.equal(t('PD_6_5'), 'Formal strategies to address trafficking in persons and migrant smuggling');
    assert.ok(fw.source.some((s) => s.url === 'https://unstats.un.org/sdgs/metadata/files/Metadata-10-07-02.pdf'));
  });

  test('answer schemes: domain 1 YES_ALL / YES_LEGAL_ONLY / NO, domains 2–6 YES / NO, values as in scoring.ts', () => {
    for (const d of fw.nodes) {
      for (const c of d.children ?? []) {
        const s = answerSchemeFor(fw, c.code);
        assert.ok(s, c.code);
        const expected = d.code === 'PD_1' ? DOMAIN1_HALF_POINTS : YES_NO_HALF_POINTS;
        assert.deepEqual(s.options.map((o) => o.code), Object.keys(expected), c.code);
        for (const o of s.options) assert.equal((o.value ?? NaN) * 2, expected[o.code as keyof typeof expected], `${c.code} ${o.code}`);
      }
    }
    const d1 = answerSchemeFor(fw, 'PD_1_1')!;
    assert.deepEqual(d1.options.map((o) => o.label.en), ['Yes, regardless of immigration status', 'Yes, only for those with legal immigration status', 'No']);
  });

  test('links point to GCM objectives or principles that exist', () => {
    const gcm = loadShippedFramework('gcm');
    let gcmLinks = 0;
    for (const { node } of walkNodes(fw)) {
      for (const l of node.links ?? []) {
        if (l.framework !== 'gcm') continue;
        gcmLinks++;
        assert.ok(findNode(gcm, l.code), `${node.code} → gcm ${l.code}`);
      }
    }
    assert.ok(gcmLinks >= 20);
    assert.ok(findNode(fw, 'PD_4_4')?.links?.some((l) => l.framework === 'gcm' && l.code === '20'));
  });
});

describe('GCM framework', () => {
  const fw = loadShippedFramework('gcm');

  test('is a reference framework with 23 objectives numbered 1..23, each with a Persian title', () => {
    assert.equal(fw.kind, 'reference');
    const objectives = findNode(fw, 'OBJECTIVES');
    assert.ok(objectives?.children);
    assert.deepEqual(objectives.children.map((c) => c.code), Array.from({ length: 23 }, (_, i) => String(i + 1)));
    for (const o of objectives.children) {
      assert.ok(PERSIAN.test(o.texts.fa), o.code);
      assert.ok(o.description && o.description.en.startsWith(`Objective ${o.code}: `), o.code);
      assert.ok(PERSIAN.test(o.description.fa));
    }
    assert.equal(findNode(fw, '13')?.texts.en, 'Alternatives to detention');
    assert.equal(findNode(fw, '13')?.description?.en, 'Objective 13: Use migration detention only as a measure of last resort and work towards alternatives');
  });

  test('has the 10 guiding principles', () => {
    const p = findNode(fw, 'GUIDING_PRINCIPLES');
    assert.deepEqual(p?.children?.map((c) => c.texts.en), [
      'People-centred',
      'International cooperation',
      'National sovereignty',
      'Rule of law and due process',
      'Sustainable development',
      'Human rights',
      'Gender-responsive',
      'Child-sensitive',
      'Whole-of-government approach',
      'Whole-of-society approach',
    ]);
  });

  test('has no indicators and no answer schemes', () => {
    assert.equal([...walkNodes(fw)].filter((w) => w.node.level === 'indicator').length, 0);
    assert.deepEqual(fw.answerSchemes, []);
  });
});

describe('MGI skeleton', () => {
  const fw = loadShippedFramework('mgi');

  test('has the 6 MiGOF domains with topics, and no indicators', () => {
    assert.equal(fw.nodes.length, 6);
    assert.deepEqual(fw.nodes.map((n) => n.code), ['MGI_1', 'MGI_2', 'MGI_3', 'MGI_4', 'MGI_5', 'MGI_6']);
    for (const d of fw.nodes) {
      assert.ok((d.children ?? []).length > 0, d.code);
      for (const t of d.children ?? []) assert.equal(t.level, 'topic');
    }
    assert.equal([...walkNodes(fw)].filter((w) => w.node.level === 'indicator').length, 0);
  });

  test('answer scheme ABSENT / PARTIAL / PRESENT / NOT_APPLICABLE / UNKNOWN, without numeric values', () => {
    assert.equal(fw.answerSchemes.length, 1);
    const s = fw.answerSchemes[0]!;
    assert.deepEqual(s.options.map((o) => o.code), ['ABSENT', 'PARTIAL', 'PRESENT', 'NOT_APPLICABLE', 'UNKNOWN']);
    assert.ok(s.options.every((o) => o.value === undefined));
    for (const d of fw.nodes) assert.equal(d.answerScheme, s.id);
  });

  test('topics the research could not verify are marked unverified (all of domains 5 and 6)', () => {
    const topics = fw.nodes.flatMap((d) => (d.children ?? []).map((t) => ({ d: d.code, t })));
    assert.ok(topics.every(({ t }) => t.provenance !== undefined));
    for (const { d, t } of topics) {
      if (d === 'MGI_5' || d === 'MGI_6') assert.equal(t.provenance?.status, 'unverified', t.code);
      if (d === 'MGI_1' || d === 'MGI_2' || d === 'MGI_3') assert.equal(t.provenance?.status, 'verified', t.code);
    }
    assert.equal(findNode(fw, 'MGI_4_1')?.provenance?.status, 'verified');
    assert.ok(topics.filter(({ t }) => t.provenance?.status === 'unverified').length >= 10);
  });

  test('accepts indicators added by an assessing team (they inherit the domain answer scheme)', () => {
    const json = clone(readJson('mgi-skeleton.json')) as Framework;
    json.nodes[0]!.children![0]!.children = [
      { code: 'IR_MGI_1_1_1', level: 'indicator', texts: { en: 'A locally written indicator', fa: 'یک شاخص نوشته‌شده در محل' } },
    ];
    const fw2 = assertFramework(json);
    assert.equal(answerSchemeFor(fw2, 'IR_MGI_1_1_1')?.id, 'MGI_PRESENCE');
  });
});

describe('parseFramework error reporting', () => {
  const base = () => clone(readJson('sdg-10-7-2.json')) as Record<string, any>;

  test('a missing Persian text is reported with its path and node code', () => {
    const j = base();
    delete j.nodes[0].children[1].texts.fa;
    const r = parseFramework(j);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0]!.path, 'nodes[0].children[1].texts.fa');
    assert.equal(r.problems[0]!.nodeCode, 'PD_1_2');
  });

  test('an untranslated Persian text (Latin only) is rejected', () => {
    const j = base();
    j.nodes[2].children[0].texts.fa = 'An inter-ministerial coordination mechanism on migration';
    const r = parseFramework(j);
    assert.ok(!r.ok);
    if (!r.ok) {
      assert.equal(r.problems[0]!.path, 'nodes[2].children[0].texts.fa');
      assert.match(r.problems[0]!.message, /Persian letters/);
    }
  });

  test('duplicate codes, unknown answer schemes and dangling self-links are reported', () => {
    const j = base();
    j.nodes[1].children[4].code = 'PD_2_4';
    j.nodes[3].answerScheme = 'YES_NO_MAYBE';
    j.nodes[5].children[0].links = [{ framework: 'sdg-10.7.2', code: 'PD_9_9' }];
    const r = parseFramework(j);
    assert.ok(!r.ok);
    if (r.ok) return;
    const byPath = Object.fromEntries(r.problems.map((p) => [p.path, p.message]));
    assert.match(byPath['nodes[1].children[4].code']!, /"PD_2_4" is already used at nodes\[1\]\.children\[3\]/);
    assert.match(byPath['nodes[3].answerScheme']!, /unknown answer scheme "YES_NO_MAYBE"/);
    assert.match(byPath['nodes[5].children[0].links[0].code']!, /no node has that code/);
  });

  test('structure rules: indicator without scheme, indicator with children, nested domain, indicators in a reference framework', () => {
    const j = base();
    delete j.nodes[0].answerScheme;
    j.nodes[1].children[0].children = [{ code: 'X1', level: 'indicator', texts: { en: 'x', fa: 'ایکس' } }];
    j.nodes[2].children.push({ code: 'NESTED', level: 'domain', texts: { en: 'n', fa: 'ن' } });
    const r = parseFramework(j);
    assert.ok(!r.ok);
    if (r.ok) return;
    const messages = r.problems.map((p) => `${p.path}: ${p.message}`).join('\n');
    assert.match(messages, /nodes\[0\]\.children\[0\]: .*indicator has no answer scheme/);
    assert.match(messages, /nodes\[1\]\.children\[0\]\.children: .*an indicator cannot have children/);
    assert.match(messages, /nodes\[2\]\.children\[5\]\.level: a domain cannot sit inside domain "PD_3"/);

    const g = clone(readJson('gcm.json')) as Record<string, any>;
    g.nodes[0].children[0].level = 'indicator';
    const rg = parseFramework(g);
    assert.ok(!rg.ok);
    if (!rg.ok) assert.match(rg.problems[0]!.message, /reference framework has no indicators/);
  });

  test('unknown fields, wrong types and wrong top-level values are named', () => {
    const j = base();
    j.colour = 'blue';
    j.kind = 'survey';
    j.nodes[0].children[0].texts.en = 42;
    j.source = [];
    const r = parseFramework(j);
    assert.ok(!r.ok);
    if (r.ok) return;
    const paths = r.problems.map((p) => p.path);
    assert.ok(paths.includes(''), JSON.stringify(r.problems));
    assert.ok(paths.includes('kind'));
    assert.ok(paths.includes('nodes[0].children[0].texts.en'));
    assert.ok(paths.includes('source'));
    assert.ok(r.problems.some((p) => /unknown field\(s\): colour/.test(p.message)));
  });

  test('non-object input and assertFramework errors', () => {
    const r = parseFramework('not a framework');
    assert.ok(!r.ok);
    assert.throws(() => assertFramework({ formatVersion: 2 }, 'x.json'), (e: unknown) => {
      assert.ok(e instanceof FrameworkError);
      assert.match(e.message, /framework x\.json is invalid/);
      assert.match(e.message, /formatVersion/);
      return true;
    });
  });
});
