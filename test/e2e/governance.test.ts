// Migration governance in the browser, in Persian: an officer completes a small MGI assessment
// (two indicators, findings in Persian, one evidence item), takes it through the workflow to the
// inter-ministerial validation; the focal point of the Ministry of Interior cannot sign for the
// Ministry of Foreign Affairs and signs for their own; the MFA focal point signs; the assessment
// is approved and published; an attempted edit is refused and the published snapshot is
// unchanged.
//   node --import tsx --test test/e2e/governance.test.ts
// Set GOV_SHOTS=<dir> to keep screenshots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ADMIN, SKIP_REASON, chromiumPath, errorsOf, launchBrowser, newPage, setupAdmin, signIn, startServer } from './harness.ts';

const chrome = chromiumPath();
if (!chrome) console.log(`# ${SKIP_REASON}`);

/** Calls the API from the page with the session's CSRF token. */
async function call(page: Page, method: string, url: string, body?: unknown): Promise<{ status: number; json: any }> {
  return page.evaluate(
    async ({ method, url, body }) => {
      const s = await (await fetch('/api/v1/auth/session')).json();
      const r = await fetch(url, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrf_token }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await r.text();
      return { status: r.status, json: text ? JSON.parse(text) : null };
    },
    { method, url, body },
  );
}

const G = '/api/v1/governance';

