// Access in the browser: a province administrator (Khorasan Razavi) is offered only their
// province when granting roles and can act only on their province's FMPs; a Ministry of
// Interior focal point sees no workflow buttons on a national assessment and can answer only
// the indicator assigned to their ministry.
//   node --import tsx --test test/e2e/access.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { ADMIN, SKIP_REASON, chromiumPath, errorsOf, launchBrowser, newPage, setupAdmin, signIn, startServer } from './harness.ts';

const chrome = chromiumPath();
if (!chrome) console.log(`# ${SKIP_REASON}`);

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

test('choice lists and buttons offer only what the user may do', { skip: chrome ? false : SKIP_REASON, timeout: 300_000 }, async (t) => {
  const server = await startServer();
  const browser = await launchBrowser();
  t.after(() => Promise.all([browser.close(), server.stop()]));
  const admin = await newPage(browser, { locale: 'en' });
  await setupAdmin(admin, server, ADMIN);
  await signIn(admin, server, ADMIN);

  const agencies: { id: number; code: string }[] = (await call(admin, 'GET', '/api/v1/agencies')).json;
  const moi = agencies.find((a) => a.code === 'moi')!.id;
  const mfa = agencies.find((a) => a.code === 'mfa')!.id;
  const provincial = { username: 'admin.khorasan', password: 'Khorasan-admin-9!pass' };
  const focal = { username: 'focal.moi', password: 'Interior-focal-7!pass' };
  for (const [u, extra] of [
    [provincial, { assignments: [{ role: 'admin', provinces: ['IR-09'] }] }],
    [focal, { agency_id: moi, assignments: [{ role: 'focal_point' }] }],
  ] as const) {
    const r = await call(admin, 'POST', '/api/v1/users', { username: u.username, display_name: u.username, password: u.password, locale: 'en', ...extra });
    assert.equal(r.status, 201, JSON.stringify(r.json));
  }
  const a = await call(admin, 'POST', `${G}/assessments`, { title_en: 'Iran SDG 10.7.2', framework: 'sdg-10.7.2', scope: 'national', ministries: [moi, mfa] });
  assert.equal(a.status, 201, JSON.stringify(a.json));
  const id = a.json.id;
  assert.equal((await call(admin, 'PUT', `${G}/assessments/${id}/answers/PD_1_1`, { responsible_agency_id: moi })).status, 200);
  assert.equal((await call(admin, 'PUT', `${G}/assessments/${id}/answers/PD_1_2`, { responsible_agency_id: mfa })).status, 200);

  // The province administrator: only Khorasan Razavi to grant, no "all provinces".
  const p = await newPage(browser, { locale: 'en' });
  await signIn(p, server, provincial);
  await p.goto(server.url + '/admin/users/new');
  const assignment = p.locator('[data-testid="assignment"]').first();
  await assignment.locator('.province-picker .check-grid input[type="checkbox"]').first().waitFor();
  assert.equal(await assignment.locator('.province-picker .check-grid input[type="checkbox"]').count(), 1, 'one province to choose');
  assert.equal(await assignment.locator('input[type="radio"]').count(), 1, 'no "all provinces" choice');
  // FMPs: actions on their own province's, none on Sistan and Baluchestan's.
  await p.goto(server.url + '/places/fmps');
  await p.getByRole('button', { name: /Close Dogharoun/ }).waitFor();
  assert.equal(await p.getByRole('button', { name: /Close Milak/ }).count(), 0);
  assert.equal(await p.getByRole('button', { name: /Rename Milak/ }).count(), 0);

  // The focal point: no workflow buttons; answers only their ministry's indicator.
  const f = await newPage(browser, { locale: 'en' });
  await signIn(f, server, focal);
  await f.goto(`${server.url}/governance/assessments/${id}`);
  const mine = f.locator('[data-testid="gov-ind-PD_1_1"]');
  await mine.locator('summary').click();
  await mine.locator('[data-testid="gov-opt-PD_1_1-YES_ALL"]').click();
  await mine.locator('[data-testid="gov-save-PD_1_1"]').click();
  await mine.locator('.alert-success').waitFor();
  const theirs = f.locator('[data-testid="gov-ind-PD_1_2"]');
  await theirs.locator('summary').click();
  const option = theirs.locator('[data-testid="gov-opt-PD_1_2-YES_ALL"] input');
  await option.waitFor();
  assert.equal(await option.isDisabled(), true, "another ministry's indicator is read-only");
  assert.equal(await theirs.locator('fieldset.gov-options').getAttribute('disabled'), '');
  assert.equal(await theirs.locator('[data-testid="gov-save-PD_1_2"]').count(), 0);
  assert.equal(await f.locator('[data-testid^="gov-to-"]').count(), 0, 'focal points do not move the assessment');
  const answers = (await call(admin, 'GET', `${G}/assessments/${id}`)).json.answers;
  assert.equal(answers.find((x: any) => x.code === 'PD_1_1').answer, 'YES_ALL');
  assert.equal(answers.find((x: any) => x.code === 'PD_1_2').answer, null);
  // (the 401s are each page asking for the session before signing in)
  assert.deepEqual([...errorsOf(admin), ...errorsOf(p), ...errorsOf(f)].filter((e) => !/status of 401/.test(e)), []);
});
