// Flow monitoring in the browser, in Persian: an enumerator enters an FMR record at Dogharoun
// with a Jalali date typed in Persian digits while OFFLINE; the record waits in the browser's
// queue (badge "۱ رکورد در انتظار ارسال"), is sent when the connection returns, is stored once,
// and its group size appears as the movements on the dashboard for that period and FMP.
// Then a user limited to one province (Khorasan Razavi) finds only that province's FMPs in the
// entry form, and only its FMPs and the province itself in the dashboard's filters.
//   node --import tsx --test test/e2e/flows.test.ts
// Set FLOWS_SHOTS=<dir> to keep phone-sized screenshots of the form and the dashboard.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { addDays, formatJalali, todayIso } from '../../src/platform/calendar.ts';
import { ADMIN, SKIP_REASON, chromiumPath, errorsOf, launchBrowser, newPage, setupAdmin, signIn, startServer } from './harness.ts';

const chrome = chromiumPath();
if (!chrome) console.log(`# ${SKIP_REASON}`);

test('FMR entered offline in Persian with a Jalali date is sent once when back online and counted on the dashboard', { skip: chrome ? false : SKIP_REASON, timeout: 300_000 }, async (t) => {
  const server = await startServer();
  const browser = await launchBrowser();
  t.after(() => Promise.all([browser.close(), server.stop()]));
  const page = await newPage(browser, { locale: 'en', viewport: { width: 390, height: 844 } });
  const shots = process.env.FLOWS_SHOTS;

  await setupAdmin(page, server, ADMIN);
  await signIn(page, server, ADMIN);

  // Switch the interface to Persian.
  await page.locator('.lang-switch').click();
  await page.waitForFunction(() => document.documentElement.dir === 'rtl' && document.documentElement.lang === 'fa');

  await page.goto(server.url + '/flows/entry');
  await page.locator('[data-testid="fmr-fmp"] option[value="dogharoun"]').waitFor({ state: 'attached' });
  const badge = page.locator('[data-testid="flows-pending"]').first();
  await assert.doesNotReject(() => badge.waitFor());
  assert.equal(await badge.getAttribute('data-count'), '0');

  const yesterday = addDays(todayIso('Asia/Tehran'), -1);
  const jalali = formatJalali(yesterday, { digits: 'fa' }); // e.g. ۱۴۰۴/۰۵/۱۱
  assert.match(jalali, /^[۰-۹]{4}\/[۰-۹]{2}\/[۰-۹]{2}$/);

  // Offline from here.
  await page.context().setOffline(true);
  await page.locator('[data-testid="fmr-fmp"]').selectOption('dogharoun');
  await page.locator('#fmr-date').fill(jalali);
  assert.equal(await page.locator('#fmr-date').getAttribute('data-iso'), yesterday, 'the Jalali date typed in Persian digits is read as yesterday');
  await page.locator('[data-testid="fmr-direction-in"]').check();
  await page.locator('[data-testid="fmr-nationality"]').selectOption('AFG');
  await page.locator('[data-testid="fmr-men"]').fill('۲');
  await page.locator('[data-testid="fmr-women"]').fill('۱');
  await page.locator('[data-testid="fmr-boys"]').fill('۱');
  await page.locator('[data-testid="fmr-girls"]').fill('۱');
  const groupSize = 5;
  await page.locator('[data-testid="fmr-deported-yes"]').check();
  await page.locator('[data-testid="fmr-save"]').click();

  await page.waitForFunction(() => document.querySelector('[data-testid="flows-pending"]')?.getAttribute('data-count') === '1');
  assert.match(await badge.innerText(), /۱ رکورد در انتظار ارسال/);
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('marz.flows.queue.v1') ?? '[]'));
  assert.equal(stored.length, 1, 'the record is kept in the browser');
  const id = stored[0].id as string;
  assert.match(id, /^[0-9a-f-]{36}$/);
  if (shots) await page.screenshot({ path: join(shots, 'flows-entry-fa.png'), fullPage: true });

  // Back online: the 'online' event sends the queue.
  await page.context().setOffline(false);
  await page.waitForFunction(() => document.querySelector('[data-testid="flows-pending"]')?.getAttribute('data-count') === '0', undefined, { timeout: 45_000 });
  assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem('marz.flows.queue.v1') ?? '[]').length), 0, 'the queue is empty');

  // Stored exactly once.
  const list = await page.evaluate(async (q) => (await fetch('/api/v1/flows/fmr?' + q)).json(), new URLSearchParams({ fmp: 'dogharoun', from: yesterday, to: yesterday, status: 'all' }).toString());
  assert.equal(list.total, 1);
  assert.equal(list.records[0].id, id);
  assert.equal(list.records[0].date, yesterday);
  assert.equal(list.records[0].men + list.records[0].women + list.records[0].boys + list.records[0].girls, groupSize);

  // Resending the same record is a duplicate, not a second record.
  const again = await page.evaluate(async (rec) => {
    const s = await (await fetch('/api/v1/auth/session')).json();
    const r = await fetch('/api/v1/flows/fmr', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrf_token }, body: JSON.stringify({ records: [rec] }) });
    return r.json();
  }, stored[0].record);
  assert.equal(again.duplicates, 1);

  // The dashboard for a period containing that day, at Dogharoun.
  await page.goto(server.url + `/flows/dashboard?from=${addDays(yesterday, -6)}&to=${todayIso('Asia/Tehran')}&fmp=dogharoun`);
  const movements = page.locator('[data-testid="flows-individuals"]');
  await movements.waitFor();
  assert.equal(await movements.getAttribute('data-value'), String(groupSize));
  assert.equal((await movements.innerText()).trim(), '۵', 'shown in Persian digits');
  // The chart is drawn when it comes near the viewport.
  await page.locator('[data-testid="flows-chart"]').scrollIntoViewIfNeeded();
  await page.locator('[data-testid="flows-chart"] svg').waitFor({ timeout: 20_000 });
  if (shots) {
    await page.screenshot({ path: join(shots, 'flows-dashboard-fa.png'), fullPage: true });
    await page.locator('[data-testid="flows-chart"]').screenshot({ path: join(shots, 'flows-chart-fa.png') });
  }

  // The review page lists the record; the import page shows its form.
  await page.goto(server.url + `/flows/review?status=all&fmp=dogharoun`);
  await page.locator('[data-testid="review-table"] tbody tr').first().waitFor();
  assert.equal(await page.locator('[data-testid="review-table"] tbody tr').count(), 1);
  await page.goto(server.url + '/flows/import');
  await page.locator('#import-file').waitFor();

  const errors = errorsOf(page).filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(e));
  assert.deepEqual(errors, []);

  // A user limited to Khorasan Razavi (IR-09): enters records and reads dashboards there only.
  const all: { code: string; province_code: string; active: boolean }[] = await page.evaluate(async () => (await fetch('/api/v1/places/fmps')).json());
  const khorasan = all.filter((f) => f.province_code === 'IR-09');
  assert.ok(khorasan.some((f) => f.code === 'dogharoun'), 'Dogharoun is in Khorasan Razavi');
  assert.ok(all.some((f) => f.province_code !== 'IR-09' && f.active), 'there are open FMPs elsewhere to leave out');
  const local = { username: 'enumerator.khorasan', password: 'Khorasan-enumerator-5!pass' };
  const created = await page.evaluate(async (u) => {
    const s = await (await fetch('/api/v1/auth/session')).json();
    const r = await fetch('/api/v1/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrf_token },
      body: JSON.stringify({ username: u.username, display_name: u.username, password: u.password, locale: 'en', assignments: [{ role: 'enumerator', provinces: ['IR-09'] }, { role: 'viewer', provinces: ['IR-09'] }] }),
    });
    return { status: r.status, text: await r.text() };
  }, local);
  assert.equal(created.status, 201, created.text);
  const limited = await newPage(browser, { locale: 'en', viewport: { width: 390, height: 844 } });
  await signIn(limited, server, local);
  const optionValues = (testId: string) => limited.locator(`[data-testid="${testId}"] option`).evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean).sort());
  // The entry form: Khorasan Razavi's open FMPs, nothing else.
  await limited.goto(server.url + '/flows/entry');
  await limited.locator('[data-testid="fmr-fmp"] option[value="dogharoun"]').waitFor({ state: 'attached' });
  assert.deepEqual(await optionValues('fmr-fmp'), khorasan.filter((f) => f.active).map((f) => f.code).sort(), 'the entry form offers only the open FMPs of Khorasan Razavi');
  // The dashboard's filters: its FMPs and the one province.
  await limited.goto(server.url + '/flows/dashboard');
  await limited.locator('[data-testid="dash-fmp"] option[value="dogharoun"]').waitFor({ state: 'attached' });
  await limited.locator('[data-testid="dash-province"] option[value="IR-09"]').waitFor({ state: 'attached' });
  assert.deepEqual(await optionValues('dash-fmp'), khorasan.map((f) => f.code).sort(), 'the FMP filter offers only Khorasan Razavi\'s FMPs');
  assert.deepEqual(await optionValues('dash-province'), ['IR-09'], 'the province filter offers only Khorasan Razavi');
  // (The sign-in page's session check answers 401 before signing in: a console line, not an error of the app.)
  assert.deepEqual(errorsOf(limited).filter((e) => !/Failed to load resource/.test(e)), []);
});