test('a Persian assessment is signed off by two ministries, approved, published and stays unchanged', { skip: chrome ? false : SKIP_REASON, timeout: 300_000 }, async (t) => {
  const server = await startServer();
  const browser = await launchBrowser();
  t.after(() => Promise.all([browser.close(), server.stop()]));
  const shots = process.env.GOV_SHOTS;
  const admin = await newPage(browser, { locale: 'fa' });
  await setupAdmin(admin, server, { ...ADMIN, locale: 'fa' });
  await signIn(admin, server, ADMIN);

  // Set-up through the API: two focal points (one per ministry) and a small MGI version.
  const agencies: { id: number; code: string }[] = (await call(admin, 'GET', '/api/v1/agencies')).json;
  const moi = agencies.find((a) => a.code === 'moi')!.id;
  const mfa = agencies.find((a) => a.code === 'mfa')!.id;
  const focal = { moi: { username: 'rabet.keshvar', password: 'focal-point-password-1' }, mfa: { username: 'rabet.kharejeh', password: 'focal-point-password-2' } };
  for (const [code, u] of Object.entries(focal)) {
    const r = await call(admin, 'POST', '/api/v1/users', { username: u.username, display_name: code === 'moi' ? 'رابط وزارت کشور' : 'رابط وزارت امور خارجه', password: u.password, locale: 'fa', agency_id: code === 'moi' ? moi : mfa, assignments: [{ role: 'focal_point' }] });
    assert.equal(r.status, 201, JSON.stringify(r.json));
  }
  const skeleton = (await call(admin, 'GET', `${G}/frameworks`)).json.find((f: any) => f.code === 'mgi').versions[0].version;
  assert.equal((await call(admin, 'POST', `${G}/frameworks/mgi/versions`, { version: 'iran-1404', from_version: skeleton })).status, 201);
  for (const [parent, code, fa, en] of [
    ['MGI_1_1', 'I_HEALTH', 'مهاجران به خدمات سلامت پایه دسترسی دارند', 'Migrants have access to basic health services'],
    ['MGI_2_5', 'I_DATA', 'داده‌های مهاجرت به تفکیک منتشر می‌شود', 'Disaggregated migration data are published'],
  ]) {
    const r = await call(admin, 'POST', `${G}/frameworks/mgi/versions/iran-1404/nodes`, { parent_code: parent, node: { code, texts: { en, fa } } });
    assert.equal(r.status, 201, JSON.stringify(r.json));
  }

  // The officer starts the assessment in Persian.
  await admin.goto(server.url + '/governance/assessments');
  await admin.waitForFunction(() => document.documentElement.dir === 'rtl');
  await admin.locator('[data-testid="gov-new-assessment"]').click();
  const form = admin.locator('[data-testid="gov-new-form"]');
  await form.locator('input[name="title_fa"]').fill('ارزیابی حکمرانی مهاجرت ایران ۱۴۰۴');
  await form.locator('select[name="framework"]').selectOption('mgi');
  await form.locator('select[name="version"] option[value="iran-1404"]').waitFor({ state: 'attached' });
  await form.locator('select[name="version"]').selectOption('iran-1404');
  await form.locator('#gov-ministry-moi').check();
  await form.locator('#gov-ministry-mfa').check();
  await form.locator('button[type="submit"]').click();
  await admin.waitForURL(/\/governance\/assessments\/\d+/);
  const id = Number(/assessments\/(\d+)/.exec(admin.url())![1]);

  // Answer both indicators with findings in Persian; cite a law for one.
  for (const [code, option, finding] of [
    ['I_HEALTH', 'PRESENT', 'خدمات سلامت پایه بدون توجه به وضعیت اقامتی ارائه می‌شود.'],
    ['I_DATA', 'PARTIAL', 'داده‌ها منتشر می‌شود اما به تفکیک جنسیت نیست.'],
  ]) {
    const card = admin.locator(`[data-testid="gov-ind-${code}"]`);
    await card.locator('summary').click();
    await card.locator(`[data-testid="gov-opt-${code}-${option}"]`).click();
    await card.locator(`[data-testid="gov-finding-fa-${code}"]`).fill(finding);
    await card.locator(`[data-testid="gov-save-${code}"]`).click();
    await card.locator('.alert-success').waitFor();
    assert.match(await card.locator('.alert-success').innerText(), /ذخیره شد/);
  }
  const health = admin.locator('[data-testid="gov-ind-I_HEALTH"]');
  await health.locator('[data-testid="gov-ev-new-I_HEALTH"]').click();
  await health.locator('[data-testid="gov-ev-title-I_HEALTH"]').fill('قانون بیمه همگانی سلامت');
  await health.locator('[data-testid="gov-ev-add-I_HEALTH"]').click();
  await health.getByText('قانون بیمه همگانی سلامت').first().waitFor();

  for (const to of ['SHARED_WITH_FOCAL_POINTS', 'COMMENTS_ADDRESSED', 'INTERMINISTERIAL_VALIDATION']) {
    await admin.locator(`[data-testid="gov-to-${to}"]`).click();
    await admin.locator('.gov-steps li.current').filter({ hasText: to === 'INTERMINISTERIAL_VALIDATION' ? 'اعتبارسنجی' : /./ }).waitFor();
    await admin.waitForFunction((s) => !document.querySelector(`[data-testid="gov-to-${s}"]`), to);
  }
  assert.equal((await call(admin, 'GET', `${G}/assessments/${id}`)).json.assessment.status, 'INTERMINISTERIAL_VALIDATION');
  if (shots) await admin.screenshot({ path: join(shots, 'governance-validation-fa.png'), fullPage: true });

  // The Ministry of Interior's focal point: only their own ministry can be signed for.
  const moiPage = await newPage(browser, { locale: 'fa' });
  await signIn(moiPage, server, focal.moi);
  await moiPage.goto(`${server.url}/governance/assessments/${id}`);
  await moiPage.locator('[data-testid="gov-signoff-moi"]').waitFor();
  assert.equal(await moiPage.locator('[data-testid="gov-signoff-mfa"]').count(), 0, 'no button to sign for another ministry');
  const cross = await call(moiPage, 'POST', `${G}/assessments/${id}/signoff`, { agency_id: mfa, decision: 'SIGNED_OFF' });
  assert.equal(cross.status, 403);
  assert.equal(cross.json.error.code, 'gov_signoff_other_agency');
  assert.match(cross.json.error.message, /وزارتخانه خودتان/);
  const afterCross = (await call(moiPage, 'GET', `${G}/assessments/${id}`)).json.ministries;
  assert.ok(afterCross.every((m: any) => m.decision === null), 'nothing changed');
  await moiPage.locator('[data-testid="gov-signoff-moi"]').click();
  await moiPage.locator('tr[data-agency="moi"] .badge-ok').waitFor();

  // The Ministry of Foreign Affairs' focal point signs for theirs.
  const mfaPage = await newPage(browser, { locale: 'fa' });
  await signIn(mfaPage, server, focal.mfa);
  await mfaPage.goto(`${server.url}/governance/assessments/${id}`);
  assert.equal(await mfaPage.locator('[data-testid="gov-signoff-moi"]').count(), 0);
  await mfaPage.locator('[data-testid="gov-signoff-mfa"]').click();
  await mfaPage.locator('tr[data-agency="mfa"] .badge-ok').waitFor();
  // Focal points do not approve for the government.
  assert.equal(await mfaPage.locator('[data-testid="gov-to-GOVERNMENT_APPROVED"]').count(), 0);

  // The government approves; the assessment is published.
  await admin.reload();
  await admin.locator('[data-testid="gov-to-GOVERNMENT_APPROVED"]').click();
  await admin.locator('[data-testid="gov-to-PUBLISHED"]').click();
  await admin.locator('[data-testid="gov-confirm"]').click();
  await admin.locator('[data-testid="gov-published-note"]').waitFor();
  if (shots) await admin.screenshot({ path: join(shots, 'governance-published-fa.png'), fullPage: true });

  const before = (await call(admin, 'GET', `${G}/assessments/${id}/snapshot`)).json;
  assert.equal(before.verified, true);
  assert.equal(before.snapshot.assessment.status, 'PUBLISHED');
  assert.deepEqual(before.snapshot.ministries.map((m: any) => [m.code, m.decision]), [['mfa', 'SIGNED_OFF'], ['moi', 'SIGNED_OFF']]);
  assert.equal(before.snapshot.indicators.find((i: any) => i.code === 'I_HEALTH').finding_fa, 'خدمات سلامت پایه بدون توجه به وضعیت اقامتی ارائه می‌شود.');

  // Attempted edits: the page offers none, the API refuses (in Persian), the snapshot is unchanged.
  await admin.locator('[data-testid="gov-tab-indicators"]').click();
  const card = admin.locator('[data-testid="gov-ind-I_HEALTH"]');
  if (!(await card.evaluate((el) => (el as HTMLDetailsElement).open))) await card.locator('summary').click();
  assert.equal(await card.locator('[data-testid="gov-save-I_HEALTH"]').count(), 0, 'no save button on a published assessment');
  assert.equal(await card.locator('input[type="radio"][value="ABSENT"]').isDisabled(), true);
  const edit = await call(admin, 'PUT', `${G}/assessments/${id}/answers/I_HEALTH`, { answer: 'ABSENT', finding_fa: 'تغییر پس از انتشار' });
  assert.equal(edit.status, 409);
  assert.equal(edit.json.error.code, 'gov_published');
  assert.match(edit.json.error.message, /منتشر شده/);
  const focalEdit = await call(moiPage, 'PUT', `${G}/assessments/${id}/answers/I_DATA`, { answer: 'PRESENT' });
  assert.equal(focalEdit.status, 409);
  const after = (await call(admin, 'GET', `${G}/assessments/${id}/snapshot`)).json;
  assert.deepEqual(after, before, 'the published snapshot is unchanged');

  // The profile report opens in Persian, right to left.
  const report = await admin.context().newPage();
  await report.goto(`${server.url}${G}/assessments/${id}/report.html?lang=fa`);
  assert.equal(await report.evaluate(() => document.documentElement.dir), 'rtl');
  assert.match(await report.locator('h1').innerText(), /ارزیابی حکمرانی مهاجرت ایران/);
  await report.close();

  assert.deepEqual(errorsOf(admin).filter((e) => !/status of 4\d\d/.test(e)), []);
  assert.deepEqual(errorsOf(moiPage).filter((e) => !/status of 4\d\d/.test(e)), []);
});
