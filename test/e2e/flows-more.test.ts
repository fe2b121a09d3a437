// Flow monitoring in the browser, beyond FMR entry (test/e2e/flows.test.ts), in Persian on a
// phone-sized screen:
//  - a survey (FMS) interview: refusal and "already interviewed" counted, consent, adults only,
//    answers including a trafficking indicator "yes", saved offline and sent once when back
//    online; the dashboard's survey share then shows n = 1 (and 100 %);
//  - surge alerts: a low threshold set on an FMP's page, records submitted, the alert raised,
//    acknowledged on the page;
//  - the mapping editor: a KoboToolbox export's header read in the browser, a value table
//    filled from the file's values, the mapping saved and used for a dry run;
//  - the review correction form with fields beyond the counts (time, transport, vulnerabilities).
//   node --import tsx --test test/e2e/flows-more.test.ts
// Set FLOWS_SHOTS=<dir> to keep phone-sized screenshots of every page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { addDays, formatJalali, todayIso } from '../../src/platform/calendar.ts';
import { ADMIN, ROOT, SKIP_REASON, chromiumPath, errorsOf, launchBrowser, newPage, setupAdmin, signIn, startServer } from './harness.ts';

const chrome = chromiumPath();
if (!chrome) console.log(`# ${SKIP_REASON}`);

const shots = process.env.FLOWS_SHOTS;
const shot = async (page: Page, name: string) => {
  if (shots) await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
};

/** fetch() in the page, with the session's CSRF token on writes. */
function call(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (method !== 'GET') {
        const s = await (await fetch('/api/v1/auth/session')).json();
        headers['x-csrf-token'] = s.csrf_token;
        headers['content-type'] = 'application/json';
      }
      const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await r.text();
      return { status: r.status, json: text ? JSON.parse(text) : null };
    },
    { method, path, body },
  );
}

const count = (page: Page, testId: string, attr = 'data-count') => page.locator(`[data-testid="${testId}"]`).first().getAttribute(attr);

