// The installable offline app on a phone-sized screen: an enumerator (Khorasan Razavi only)
// signs in and opens the entry form; the network goes; a reload still shows the entry form (the
// service worker's shell, files and kept answers), and so does the survey form; a record saved offline is sent once when the
// network returns; a record the server refuses (an FMP outside the enumerator's province, 403)
// is shown as refused with the reason and kept for correction, never retried as "no
// connection"; sign-out wipes what the device kept, so an offline reload then shows sign-in.
//   node --import tsx --test test/e2e/offline.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addDays, todayIso } from '../../src/platform/calendar.ts';
import { ADMIN, SKIP_REASON, chromiumPath, errorsOf, launchBrowser, newPage, setupAdmin, signIn, startServer } from './harness.ts';
import type { Page } from 'playwright-core';

const chrome = chromiumPath();
if (!chrome) console.log(`# ${SKIP_REASON}`);

const ENUMERATOR = { username: 'enum.dogharoun', password: 'field-phone-2026-dogharoun' };

/** Polls an in-page check (which may be async) until it is true. */
async function until(page: Page, fn: () => Promise<boolean> | boolean, what: string, ms = 30_000) {
  const end = Date.now() + ms;
  for (;;) {
    if (await page.evaluate(fn).catch(() => false)) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await page.waitForTimeout(250);
  }
}

