import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { loadShippedFramework, type Framework } from './framework-schema.ts';
import { answerTone, compareVersions, indexFramework, isOverdue, daysUntil, progress, scoreAssessment, gcmView, type AnswerData } from './analysis.ts';
import { allowedActions, validationOutcome, maySignFor, TRANSITIONS, EDITABLE } from './workflow.ts';
import type { Principal } from '../platform/auth/access.ts';

const sdg = loadShippedFramework('sdg-10.7.2');
const ix = indexFramework(sdg);
const ans = (answer: string | null, extra: Partial<AnswerData> = {}): AnswerData => ({ answer, finding_en: '', finding_fa: '', highlight: null, responsible_agency_id: null, ...extra });

describe('answers and progress', () => {
  test('tones follow the option values (10.7.2) or the MGI codes', () => {
    const d1 = sdg.answerSchemes.find((s) => s.id === 'D1_STATUS')!;
    assert.equal(answerTone(d1, 'YES_ALL'), 'positive');
    assert.equal(answerTone(d1, 'YES_LEGAL_ONLY'), 'partial');
    assert.equal(answerTone(d1, 'NO'), 'negative');
    assert.equal(answerTone(d1, null), 'unanswered');
    const mgi = loadShippedFramework('mgi').answerSchemes[0]!;
    assert.deepEqual(['PRESENT', 'PARTIAL', 'ABSENT', 'NOT_APPLICABLE', 'UNKNOWN'].map((c) => answerTone(mgi, c)), ['positive', 'partial', 'negative', 'neutral', 'neutral']);
  });

  test('progress per domain counts answers, gaps and evidence coverage', () => {
    const answers = new Map([['PD_1_1', ans('YES_ALL', { finding_en: 'good' })], ['PD_1_2', ans('YES_LEGAL_ONLY')], ['PD_2_1', ans('NO')], ['PD_2_2', ans('YES', { highlight: 'gap' })]]);
    const p = progress(ix, answers, new Map([['PD_1_1', 2]]));
    const d1 = p.domains.find((d) => d.code === 'PD_1')!;
    assert.deepEqual([d1.indicators, d1.answered, d1.positive, d1.partial, d1.with_evidence, d1.evidence_items], [5, 2, 1, 1, 1, 2]);
    assert.deepEqual(d1.gaps.map((g) => g.code), ['PD_1_2']);
    assert.deepEqual(d1.good_practices.map((g) => g.code), ['PD_1_1']);
    assert.deepEqual(p.domains.find((d) => d.code === 'PD_2')!.gaps.map((g) => g.code), ['PD_2_1', 'PD_2_2'], 'a highlighted gap counts even with a yes');
    assert.equal(p.total.answered, 4);
    assert.equal(p.total.indicators, 30);
  });

  test('the 10.7.2 score of an assessment comes from scoring.ts; an incomplete one lists the missing items', () => {
    const answers = new Map<string, AnswerData>();
    for (const ind of ix.indicators) answers.set(ind.code, ans(ind.domainCode === 'PD_1' ? 'YES_LEGAL_ONLY' : 'YES'));
    const s = scoreAssessment(ix, answers);
    assert.ok(s.applicable && s.complete);
    assert.equal(s.score.domains.PD_1.value, 50);
    assert.equal(s.score.overall.value, 91.67);
    assert.equal(s.score.overall.category, 3);
    answers.delete('PD_4_2');
    answers.delete('PD_6_5');
    const inc = scoreAssessment(ix, answers);
    assert.ok(inc.applicable && !inc.complete);
    assert.deepEqual(inc.missing, ['PD_4_2', 'PD_6_5']);
    assert.deepEqual(scoreAssessment(indexFramework(loadShippedFramework('mgi')), answers), { applicable: false });
  });

  test('the GCM view lists the indicators linked to each objective', () => {
    const v = gcmView(ix, loadShippedFramework('gcm'), new Map([['PD_6_5', ans('YES')]]), new Map());
    assert.equal(v.filter((x) => x.kind === 'objective').length, 23);
    assert.deepEqual(v.find((x) => x.code === '10')!.items.map((i) => [i.code, i.tone]), [['PD_6_5', 'positive']]);
    assert.deepEqual(v.find((x) => x.code === '15')!.items.map((i) => i.code), ['PD_1_1', 'PD_1_2', 'PD_1_4']);
  });
});

describe('framework versions', () => {
  test('added, removed and re-mapped indicators, with an explicit code mapping', () => {
    const b: Framework = JSON.parse(JSON.stringify(sdg));
    b.version = '2.0.0';
    const d6 = b.nodes[5]!;
    d6.children = d6.children!.filter((c) => c.code !== 'PD_6_1');
    d6.children.push({ code: 'PD_6_6', level: 'indicator', texts: { en: 'New item', fa: 'گویه تازه' } });
    d6.children[0]!.code = 'PD_6_2b';
    b.nodes[0]!.children![0]!.links = [{ framework: 'gcm', code: '7' }];
    const moved = b.nodes[1]!.children!.pop()!;
    b.nodes[2]!.children!.push(moved);
    const diff = compareVersions(ix, indexFramework(b), [{ from_code: 'PD_6_2', to_code: 'PD_6_2b' }]);
    assert.deepEqual(diff.added.map((x) => x.code), ['PD_6_6']);
    assert.deepEqual(diff.removed.map((x) => x.code), ['PD_6_1']);
    const r = Object.fromEntries(diff.remapped.map((x) => [x.from_code, x]));
    assert.deepEqual(r.PD_6_2!.reasons, ['code_changed']);
    assert.deepEqual(r.PD_1_1!.reasons, ['links_changed']);
    assert.deepEqual(r.PD_1_1!.links_added, ['gcm:7']);
    assert.deepEqual(r.PD_1_1!.links_removed, ['gcm:15']);
    assert.deepEqual(r.PD_2_5!.reasons, ['moved', 'links_changed'], 'moved from PD_2 to PD_3 (and so no longer under mgi:MGI_2)');
    assert.equal(diff.continues.get('PD_6_2'), 'PD_6_2b');
    assert.equal(diff.continues.size, 29);
  });
});

