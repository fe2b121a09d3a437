// The web app's foundation, end to end in Chromium: first-run setup through the one-time
// link, sign-in, switching to Persian (right-to-left, Solar Hijri date with Persian digits),
// the choice surviving a reload, the map with its 31 provinces, a Jalali date in the audit
// filter, an administrator creating a user, and signing out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { todayIso } from '../../src/platform/calendar.ts';
import { ADMIN, SKIP_REASON, chromiumPath, errorsOf, launchBrowser, newPage, setupAdmin, signIn, startServer } from './harness.ts';

const chrome = chromiumPath();

test('foundation: setup, sign-in, Persian, map, users, sign-out', { skip: chrome ? false : SKIP_REASON, timeout: 240_000 }, async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const browser = await launchBrowser();
  t.after(() => browser.close());
  const page = await newPage(browser, { locale: 'en' });
  page.setDefaultTimeout(20_000);
  // Each step needs the ones before it: after a failure the rest are skipped (and say why).
  let failed: string | null = null;
  const step = (name: string, fn: () => Promise<void> | void) =>
    t.test(name, async (st) => {
      if (failed) return st.skip(`skipped: the step "${failed}" failed`);
      try {
        await fn();
      } catch (e) {
        failed = name;
        throw e;
      }
    });

  await step('first-run setup through the one-time link, then sign in', async () => {
    assert.ok(server.setupLink, 'the server printed a setup link');
    await setupAdmin(page, server, ADMIN);
    await signIn(page, server, ADMIN);
    assert.equal(new URL(page.url()).pathname, '/');
    await page.getByRole('heading', { level: 1, name: /Welcome/ }).waitFor();
    await page.locator('[data-testid="count-provinces"] .stat-number', { hasText: '31' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'ltr');
  });

  await step('switching to Persian: right-to-left, Jalali date with Persian digits', async () => {
    await page.getByRole('button', { name: 'فارسی' }).click();
    await page.waitForFunction(() => document.documentElement.lang === 'fa');
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    const today = page.locator('.app-header time.today');
    const text = (await today.textContent()) ?? '';
    assert.match(text, /۱۴[۰-۹]{2}/, `a Solar Hijri year in Persian digits in "${text}"`);
    assert.match(text, /۱۴۰[۰-۹]/);
    assert.equal(await today.getAttribute('data-iso'), todayIso('Asia/Tehran'));
    // Numbers in Persian digits too.
    await page.locator('[data-testid="count-provinces"] .stat-number', { hasText: '۳۱' }).waitFor();
    await page.getByRole('link', { name: 'خانه' }).first().waitFor();
  });

  await step('the language is remembered after a reload (saved in the account and this browser)', async () => {
    await page.reload();
    await page.waitForFunction(() => document.documentElement.lang === 'fa');
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    assert.equal(await page.evaluate(() => localStorage.getItem('marz_lang')), 'fa');
    const cookies = await page.context().cookies();
    assert.equal(cookies.find((c) => c.name === 'marz_lang')?.value, 'fa');
    const session = await page.evaluate(() => fetch('/api/v1/auth/session').then((r) => r.json()));
    assert.equal(session.user.locale, 'fa');
  });

  await step('the map draws the 31 provinces and lists them, in Persian order', async () => {
    await page.getByRole('link', { name: 'نقشه' }).first().click();
    await page.waitForURL(/\/map/);
    const map = page.locator('[data-testid="map"]');
    await map.waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="map"]')?.getAttribute('data-provinces') === '31', undefined, { timeout: 60_000 });
    assert.equal(await map.getAttribute('data-provinces'), '31');
    assert.ok(await page.locator('[data-testid="map"] canvas').count(), 'MapLibre drew a canvas');
    const items = page.locator('[data-testid="province-list"] li');
    assert.equal(await items.count(), 31);
    const names = await items.allTextContents();
    const sorted = [...names].sort(new Intl.Collator('fa').compare);
    assert.deepEqual(names, sorted, 'provinces sorted with the Persian collation');
    // Keyboard: the list buttons select a province on the map.
    const first = items.first().getByRole('button');
    await first.focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="province-list"] button[aria-pressed="true"]').waitFor();
    await page.waitForURL(/province=IR-\d\d/);
    await page.locator('.map-selected h2').waitFor();
  });

  await step('the audit trail filters by a Jalali date typed with Persian digits', async () => {
    await page.goto(server.url + '/admin/audit');
    const from = page.getByLabel('از تاریخ');
    await from.fill('۱۴۰۴/۱۲/۳۰');
    await from.blur();
    // 1404 is not a leap year: Esfand has 29 days.
    await page.getByText('چنین روزی وجود ندارد').waitFor();
    const iso = todayIso('Asia/Tehran');
    const jalali = await page.evaluate((d) => new Intl.DateTimeFormat('fa-IR-u-ca-persian', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'UTC' }).format(new Date(d + 'T00:00:00Z')), iso);
    await from.fill(jalali);
    assert.equal(await from.getAttribute('data-iso'), iso);
    await page.getByText(`(\u2068${iso}\u2069)`).waitFor(); // the Gregorian equivalent as a hint (a bidi isolate)
    await page.getByRole('button', { name: 'اعمال فیلترها' }).click();
    await page.waitForURL(new RegExp(`from=${iso}`));
    await page.locator('[data-testid="audit-table"] tbody tr').first().waitFor();
    // in words: the sign-in is named in Persian, not as a code
    assert.ok((await page.locator('[data-testid="audit-table"] tr[data-action="auth.sign_in"]', { hasText: 'وارد شد' }).count()) > 0);
    assert.equal(await page.locator('[data-testid="audit-table"]', { hasText: 'auth.sign_in' }).count(), 0);
  });

  await step('an administrator creates a user (Arabic letters normalised to Persian)', async () => {
    await page.goto(server.url + '/admin/users/new');
    await page.getByLabel('نام کاربری').fill('field.officer');
    await page.getByLabel('نام و نام خانوادگی').fill('علي كريمي'); // Arabic ي and ك
    await page.getByLabel('گذرواژه', { exact: true }).fill('a good long password');
    await page.getByLabel('تکرار گذرواژه').fill('a good long password');
    // Validation: a role must be chosen.
    await page.getByRole('button', { name: 'ساختن کاربر' }).click();
    await page.getByText('لطفاً بخش‌هایی را که مشخص شده‌اند اصلاح کنید.').waitFor();
    await page.getByLabel('نقش', { exact: true }).selectOption('viewer');
    await page.getByLabel('فقط این استان‌ها').check();
    await page.getByLabel('خراسان رضوی').check();
    await page.getByRole('button', { name: 'ساختن کاربر' }).click();
    await page.waitForURL(/\/admin\/users\/[0-9a-f-]{36}$/);
    await page.getByText('کاربر ساخته شد.').waitFor();
    await page.getByRole('heading', { level: 1, name: 'علی کریمی' }).waitFor(); // stored with Persian ی and ک
    await page.goto(server.url + '/admin/users');
    await page.locator('[data-testid="users-table"]', { hasText: 'field.officer' }).waitFor();
  });

  await step('signing out ends the session', async () => {
    await page.locator('.user-menu > button').click();
    await page.getByRole('button', { name: 'خروج' }).click();
    await page.waitForURL(/\/sign-in/);
    const status = await page.evaluate(() => fetch('/api/v1/auth/session').then((r) => r.status));
    assert.equal(status, 401);
    await page.goto(server.url + '/admin/users');
    await page.waitForURL(/\/sign-in\?next=%2Fadmin%2Fusers/);
    // Still in Persian before signing in (localStorage + cookie).
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
  });

  await step('the new user signs in and cannot open administration pages', async () => {
    await signIn(page, server, { username: 'field.officer', password: 'a good long password' });
    await page.goto(server.url + '/admin/users');
    await page.getByRole('heading', { level: 1, name: 'اجازهٔ دیدن این صفحه را ندارید' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'مدیریت' }).count(), 0);
  });

  await t.test('no script errors on the way', () => {
    // 401s for the session before signing in are expected; anything else is a bug.
    const errors = errorsOf(page).filter((e) => !/status of 40[13]/.test(e));
    assert.deepEqual(errors, []);
  });
});