test('offline app: reload without a network shows the entry form; a record saved offline is sent once; a refused one keeps its reason; sign-out wipes the device', { skip: chrome ? false : SKIP_REASON, timeout: 300_000 }, async (t) => {
  const server = await startServer();
  const browser = await launchBrowser();
  t.after(() => Promise.all([browser.close(), server.stop()]));

  // The administrator makes an enumerator for Khorasan Razavi (IR-09) only.
  const adminPage = await newPage(browser);
  await setupAdmin(adminPage, server, ADMIN);
  await signIn(adminPage, server, ADMIN);
  const created = await adminPage.evaluate(async (u) => {
    const s = await (await fetch('/api/v1/auth/session')).json();
    const r = await fetch('/api/v1/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrf_token },
      body: JSON.stringify({ username: u.username, display_name: 'Dogharoun enumerator', password: u.password, assignments: [{ role: 'enumerator', provinces: ['IR-09'] }] }),
    });
    return { status: r.status, body: await r.text() };
  }, ENUMERATOR);
  assert.equal(created.status, 201, created.body);

  const page = await newPage(browser, { locale: 'en', viewport: { width: 390, height: 844 } });
  await signIn(page, server, ENUMERATOR);
  await page.goto(server.url + '/flows/entry');
  await page.locator('[data-testid="fmr-fmp"] option[value="dogharoun"]').waitFor({ state: 'attached' });

  // The service worker controls the page, has stored the app and keeps the user's answers.
  await until(page, () => navigator.serviceWorker.controller !== null, 'the service worker', 90_000);
  await until(page, async () => (await caches.keys()).some((k) => k.startsWith('marz-shell-')) && !!(await caches.match('/')), 'the stored shell', 90_000);
  await until(page, async () => !!(await (await caches.open('marz-api')).match('/api/v1/auth/session')), 'the kept session', 90_000);
  const manifest = await page.evaluate(async () => (await fetch('/manifest.webmanifest')).json());
  assert.equal(manifest.display, 'standalone', 'an installable app');

  // No network from here; the page is reloaded.
  await page.context().setOffline(true);
  await page.reload();
  await page.locator('[data-testid="fmr-form"]').waitFor({ timeout: 60_000 });
  assert.match(page.url(), /\/flows\/entry$/);
  await page.locator('[data-testid="fmr-fmp"] option[value="dogharoun"]').waitFor({ state: 'attached' });
  await page.locator('[data-testid="offline-banner"]').waitFor();
  // Offline too, the form offers only the enumerator's province's FMPs (the kept ?usable_for= answer).
  assert.ok(await page.evaluate(async () => !!(await caches.match('/api/v1/places/fmps?usable_for=flows.submit', { cacheName: 'marz-api' }))), 'the FMPs the user may submit for are kept');
  assert.equal(await page.locator('[data-testid="fmr-fmp"] option[value="mehran"]').count(), 0, 'no FMP of another province is offered');
  // The survey form opens offline too, with its FMPs and the kept questions.
  await page.goto(server.url + '/flows/survey');
  await page.locator('[data-testid="fms-fmp"] option[value="dogharoun"]').waitFor({ state: 'attached', timeout: 60_000 });
  await page.locator('[data-testid="fms-consent"]').first().waitFor({ state: 'attached' });
  assert.ok(await page.evaluate(async () => !!(await caches.match('/api/v1/flows/fms/questions', { cacheName: 'marz-api' }))), 'the survey questions are kept');
  await page.goto(server.url + '/flows/entry');
  await page.locator('[data-testid="fmr-form"]').waitFor({ timeout: 60_000 });

  const day = addDays(todayIso('Asia/Tehran'), -1);
  await page.locator('[data-testid="fmr-fmp"]').selectOption('dogharoun');
  await page.locator('#fmr-date').fill(day);
  await page.locator('[data-testid="fmr-direction-out"]').check();
  await page.locator('[data-testid="fmr-nationality"]').selectOption('AFG');
  await page.locator('[data-testid="fmr-men"]').fill('2');
  await page.locator('[data-testid="fmr-women"]').fill('1');
  await page.locator('[data-testid="fmr-boys"]').fill('0');
  await page.locator('[data-testid="fmr-girls"]').fill('1');
  await page.locator('[data-testid="fmr-deported-no"]').check();
  await page.locator('[data-testid="fmr-save"]').click();
  await until(page, () => JSON.parse(localStorage.getItem('marz.flows.queue.v1') ?? '[]').length === 1, 'the record in the queue');
  const [saved] = await page.evaluate(() => JSON.parse(localStorage.getItem('marz.flows.queue.v1') ?? '[]'));
  assert.equal(saved.record.fmp, 'dogharoun');

  // A second record for an FMP of another province (Mehran, Ilam) waits too, as a record kept
  // from an earlier assignment would: the server will refuse it (403).
  const refusedId = '0f8fad5b-d9cb-469f-a165-70867728950e';
  await page.evaluate(
    ([entry, id]) => {
      const all = JSON.parse(localStorage.getItem('marz.flows.queue.v1') ?? '[]');
      all.push({ ...entry, id, rev: 'x1', record: { ...entry.record, id, fmp: 'mehran' } });
      localStorage.setItem('marz.flows.queue.v1', JSON.stringify(all));
    },
    [saved, refusedId] as const,
  );
  // The queue survives a restart: a reload offline still has both.
  await page.reload();
  await page.locator('[data-testid="fmr-form"]').waitFor();
  await page.locator('[data-testid="fmr-waiting"] [data-testid="fmr-queued"]').nth(1).waitFor();

  // The network returns: the waiting records are sent.
  await page.context().setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  const refused = page.locator('[data-testid="fmr-refused"] [data-testid="fmr-queued"]');
  await refused.waitFor({ timeout: 60_000 });
  await until(page, () => JSON.parse(localStorage.getItem('marz.flows.queue.v1') ?? '[]').length === 1, 'the sent record to leave the queue', 60_000);
  const left = await page.evaluate(() => JSON.parse(localStorage.getItem('marz.flows.queue.v1') ?? '[]'));
  assert.equal(left[0].id, refusedId, 'only the refused record stays on the device');
  assert.ok(left[0].problems?.length, 'with the server\'s reason');
  assert.ok(!left[0].lastError, 'not as a lost connection');
  assert.doesNotMatch(await refused.innerText(), /No connection/i);
  assert.ok((await refused.innerText()).trim().length > 20, 'the reason is shown');
  assert.equal(await page.locator('[data-testid="fmr-waiting"]').count(), 0, 'nothing else waits');

  // Stored once, however often the page sends: one more round of sending changes nothing.
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await page.waitForTimeout(1500);
  const check = await adminPage.evaluate(async ([d, id]) => {
    const list = await (await fetch(`/api/v1/flows/fmr?from=${d}&to=${d}&fmp=dogharoun&limit=100`)).json();
    const other = await fetch(`/api/v1/flows/fmr/${id}`);
    return { total: list.total, ids: list.records.map((r: any) => r.id), other: other.status };
  }, [day, refusedId] as const);
  assert.equal(check.total, 1, JSON.stringify(check));
  assert.deepEqual(check.ids, [saved.id]);
  assert.equal(check.other, 404, 'the refused record is not on the server');

  // Sign-out: the device keeps nothing of the user (asked first, since a record is unsent).
  page.once('dialog', (d) => void d.accept());
  await page.locator('.user-menu .user-button').click();
  await page.locator('.user-menu .menu-item', { hasText: /sign out/i }).click();
  await page.waitForURL(/\/sign-in/);
  const kept = await page.evaluate(async () => ({
    keys: Object.keys(localStorage).filter((k) => k.startsWith('marz.flows.')),
    session: !!(await caches.match('/api/v1/auth/session', { cacheName: 'marz-api' })),
  }));
  assert.deepEqual(kept, { keys: [], session: false });
  await page.context().setOffline(true);
  await page.goto(server.url + '/flows/entry').catch(() => null);
  await page.locator('input[name="username"]').waitFor({ timeout: 60_000 });
  assert.equal(await page.locator('[data-testid="fmr-form"]').count(), 0, 'the entry form is not shown to nobody');
  await page.context().setOffline(false);

  const errors = errorsOf(page).filter((e) => !/Failed to load resource|net::ERR_INTERNET_DISCONNECTED|sign-out cancelled/.test(e));
  assert.deepEqual(errors, []);
});
