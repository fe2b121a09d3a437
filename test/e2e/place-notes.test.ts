// Place notes in Persian (issue 12.6): a Persian page shows a point of entry's note and how its
// location was found in Persian, a province's note and its neighbours' maritime boundaries; the English page keeps the English.
//   node --import tsx --test test/e2e/place-notes.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, SKIP_REASON, chromiumPath, errorsOf, launchBrowser, newPage, setupAdmin, signIn, startServer } from './harness.ts';
import { GEO } from '../../src/places/seed.ts';

const chrome = chromiumPath();
if (!chrome) console.log(`# ${SKIP_REASON}`);

test('Persian pages show place notes in Persian, English pages in English', { skip: chrome ? false : SKIP_REASON, timeout: 240_000 }, async (t) => {
  const server = await startServer();
  const browser = await launchBrowser();
  t.after(() => Promise.all([browser.close(), server.stop()]));
  const page = await newPage(browser, { locale: 'fa' });
  await setupAdmin(page, server, { ...ADMIN, locale: 'fa' });
  await signIn(page, server, ADMIN);
  const dogharoun = GEO.crossings.find((c: any) => c.id === 'dogharoun');

  await page.goto(`${server.url}/places/points-of-entry/dogharoun`);
  await page.getByText(dogharoun.notes_fa).waitFor();
  await page.getByText(dogharoun.coord_method_fa).waitFor();
  const facts = await page.locator('dl.facts').innerText();
  assert.ok(!facts.includes(dogharoun.notes), 'no English note on the Persian page');

  await page.goto(`${server.url}/places/provinces/IR-24`);
  await page.getByText(GEO.provinces.find((p: any) => p.iso_3166_2 === 'IR-24').notes_fa).waitFor();
  await page.goto(`${server.url}/places/provinces/IR-11`);
  await page.getByTestId('maritime-notes').getByText('دریای عمان (خلیج گواتر)').waitFor();

  const en = await newPage(browser, { locale: 'en' });
  await en.goto(`${server.url}/places/points-of-entry/dogharoun`);
  await en.getByText(dogharoun.notes).waitFor();
  assert.deepEqual([...errorsOf(page), ...errorsOf(en)].filter((e) => !/status of 401/.test(e)), []); // 401: the session probe before signing in
});
