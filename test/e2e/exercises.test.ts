// A short Persian tabletop in the browser: a controller, two players of different agencies and
// an evaluator, each in their own browser. Injects arrive live and only to their addressees;
// pause holds the clock but a manual "send now" goes out at once; a time jump brings the next
// inject; the evaluator's rating rolls up into the after-action report, whose improvement item
// appears in the improvement plan. One player uses a phone-sized screen.
//   node --import tsx --test test/e2e/exercises.test.ts
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
      let json = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = text;
      }
      return { status: r.status, json };
    },
    { method, url, body },
  );
}

const X = '/api/v1/exercises/DOG-TTX';

test('a Persian tabletop: live injects to addressees only, pause and send now, time jump, rating into the report and plan', { skip: chrome ? false : SKIP_REASON, timeout: 300_000 }, async (t) => {
  const server = await startServer();
  const browser = await launchBrowser();
  t.after(() => Promise.all([browser.close(), server.stop()]));
  const admin = await newPage(browser, { locale: 'fa' });
  await setupAdmin(admin, server, { ...ADMIN, locale: 'fa' });
  await signIn(admin, server, ADMIN);

  const agencies: { id: number; code: string }[] = (await call(admin, 'GET', '/api/v1/agencies')).json;
  const agency = (c: string) => agencies.find((a) => a.code === c)!.id;
  const people = {
    ctl: { username: 'controller1', password: 'controller-password-1', assignments: [{ role: 'exercise_planner' }], agency: 'moi' },
    p1: { username: 'player.bafia', password: 'player-password-bafia', assignments: [], agency: 'bafia' },
    p2: { username: 'player.moh', password: 'player-password-moh1', assignments: [], agency: 'moh' },
    ev: { username: 'evaluator1', password: 'evaluator-password-1', assignments: [], agency: 'iom' },
  };
  for (const u of Object.values(people)) {
    const r = await call(admin, 'POST', '/api/v1/users', { username: u.username, display_name: u.username, password: u.password, locale: 'fa', agency_id: agency(u.agency), assignments: u.assignments });
    assert.equal(r.status, 201, JSON.stringify(r.json));
  }

  // The controller creates the exercise in the web form, then sets it up through the API.
  const ctl = await newPage(browser, { locale: 'fa' });
  await ctl.goto(server.url + '/sign-in');
  await ctl.locator('input[name="username"]').waitFor({ timeout: 60_000 });
  await signIn(ctl, server, people.ctl);
  await ctl.goto(server.url + '/exercises');
  await ctl.getByTestId('exercise-mark').waitFor();
  await ctl.getByRole('button', { name: 'تمرین تازه' }).click();
  const form = ctl.getByTestId('exercise-create');
  await form.getByLabel('کد').fill('DOG-TTX');
  await form.getByLabel('عنوان').fill('ورود گسترده در دوغارون');
  await form.getByLabel('آغاز تمرین').fill('۱۴۰۵/۰۱/۰۱ ۰۹:۰۰');
  await form.getByRole('button', { name: 'ساختن' }).click();
  await ctl.waitForURL(/\/exercises\/DOG-TTX$/);
  for (const [code, name] of [['bafia', 'اتباع'], ['moh', 'بهداشت']]) assert.equal((await call(ctl, 'POST', `${X}/teams`, { code, name, agency: code })).status, 200);
  assert.equal((await call(ctl, 'POST', `${X}/objectives`, { code: 'O1', text: 'فعال‌سازی طرح اضطراری', capability: 'هماهنگی عملیاتی' })).status, 200);
  assert.equal((await call(ctl, 'POST', `${X}/targets`, { code: 'T1', objective: 'O1', description: 'تشکیل ستاد در ۳۰ دقیقه', time_limit_minutes: 30, tasks: [{ code: 'K1', description: 'تماس با ستاد' }] })).status, 200);
  for (const [who, role, team] of [['p1', 'player', 'bafia'], ['p2', 'player', 'moh'], ['ev', 'evaluator', null]] as const) {
    assert.equal((await call(ctl, 'POST', `${X}/participants`, { role, username: people[who].username, team })).status, 200);
  }
  const inject = (number: string, time: string, to: string[], subject: string) => call(ctl, 'POST', `${X}/injects`, { number, time, to, channel: 'پیام', subject, content: `متن ${subject}` });
  assert.equal((await inject('1', 'D+0 H+00:00', ['bafia'], 'هشدار به اتباع')).status, 200);
  assert.equal((await inject('2', 'D+0 H+00:20', ['moh'], 'مسافر بیمار')).status, 200);
  assert.equal((await inject('3', 'D+0 H+00:40', ['bafia', 'moh'], 'صف طولانی')).status, 200);

  // Each participant in their own browser; player 2 on a phone.
  const p1 = await newPage(browser, { locale: 'fa' });
  const p2 = await newPage(browser, { locale: 'fa', viewport: { width: 390, height: 844 } });
  const ev = await newPage(browser, { locale: 'fa' });
  for (const [page, who] of [[p1, 'p1'], [p2, 'p2'], [ev, 'ev']] as const) {
    await page.goto(server.url + '/sign-in');
    await page.locator('input[name="username"]').waitFor({ timeout: 60_000 });
    await signIn(page, server, people[who]);
    await page.goto(`${server.url}/exercises/DOG-TTX`);
    await page.getByTestId('exercise-mark').waitFor();
  }
  for (const p of [p1, p2]) {
    await p.locator('.ex-live[data-connected="true"]').waitFor();
    assert.equal(await p.getByTestId('tab-control').count(), 0, 'players never see the MSEL');
  }
  assert.equal((await call(p1, 'GET', `${X}/msel`)).status, 403);
  await ctl.reload();
  await ctl.locator('.ex-live[data-connected="true"]').waitFor();

  // Start: inject 1 (at STARTEX) reaches player 1 without a reload, and not player 2.
  await ctl.getByRole('button', { name: 'آغاز تمرین' }).click();
  await p1.locator('article.ex-inject[data-number="1"]').waitFor({ timeout: 15_000 });
  await p1.getByRole('heading', { name: 'هشدار به اتباع' }).waitFor();
  // Pause: the players see it; "send now" still delivers inject 2 at once, to player 2 only.
  await ctl.getByRole('button', { name: 'توقف' }).click();
  await p2.locator('[data-testid="exercise-clock"][data-state="paused"]').waitFor({ timeout: 15_000 });
  await ctl.locator('tr[data-number="2"]').getByRole('button', { name: 'همین حالا بفرست' }).click();
  await p2.locator('article.ex-inject[data-number="2"]').waitFor({ timeout: 15_000 });
  // Resume and jump 45 minutes ahead: inject 3 (H+00:40) goes to both teams.
  await ctl.getByRole('button', { name: 'ادامه' }).click();
  await ctl.locator('[data-testid="exercise-clock"][data-state="running"]').waitFor();
  await ctl.getByTestId('jump-minutes').fill('45');
  await ctl.getByRole('button', { name: 'پرش زمانی' }).click();
  await p1.locator('article.ex-inject[data-number="3"]').waitFor({ timeout: 15_000 });
  await p2.locator('article.ex-inject[data-number="3"]').waitFor({ timeout: 15_000 });
  assert.deepEqual(await p1.locator('article.ex-inject').evaluateAll((a) => a.map((x) => x.getAttribute('data-number')).sort()), ['1', '3']);
  assert.deepEqual(await p2.locator('article.ex-inject').evaluateAll((a) => a.map((x) => x.getAttribute('data-number')).sort()), ['2', '3']);
  const shots = process.env.EX_SHOTS; // set to a folder to keep screenshots
  if (shots) {
    await p2.screenshot({ path: `${shots}/player-phone.png`, fullPage: true });
    await ctl.screenshot({ path: `${shots}/controller.png`, fullPage: true });
  }
  const p1msel = await call(p1, 'GET', `${X}/play`);
  assert.ok(!JSON.stringify(p1msel.json).includes('مسافر بیمار'), 'inject 2 never reaches player 1');

  // Player 1 acknowledges inject 1 on their screen; the controller's view follows.
  await p1.locator('article.ex-inject[data-number="1"]').getByRole('button', { name: 'دریافت شد' }).click();
  await ctl.locator('tr[data-number="1"][data-status="acknowledged"]').waitFor({ timeout: 15_000 });

  // The evaluator rates the capability target: M, with an observation.
  await ev.getByTestId('tab-evaluate').click();
  const rate = ev.getByTestId('rate-T1');
  await rate.getByLabel('رتبه').selectOption('M');
  await rate.getByLabel('مشاهدات').fill('ستاد با ۲۰ دقیقه تأخیر تشکیل شد');
  await rate.getByRole('button', { name: 'ذخیره' }).click();
  await rate.locator('.badge', { hasText: 'انجام شد با چالش‌های جدی' }).waitFor();

  // The timeline replays what happened, in Persian.
  await ctl.getByTestId('tab-control').click();
  await ctl.getByText('گاه‌شمار (بازپخش)').click();
  await ctl.getByTestId('timeline').getByText('پیام ۲ فرستاده شد').waitFor();

  // The controller ends play, drafts the report, adds an improvement item; the report and the plan show them.
  await ctl.getByRole('button', { name: 'پایان تمرین' }).click();
  await ctl.getByTestId('tab-report').click();
  await ctl.getByRole('button', { name: 'ساختن پیش‌نویس' }).click();
  await ctl.getByText('پیش‌نویس ساخته شد.').waitFor();
  const html = await call(ctl, 'GET', `${X}/report.html?lang=fa`);
  assert.equal(html.status, 200);
  assert.match(html.json, /هماهنگی عملیاتی/);
  assert.match(html.json, /انجام شد با چالش‌های جدی/);
  assert.match(html.json, /ستاد با ۲۰ دقیقه تأخیر تشکیل شد/);
  assert.match(html.json, /تمرین — شبیه‌سازی — رویداد واقعی نیست/);
  assert.equal((await call(ctl, 'POST', `${X}/improvements`, { capability: 'هماهنگی عملیاتی', title: 'تمرین فراخوان ستاد', poete: 'training', owner_agency: 'bafia', due_on: '2026-06-01' })).status, 201);
  await ctl.goto(server.url + '/exercises/improvements');
  await ctl.getByTestId('plan-items').getByText('تمرین فراخوان ستاد').waitFor();
  await ctl.getByTestId('exercise-mark').waitFor();

  // A signed-out page asks for the session (401) and player 1 was refused the MSEL (403): expected.
  for (const p of [admin, ctl, p1, p2, ev]) assert.deepEqual(errorsOf(p).filter((e) => !/status of 40[13]|ERR_ABORTED/.test(e)), []);
});