describe('workflow', () => {
  const principal = (permissions: string[], agencyId: number | null, provinces: string[] | null = null): Principal => ({
    id: 'u', username: 'u', displayName: 'u', locale: 'fa', agencyId, assignments: [{ role: 'r', permissions, agencyIds: [], provinces }],
  });
  const focal = (agency: number) => principal(['governance.read', 'governance.edit', 'governance.signoff'], agency);

  const NAT = { scope: 'national', province_code: null };
  test('a focal point signs only for their own ministry, only during validation, and moves nothing', () => {
    assert.equal(maySignFor(focal(1), 1, NAT), true);
    assert.equal(maySignFor(focal(1), 2, NAT), false);
    assert.equal(maySignFor(principal(['governance.signoff', 'governance.approve'], null), 1, NAT), false, 'no agency, no signature');
    assert.equal(maySignFor(principal(['governance.signoff'], 1, ['IR-09']), 1, { scope: 'province', province_code: 'IR-08' }), false, 'outside the province');
    assert.equal(maySignFor(principal(['governance.signoff'], 1, ['IR-09']), 1, NAT), false, 'a provincial focal point does not sign a national assessment');
    const a = allowedActions(focal(1), { status: 'INTERMINISTERIAL_VALIDATION', ...NAT }, [1, 2]);
    assert.deepEqual(a.sign_for, [1]);
    assert.equal(a.edit, false);
    assert.deepEqual(a.transitions, [], 'only coordinators and approvers move an assessment');
    const draft = allowedActions(focal(1), { status: 'DRAFT', ...NAT }, [1, 2]);
    assert.deepEqual([draft.edit, draft.coordinate, draft.answer_for, draft.attach, draft.comment], [true, false, 1, true, true], 'answers its own ministry\'s indicators only');
    const coord = allowedActions(principal(['governance.read', 'governance.edit', 'governance.coordinate'], null), { status: 'DRAFT', ...NAT }, [1]);
    assert.deepEqual([coord.coordinate, coord.transitions], [true, ['SHARED_WITH_FOCAL_POINTS']]);
    const provincial = allowedActions(principal(['governance.read', 'governance.edit', 'governance.coordinate'], null, ['IR-09']), { status: 'DRAFT', ...NAT }, [1]);
    assert.deepEqual([provincial.edit, provincial.transitions], [false, []], 'a national assessment needs nationwide scope');
    assert.deepEqual(allowedActions(focal(1), { status: 'DRAFT', scope: 'national', province_code: null }, [1, 2]).sign_for, []);
  });

  test('nothing moves or is edited once published; reopening needs approval rights', () => {
    assert.ok(!TRANSITIONS.some((t) => t.from === 'PUBLISHED'));
    assert.ok(!EDITABLE.includes('PUBLISHED'));
    const admin = principal(['governance.read', 'governance.edit', 'governance.coordinate', 'governance.approve'], null);
    const pub = allowedActions(admin, { status: 'PUBLISHED', scope: 'national', province_code: null }, [1]);
    assert.deepEqual([pub.edit, pub.comment, pub.transitions.length, pub.reopen, pub.follow_up], [false, false, 0, true, true]);
    assert.equal(allowedActions(focal(1), { status: 'PUBLISHED', scope: 'national', province_code: null }, [1]).reopen, false);
  });

  test('validation is complete when every ministry signed off and none objects', () => {
    assert.deepEqual(validationOutcome([{ agency_id: 1, decision: 'SIGNED_OFF' }, { agency_id: 2, decision: null }]), { complete: false, pending: [2], objected: [] });
    assert.deepEqual(validationOutcome([{ agency_id: 1, decision: 'SIGNED_OFF' }, { agency_id: 2, decision: 'OBJECTED' }]), { complete: false, pending: [], objected: [2] });
    assert.equal(validationOutcome([{ agency_id: 1, decision: 'SIGNED_OFF' }]).complete, true);
    assert.equal(validationOutcome([]).complete, false);
  });
});

describe('workplan', () => {
  test('an open or in-progress item is overdue the day after its due date', () => {
    assert.equal(isOverdue({ status: 'open', due_on: '2025-05-01' }, '2025-05-01'), false);
    assert.equal(isOverdue({ status: 'open', due_on: '2025-05-01' }, '2025-05-02'), true);
    assert.equal(isOverdue({ status: 'in_progress', due_on: '2025-05-01' }, '2026-01-01'), true);
    assert.equal(isOverdue({ status: 'done', due_on: '2025-05-01' }, '2026-01-01'), false);
    assert.equal(isOverdue({ status: 'cancelled', due_on: '2025-05-01' }, '2026-01-01'), false);
    assert.equal(isOverdue({ status: 'open', due_on: null }, '2026-01-01'), false);
    assert.equal(daysUntil('2025-03-21', '2025-03-01'), 20);
    assert.equal(daysUntil('2025-03-01', '2025-03-21'), -20);
  });
});
