// Protection in the browser, in Persian, on a phone-sized screen: a case worker screens a child
// at a point of entry (the best-interests step appears and is required), the case opens with the
// name, nothing about the person stays in the browser's storage; a screening made without a
// connection waits encrypted and is sent when the connection returns; the statistics page shows
// the small count suppressed.
//   node --import tsx --test test/e2e/protection.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, SKIP_REASON, chromiumPath, errorsOf, launchBrowser, newPage, setupAdmin, signIn, startServer } from './harness.ts';

const chrome = chromiumPath();
if (!chrome) console.log(`# ${SKIP_REASON}`);
const NAME = 'سمیراآزمون';
const NAME2 = 'نادرآزمون';

test('a child screened on a phone in Persian: best-interests step, case with the name, nothing kept in the browser, suppressed statistics', { skip: chrome ? false : SKIP_REASON, timeout: 300_000 }, async (t) => {
  const server = await startServer();
  const browser = await launchBrowser();
  t.after(() => Promise.all([browser.close(), server.stop()]));
  const admin = await newPage(browser, { locale: 'fa' });
  await setupAdmin(admin, server, { ...ADMIN, locale: 'fa' });
  await signIn(admin, server, ADMIN);
  const csrf = (await (await admin.request.get(`${server.url}/api/v1/auth/session`)).json()).csrf_token;
  const agencies = await (await admin.request.get(`${server.url}/api/v1/agencies`)).json();
  const iom = agencies.find((a: any) => a.code === 'iom').id;
  const created = await admin.request.post(`${server.url}/api/v1/users`, {
    headers: { 'x-csrf-token': csrf },
    data: { username: 'caseworker', display_name: 'Case worker', password: 'case worker password', locale: 'fa', agency_id: iom, assignments: [{ role: 'protection_case_worker', agency_ids: [iom], provinces: null }] },
  });
  assert.equal(created.status(), 201, await created.text());

  const page = await newPage(browser, { locale: 'fa', viewport: { width: 390, height: 844 } });
  await signIn(page, server, { username: 'caseworker', password: 'case worker password' });
  await page.goto(`${server.url}/protection/screen`);
  await page.getByRole('heading', { name: 'غربالگری در نقطهٔ مرزی' }).waitFor();
  await page.getByLabel('نقطهٔ مرزی یا پایش').selectOption('dogharoun');
  await page.getByLabel('جنس', { exact: true }).selectOption('female');
  await page.getByLabel('سن', { exact: true }).fill('15');
  await page.getByLabel('تابعیت', { exact: true }).fill('AFG');
  await page.getByLabel('نام', { exact: true }).fill(NAME);
  await page.getByLabel('فریب', { exact: true }).check();
  await page.getByLabel('نتیجه', { exact: true }).selectOption('urgent');
  await page.getByRole('checkbox', { name: 'کودک' }).check();
  // The best-interests step appears for a child and is required.
  await page.getByRole('group', { name: 'بررسی منافع عالیه کودک' }).waitFor();
  await page.getByLabel('جدا مانده یا بدون همراه').check();
  await page.getByLabel('ارزیابی منافع عالیه').fill('بدون همراه؛ به سرپرستی موقت ارجاع شد.');
  await page.getByLabel('شمارش در آمار مجاز است').check();
  await page.getByRole('button', { name: 'ثبت غربالگری' }).click();
  await page.getByText('غربالگری ثبت شد.').waitFor();
  assert.equal(await page.getByLabel('نام', { exact: true }).inputValue(), '', 'the form is emptied after sending');

  // Nothing about the person is kept in the browser.
  const stored = await page.evaluate(async () => {
    const local = JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage });
    const dbs = (await indexedDB.databases?.()) ?? [];
    return { local, dbs: dbs.map((d) => d.name) };
  });
  assert.ok(!stored.local.includes(NAME));

  // Without a connection: the screening waits on the phone, encrypted, and goes when the connection returns.
  await page.context().setOffline(true);
  await page.getByLabel('نقطهٔ مرزی یا پایش').selectOption('dogharoun');
  await page.getByLabel('جنس', { exact: true }).selectOption('male');
  await page.getByLabel('سن', { exact: true }).fill('32');
  await page.getByLabel('نام', { exact: true }).fill(NAME2);
  await page.getByLabel('نتیجه', { exact: true }).selectOption('possible_victim');
  await page.getByLabel('شمارش در آمار مجاز است').check();
  await page.getByRole('button', { name: 'ثبت غربالگری' }).click();
  await page.getByText('اتصال برقرار نیست: غربالگری رمزگذاری‌شده روی این دستگاه ماند').waitFor();
  const queued = await page.evaluate(() => localStorage.getItem('marz.flows.queue.protection-screenings'));
  assert.ok(queued && JSON.parse(queued).length === 1, 'one screening waits');
  assert.ok(!queued.includes(NAME2) && !queued.includes('dogharoun'), 'what waits on the device is encrypted');
  await page.context().setOffline(false);
  await page.getByText('ماندهٔ این دستگاه فرستاده شد').waitFor();
  assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem('marz.flows.queue.protection-screenings') ?? '[]').length), 0);

  await page.getByRole('link', { name: 'باز کردن پرونده' }).click();
  await page.getByRole('heading', { name: 'پروندهٔ حمایت' }).waitFor();
  await page.getByText(NAME).waitFor();

  await page.goto(`${server.url}/protection/stats`);
  await page.getByRole('heading', { name: 'آمار حمایت' }).waitFor();
  await page.getByText('۰ پرونده بدون رضایت آماری کنار گذاشته شد.').waitFor();
  const cells = page.locator('table tbody td:last-child');
  await cells.first().waitFor();
  assert.equal(await cells.first().innerText(), '—', 'one case is below k: suppressed');
  const list = await (await page.request.get(`${server.url}/api/v1/protection/cases`)).json();
  assert.equal(list.items.length, 2, 'the screening kept offline reached the server');
  assert.ok(list.items.some((c: any) => c.given_name === NAME2));
  // Offline, the failed requests are expected; nothing else may fail.
  assert.deepEqual(errorsOf(page).filter((e) => !/status of 401|ERR_INTERNET_DISCONNECTED|Failed to fetch/.test(e)), []);
});