test('flows in Persian on a phone: survey interview, alerts, mapping editor, review correction', { skip: chrome ? false : SKIP_REASON, timeout: 420_000 }, async (t) => {
  const server = await startServer();
  const browser = await launchBrowser();
  t.after(() => Promise.all([browser.close(), server.stop()]));
  const page = await newPage(browser, { locale: 'en', viewport: { width: 390, height: 844 } });
  const today = todayIso('Asia/Tehran');
  const yesterday = addDays(today, -1);

  let failed: string | null = null;
  const step = (name: string, fn: () => Promise<void>) =>
    t.test(name, async (st) => {
      if (failed) return st.skip(`skipped: the step "${failed}" failed`);
      try {
        await fn();
      } catch (e) {
        failed = name;
        await shot(page, `failed-${name.replace(/\W+/g, '-').slice(0, 40)}`).catch(() => undefined);
        throw e;
      }
    });

  await step('set up, sign in and switch to Persian', async () => {
    await setupAdmin(page, server, ADMIN);
    await signIn(page, server, ADMIN);
    await page.locator('.lang-switch').click();
    await page.waitForFunction(() => document.documentElement.dir === 'rtl' && document.documentElement.lang === 'fa');
  });

  await step('survey: refusals are counted, consent needs an adult, an interview with a trafficking "yes" is saved offline and sent once', async () => {
    await page.goto(server.url + '/flows/survey');
    await page.locator('[data-testid="fms-fmp"] option[value="dogharoun"]').waitFor({ state: 'attached' });
    await page.locator('[data-testid="fms-fmp"]').selectOption('dogharoun');
    await page.locator('#fms-date').fill(formatJalali(yesterday, { digits: 'fa' }));
    assert.equal(await page.locator('#fms-date').getAttribute('data-iso'), yesterday);
    await page.locator('[data-testid="fms-direction-in"]').check();

    // One refusal, one person already interviewed: counted, sent as the day's totals.
    await page.locator('[data-testid="fms-refused"]').click();
    await page.locator('[data-testid="fms-already"]').click();
    const tally = page.locator('[data-testid="fms-tally"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="fms-tally"]')?.getAttribute('data-already') === '1');
    assert.equal(await tally.getAttribute('data-refused'), '1');
    assert.match(await tally.innerText(), /۱ نفر نپذیرفتند/);
    await page.waitForFunction(() => document.querySelector('[data-testid="fms-pending"]')?.getAttribute('data-tallies') === '0', undefined, { timeout: 30_000 });
    await shot(page, 'survey-consent-fa');

    // Consent without confirming the age: refused, with the reason.
    await page.locator('[data-testid="fms-consent-yes"]').click();
    await page.locator('#fms-adult-error').waitFor();
    assert.match(await page.locator('#fms-adult-error').innerText(), /۱۸/);
    await page.locator('[data-testid="fms-adult"]').check();
    await page.locator('[data-testid="fms-consent-yes"]').click();
    await page.locator('[data-testid="fms-form"]').waitFor();
    await page.locator('[data-testid="fms-q-ct_self_forced_work-yes"]').waitFor();
    // Keyboard: the step's heading has the focus.
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'fms-step-title');

    await page.locator('[data-testid="fms-sex-female"]').check();
    await page.locator('[data-testid="fms-nationality"]').selectOption('AFG');
    await page.locator('[data-testid="fms-q-education-secondary"]').check();
    await page.locator('[data-testid="fms-q-reasons-economic"]').check();
    await page.locator('[data-testid="fms-q-reasons-family_reunification"]').check();
    await page.locator('[data-testid="fms-q-intended_destination"]').selectOption('TUR');
    await page.locator('[data-testid="fms-q-needs-food"]').check();
    await page.locator('[data-testid="fms-q-ct_self_worked_unpaid-no"]').check();
    await page.locator('[data-testid="fms-q-ct_self_forced_work-yes"]').check();
    await page.locator('[data-testid="fms-q-ct_self_held_captive-refused"]').check();
    await page.locator('[data-testid="fms-q-ct_family_worked_unpaid-no"]').check();

    // A minor is refused by the form.
    await page.locator('[data-testid="fms-age"]').fill('۱۷');
    await page.locator('[data-testid="fms-save"]').click();
    await page.locator('#fms-age-error').waitFor();
    assert.match(await page.locator('#fms-age-error').innerText(), /۱۸/);
    await page.locator('[data-testid="fms-age"]').fill('۳۴');
    await shot(page, 'survey-interview-fa');

    // Saved without a connection: kept in the browser.
    await page.context().setOffline(true);
    await page.locator('[data-testid="fms-save"]').click();
    await page.locator('[data-testid="fms-consent"]').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="fms-pending"]')?.getAttribute('data-count') === '1');
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('marz.flows.fms.queue.v1') ?? '[]'));
    assert.equal(stored.length, 1);
    const interview = stored[0].record;
    assert.equal(interview.age, 34);
    assert.equal(interview.sex, 'female');
    assert.deepEqual(interview.answers.reasons, ['economic', 'family_reunification']);
    assert.equal(interview.answers.ct_self_forced_work, 'yes');
    assert.equal(interview.answers.ct_self_held_captive, 'refused');
    assert.equal(interview.answers.transit_countries, undefined, 'unanswered questions are left out');

    // Back online: sent once.
    await page.context().setOffline(false);
    await page.waitForFunction(() => document.querySelector('[data-testid="fms-pending"]')?.getAttribute('data-count') === '0', undefined, { timeout: 45_000 });
    const again = await call(page, 'POST', '/api/v1/flows/fms', interview);
    assert.deepEqual(again.json, { result: 'duplicate' }, 'a resent interview is not counted twice');

    const s = await call(page, 'GET', `/api/v1/flows/summary?from=${yesterday}&to=${today}&fmp=dogharoun`);
    assert.equal(s.json.survey.respondents, 1);
    assert.deepEqual(s.json.survey.trafficking_self, { n: 1, yes: 1, share: 1 });
    assert.deepEqual(s.json.survey.trafficking_family, { n: 1, yes: 0, share: 0 });
  });

  await step('dashboard: the survey share shows n = 1, the map draws the points', async () => {
    await page.goto(server.url + `/flows/dashboard?from=${addDays(yesterday, -6)}&to=${today}&fmp=dogharoun`);
    const self = page.locator('[data-testid="flows-ct-self"]');
    await self.waitFor();
    assert.equal(await self.getAttribute('data-n'), '1');
    assert.equal(await self.getAttribute('data-yes'), '1');
    const text = await self.innerText();
    assert.match(text, /n = ۱/, 'n is shown, in Persian digits');
    assert.match(text, /۱۰۰/, 'the share is 100 %');
    assert.equal(await page.locator('[data-testid="flows-respondents"]').getAttribute('data-value'), '1');
    assert.equal(await page.locator('[data-testid="flows-ct-family"]').getAttribute('data-n'), '1');
    // The map loads when it comes near the viewport.
    await page.locator('#map-title').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="flows-map"]')?.getAttribute('data-fmps') ?? 0) > 0, undefined, { timeout: 60_000 });
    assert.ok(await page.locator('[data-testid="flows-map"] canvas').count(), 'MapLibre drew a canvas');
    await shot(page, 'dashboard-fa');
  });

  await step('alerts: a low threshold on the FMP page, records arrive, the alert is acknowledged', async () => {
    await page.goto(server.url + `/flows/dashboard/fmps/milak?from=${addDays(yesterday, -6)}&to=${today}`);
    await page.locator('[data-testid="flows-thresholds"]').waitFor();
    await page.locator('[data-testid="thresholds-edit"]').click();
    await page.locator('[data-testid="thresholds-form"]').waitFor();
    await page.locator('[data-testid="thresholds-capacity-input"]').fill('۱۰');
    await page.locator('[data-testid="thresholds-daily-input"]').fill('۳');
    await page.locator('[data-testid="thresholds-multiple-input"]').fill('۲٫۵');
    await page.locator('[data-testid="thresholds-window-28"]').check();
    await page.locator('[data-testid="thresholds-save"]').click();
    await page.locator('[data-testid="thresholds-form"]').waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.querySelector('[data-testid="thresholds-capacity"]')?.textContent?.trim() === '۱۰');
    const map = await call(page, 'GET', `/api/v1/flows/map?from=${yesterday}&to=${today}`);
    assert.equal(map.json.find((r: any) => r.fmp === 'milak').capacity_per_day, 10);

    // Two people: under the threshold, no alert; three more the same day: 5 > 3, an alert.
    const record = (men: number) => ({ id: crypto.randomUUID(), fmp: 'milak', date: yesterday, direction: 'out', nationality: 'AFG', men, women: 0, boys: 0, girls: 0, deported: 'no' });
    assert.equal((await call(page, 'POST', '/api/v1/flows/fmr', { records: [record(2)] })).json.created, 1);
    let alerts = await call(page, 'GET', '/api/v1/flows/alerts');
    assert.equal(alerts.json.filter((a: any) => a.fmp === 'milak').length, 0);
    assert.equal((await call(page, 'POST', '/api/v1/flows/fmr', { records: [record(3)] })).json.created, 1);
    alerts = await call(page, 'GET', '/api/v1/flows/alerts');
    const raised = alerts.json.filter((a: any) => a.fmp === 'milak');
    assert.equal(raised.length, 1);
    assert.equal(raised[0].kind, 'above_threshold');

    await page.reload();
    const item = page.locator('[data-testid="flows-alert"][data-fmp="milak"]');
    await item.waitFor();
    assert.equal(await item.getAttribute('data-acknowledged'), 'false');
    assert.match(await item.innerText(), /بیشینه ۵ جابه‌جایی/);
    assert.match(await item.innerText(), /بالاتر از حد روزانه/);
    // The list's open count is the headline's (the same period and filters).
    const headline = await call(page, 'GET', `/api/v1/flows/summary?from=${addDays(yesterday, -6)}&to=${today}&fmp=milak`);
    assert.equal(await page.locator('[data-testid="flows-alerts-count"]').getAttribute('data-open'), String(headline.json.open_alerts));
    await page.locator('#map-title').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.querySelector('[data-testid="flows-map"]')?.getAttribute('data-fmps') === '1', undefined, { timeout: 60_000 });
    await shot(page, 'fmp-page-fa');
    // Acknowledged with a comment, through the selection (bulk) form.
    await item.locator('input[type="checkbox"]').check();
    await page.locator('.flows-alert-bulk input[type="text"]').fill('کاروان بازگشت، پیش‌بینی‌شده');
    await page.locator('[data-testid="alerts-ack-selected"]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="flows-alert"][data-fmp="milak"]')?.getAttribute('data-acknowledged') === 'true');
    alerts = await call(page, 'GET', '/api/v1/flows/alerts');
    assert.ok(alerts.json.find((a: any) => a.id === raised[0].id).acknowledged_at, 'acknowledged on the server');
    const s = await call(page, 'GET', `/api/v1/flows/summary?from=${yesterday}&to=${today}`);
    assert.equal(s.json.open_alerts, 0);

    // The province page lists the point and its alert.
    await page.goto(server.url + `/flows/dashboard/provinces/IR-11?from=${addDays(yesterday, -6)}&to=${today}`);
    await page.locator('[data-testid="flows-fmp-table"]').waitFor();
    assert.match(await page.locator('[data-testid="flows-fmp-table"]').innerText(), /میلک/);
    await page.locator('[data-testid="flows-alert"][data-fmp="milak"]').waitFor();
    await page.locator('#map-title').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="flows-map"]')?.getAttribute('data-fmps') ?? 0) > 1, undefined, { timeout: 60_000 });
    await shot(page, 'province-page-fa');
  });

  await step('mapping editor: header read in the browser, values mapped from the file, saved, used for a dry run', async () => {
    const fixture = join(ROOT, 'src/flows/fixtures/kobo-fmr-export.csv');
    const example = readFileSync(join(ROOT, 'src/flows/mappings/kobo-fmr-example.json'), 'utf8');
    await page.goto(server.url + '/flows/mappings');
    await page.locator('[data-testid="mapping-new"]').click();
    await page.locator('[data-testid="mapping-file"]').setInputFiles(fixture);
    const sample = page.locator('[data-testid="mapping-sample"]');
    await sample.waitFor();
    assert.equal(await sample.getAttribute('data-columns'), '31');
    // `_uuid` was recognised as the record id.
    assert.equal(await page.locator('[data-testid="rule-id-from"]').inputValue(), '_uuid');

    // Start from the example mapping (pasted as JSON), then redo the direction's values by hand.
    await page.locator('.flows-json summary').click();
    await page.locator('.flows-json-text').fill(example);
    await page.locator('.flows-json .btn').first().click();
    await page.locator('[data-testid="mapping-name"]').fill('kobo-e2e');
    const direction = page.locator('details[data-field="direction"]');
    await direction.locator('summary').click();
    await page.locator('[data-testid="rule-direction-values"]').selectOption('inline');
    const table = page.locator('[data-testid="rule-direction-table"]');
    while ((await table.locator('.flows-pair').count()) > 0) await table.locator('.flows-pair .btn').first().click();
    await page.locator('[data-testid="rule-direction-found"]').click();
    assert.equal(await table.locator('.flows-pair').count(), 2, 'two directions are found in the file');
    for (let i = 0; i < 2; i++) {
      const src = await page.locator(`[data-testid="rule-direction-src-${i}"]`).inputValue();
      await page.locator(`[data-testid="rule-direction-dst-${i}"]`).selectOption(src === 'خروجی' ? 'out' : 'in');
    }
    assert.equal(await page.locator('[data-testid="mapping-checks"] .field-error').count(), 0);
    // The preview is checked again once the FMP list has arrived: wait for that, not just for the table.
    await page.locator('[data-testid="mapping-preview"]').filter({ hasText: /dogharoun/ }).waitFor({ timeout: 15_000 }).catch(() => {});
    assert.match(await page.locator('[data-testid="mapping-preview"]').innerText(), /dogharoun/);
    await shot(page, 'mapping-editor-fa');
    await page.locator('[data-testid="mapping-save"]').click();
    await page.locator('.flows-mapping-editor .alert-success').waitFor();

    const saved = (await call(page, 'GET', '/api/v1/flows/mappings')).json.find((m: any) => m.name === 'kobo-e2e');
    assert.ok(saved, 'the mapping is saved');
    assert.deepEqual(saved.mapping.fields.direction.values, { خروجی: 'out', ورودی: 'in' });
    assert.deepEqual(saved.mapping.fields.boys.sum, ['sex_group/پسر_زیر_۵', 'sex_group/پسر_۵_۱۷']);

    // Import page: the file is checked against the mapping, then a dry run lists the four bad rows.
    await page.goto(server.url + '/flows/import?mapping=kobo-e2e');
    await page.locator('#import-file').setInputFiles(fixture);
    const check = page.locator('[data-testid="import-check"]');
    await check.waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="import-check"]')?.getAttribute('data-missing') === '0');
    await page.locator('form button[type="submit"]').click();
    await page.locator('[data-testid="import-problems"]').waitFor({ timeout: 60_000 });
    assert.equal(await page.locator('[data-testid="import-problems"] tbody tr').count(), 4);
  });

  await step('review: correcting time, transport and a vulnerability is kept in the history', async () => {
    const id = crypto.randomUUID();
    await call(page, 'POST', '/api/v1/flows/fmr', { records: [{ id, fmp: 'mehran', date: yesterday, direction: 'in', nationality: 'IRQ', men: 1, women: 1, boys: 0, girls: 0, deported: 'no' }] });
    await page.goto(server.url + '/flows/review?status=all&fmp=mehran');
    await page.locator('[data-testid="review-table"] tbody tr').first().waitFor();
    await page.locator('[data-testid="review-table"] tbody tr button').first().click();
    const form = page.locator('[data-testid="review-correct"]');
    await form.waitFor();
    await form.getByLabel('ساعت', { exact: true }).fill('۱۴:۳۰');
    await form.getByLabel('وسیله نقلیه').selectOption('bus');
    await form.getByLabel('سالمندان (۶۰+)').fill('۱');
    await shot(page, 'review-correct-fa');
    await page.locator('[data-testid="review-save-correction"]').click();
    await form.locator('.alert-success').waitFor();
    const r = (await call(page, 'GET', `/api/v1/flows/fmr/${id}`)).json;
    assert.equal(r.time, '14:30');
    assert.equal(r.transport, 'bus');
    assert.equal(r.elderly, 1);
    assert.equal(r.history.at(-1).action, 'correct');
  });

  await step('survey questions: listed by module; a question edited and hidden', async () => {
    await page.goto(server.url + '/flows/questions');
    const row = page.locator('[data-testid="question-row"][data-code="intended_stay"]');
    await row.waitFor();
    await shot(page, 'questions-fa');
    await row.locator('.btn').first().click();
    const form = page.locator('[data-testid="question-form"]');
    await form.waitFor();
    await page.locator('[data-testid="question-text-fa"]').fill('مدت اقامت مورد نظر در مقصد');
    await shot(page, 'question-edit-fa');
    await page.locator('[data-testid="question-save"]').click();
    await form.waitFor({ state: 'detached' });
    await row.locator('.btn').nth(1).click(); // hide from the form
    await page.waitForFunction(() => document.querySelector('[data-testid="question-row"][data-code="intended_stay"]')?.classList.contains('flows-inactive'));
    const q = (await call(page, 'GET', '/api/v1/flows/fms/questions')).json.find((x: any) => x.code === 'intended_stay');
    assert.equal(q.text_fa, 'مدت اقامت مورد نظر در مقصد');
    assert.equal(q.active, false);
    // The survey form no longer asks it.
    await page.goto(server.url + '/flows/survey');
    await page.locator('[data-testid="fms-adult"]').check();
    await page.locator('[data-testid="fms-consent-yes"]').click();
    await page.locator('[data-testid="fms-q-documents-passport"]').waitFor();
    assert.equal(await page.locator('[data-testid="fms-q-intended_stay-lt_1m"]').count(), 0);
  });

  await step('dates: a half-typed filter date is never applied; an impossible one is refused with a message', async () => {
    await page.goto(server.url + '/flows/review');
    const from = page.locator('.flows-filters .date-input').first();
    await from.waitFor();
    const applied = () => new URL(page.url()).searchParams.get('from');
    await from.pressSequentially('۱۴۰۴/۰۵/۱');
    await page.waitForTimeout(300);
    assert.equal(applied(), null, 'nothing applied while the day is half typed');
    await from.pressSequentially('۲');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('from') === '2025-08-03');
    await from.fill('');
    await page.waitForFunction(() => !new URL(location.href).searchParams.get('from'));
    await from.pressSequentially('2026-02-30');
    await from.blur();
    assert.equal(await from.getAttribute('aria-invalid'), 'true', 'refused with a message');
    assert.equal(applied(), null, 'an impossible date is not applied');
  });

  await step('no errors in the page', async () => {
    const errors = errorsOf(page).filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(e));
    assert.deepEqual(errors, []);
  });
});
