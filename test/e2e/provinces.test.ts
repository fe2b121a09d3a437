// Capacity and provinces in the browser, in Persian: an attendance sheet is imported into a new
// training from the web page, the training shows its participants, the province profile counts
// them exactly (by sex, in Persian digits) and offers its PDF, the national comparison lists
// every province, and an internal-mobility file fills the origin–destination matrix.
//   node --import tsx --test test/e2e/provinces.test.ts
// Set PROV_SHOTS=<dir> to keep screenshots.
import { test } from 'node:test';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { ADMIN, SKIP_REASON, chromiumPath, errorsOf, launchBrowser, newPage, setupAdmin, signIn, startServer } from './harness.ts';

const chrome = chromiumPath();
if (!chrome) console.log(`# ${SKIP_REASON}`);

const SHEET = [
  'name,sex,agency,province,position,pre_score,post_score,sessions_attended',
  'علی رضایی,male,moi,IR-11,کارشناس,40,80,3',
  'زهرا كريمي,female,border-guard,IR-11,افسر,50,70,3',
  'مریم نوری,female,وزارت کشور,IR-11,کارشناس,,,2',
  'Reza Ahmadi,male,ircs,IR-09,Volunteer,,,1',
].join('\n');
const MOBILITY = ['round,origin_province,origin_county,destination_province,destination_county,kind,individuals,households', '1,IR-11,زاهدان,IR-23,,movement,1200,300', '1,IR-09,,IR-11,,movement,400,', '1,IR-23,,IR-11,,return,150,40'].join('\n');

test('an attendance sheet imported in the web app is counted on the Persian province profile; comparison and mobility pages', { skip: chrome ? false : SKIP_REASON, timeout: 300_000 }, async (t) => {
  const server = await startServer();
  const browser = await launchBrowser();
  t.after(() => Promise.all([browser.close(), server.stop()]));
  const page = await newPage(browser, { locale: 'fa' });
  await setupAdmin(page, server, { ...ADMIN, locale: 'fa' });
  await signIn(page, server, ADMIN);

  // Import the sheet into a training that does not exist yet.
  await page.goto(`${server.url}/capacity/trainings`);
  await page.getByRole('heading', { name: 'درون‌برد فهرست حضور' }).waitFor();
  await page.getByLabel('کد', { exact: true }).first().fill('GCM-1404-01');
  await page.getByLabel('عنوان، اگر دوره تازه است').fill('کارگاه حکمرانی مرز');
  await page.getByTestId('attendance-file').setInputFiles({ name: 'sheet.csv', mimeType: 'text/csv', buffer: Buffer.from(SHEET) });
  await page.waitForURL(/\/capacity\/trainings\/GCM-1404-01$/);
  await page.getByRole('heading', { name: 'کارگاه حکمرانی مرز' }).waitFor();
  const rows = page.getByTestId('participants-table').locator('tbody tr');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 4);
  assert.match(await page.getByTestId('participants-table').innerText(), /زهرا کریمی/, 'Arabic letters were stored as Persian');
  assert.equal(await page.getByTestId('training-participants').innerText(), '۴');
  // Running it: a session with attendance, and an evaluation form.
  await page.getByLabel('عنوان جلسه').fill('افتتاحیه');
  await page.getByRole('button', { name: 'افزودن جلسه' }).click();
  await page.getByText('افتتاحیه').waitFor();
  await page.getByLabel('علی رضایی').check();
  await page.getByRole('button', { name: 'ذخیرهٔ حضور' }).click();
  await page.getByText('۱ نفر حاضر').waitFor();
  await page.getByRole('button', { name: 'افزودن ارزشیابی' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="training-evaluations"]')?.textContent === '۱');

  // The province profile counts them exactly, in Persian digits; its PDF is there.
  await page.goto(`${server.url}/provinces/IR-11`);
  await page.getByRole('heading', { name: 'نیم‌رخ استان سیستان و بلوچستان' }).waitFor();
  assert.equal(await page.getByTestId('profile-participants').innerText(), '۳');
  assert.equal(await page.getByTestId('profile-participants-male').innerText(), '۱');
  assert.equal(await page.getByTestId('profile-participants-female').innerText(), '۲');
  assert.equal(await page.getByTestId('profile-individuals').innerText(), '۰');
  const shots = process.env.PROV_SHOTS;
  if (shots) await page.screenshot({ path: join(shots, 'profile-fa.png'), fullPage: true });
  const pdf = await page.request.get(server.url + (await page.getByTestId('profile-pdf-fa').getAttribute('href'))!);
  assert.equal(pdf.status(), 200);
  assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');
  if (shots) {
    const print = await newPage(browser, { locale: 'fa' });
    await print.context().addCookies(await page.context().cookies());
    await print.goto(`${server.url}/api/v1/provinces/IR-11/profile.html?lang=fa`);
    await print.emulateMedia({ media: 'print' });
    await print.screenshot({ path: join(shots, 'profile-print-fa.png'), fullPage: true });
  }

  // The national comparison lists every province, with the trained officials.
  await page.goto(`${server.url}/provinces`);
  const table = page.getByTestId('provinces-comparison');
  await table.locator('tbody tr').first().waitFor();
  assert.equal(await table.locator('tbody tr').count(), 31);
  assert.equal(await table.locator('tr[data-code="IR-11"] td[data-metric="participants"]').innerText(), '۳');
  if (shots) (await page.waitForTimeout(2000), await page.screenshot({ path: join(shots, 'comparison-fa.png') }));

  // A provincial need recorded in the web app shows on the needs page.
  await page.goto(`${server.url}/provinces/needs`);
  const form = page.getByRole('form', { name: 'ثبت نیاز' });
  await form.getByLabel('استان').selectOption('IR-11');
  await form.getByLabel('نیاز', { exact: true }).fill('مرکز پذیرش در میرجاوه');
  await form.getByLabel('اهداف پیمان جهانی مهاجرت').fill('۱۱');
  await form.getByRole('button', { name: 'ثبت نیاز' }).click();
  await page.getByTestId('needs-table').getByText('مرکز پذیرش در میرجاوه').waitFor();
  assert.match(await page.getByTestId('needs-table').innerText(), /هدف پیمان جهانی ۱۱/);

  // Internal mobility from a file: the matrix and the totals.
  await page.goto(`${server.url}/provinces/mobility`);
  await page.getByLabel('درون‌برد پرونده').setInputFiles({ name: 'mobility.csv', mimeType: 'text/csv', buffer: Buffer.from(MOBILITY) });
  await page.getByText('۳ آمار افزوده و ۰ به‌روز شد.').waitFor();
  const matrix = page.getByTestId('od-matrix');
  await matrix.waitFor();
  assert.match(await matrix.innerText(), /۱٬۲۰۰/);
  if (shots) (await page.waitForTimeout(2000), await page.screenshot({ path: join(shots, 'mobility-fa.png'), fullPage: true }));
  // The 401 of the session check before signing in is expected; nothing else may fail.
  assert.deepEqual(errorsOf(page).filter((e) => !/status of 401/.test(e)), []);
});
