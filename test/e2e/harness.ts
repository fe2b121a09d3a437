// Browser-test harness shared by every team's end-to-end tests (node:test + playwright-core
// driving Debian's Chromium). Typical use:
//
//   const chrome = chromiumPath();
//   test('…', { skip: chrome ? false : SKIP_REASON }, async (t) => {
//     const server = await startServer();
//     const browser = await launchBrowser();
//     t.after(() => Promise.all([browser.close(), server.stop()]));
//     const page = await newPage(browser, { locale: 'fa' });
//     await setupAdmin(page, server, ADMIN);
//     await signIn(page, server, ADMIN);
//     …
//   });
//
// startServer() runs the real server (`node bin/marz.js serve`) on a fresh embedded PostgreSQL in
// a temporary directory and a free port; it builds the web app once (npm run build) if
// web/dist is missing. Nothing is fetched from the internet.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { stopCluster } from '../../src/platform/db/embedded.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CHROMIUM = '/usr/bin/chromium';
export const SKIP_REASON = `Chromium is not installed (${CHROMIUM}): browser tests skipped`;
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-swiftshader',
];

/** Path of the Chromium binary, or null when it is not installed (tests then skip with SKIP_REASON). */
export function chromiumPath(): string | null {
  return existsSync(CHROMIUM) ? CHROMIUM : null;
}

/** Launches headless Chromium with the flags this machine needs. */
export function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error(SKIP_REASON);
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}

let built: Promise<void> | null = null;
/** Builds the web app (npm run build) once per process when web/dist/index.html is missing. */
export function ensureWebBuilt(): Promise<void> {
  if (existsSync(join(ROOT, 'web/dist/index.html'))) return Promise.resolve();
  built ??= new Promise<void>((resolve, reject) => {
    console.log('# web/dist is missing: running npm run build once');
    const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 300_000 });
    if (r.status === 0 && existsSync(join(ROOT, 'web/dist/index.html'))) resolve();
    else reject(new Error(`npm run build failed (${r.status}):\n${r.stdout}\n${r.stderr}`));
  });
  return built;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  /** Base URL, e.g. http://localhost:41234 */
  url: string;
  /** The one-time first-run link printed by the server (null when a user already existed). */
  setupLink: string | null;
  /** The temporary MARZ_DATA_DIR. */
  dataDir: string;
  port: number;
  /** Everything the server printed so far. */
  output(): string;
  /** SIGTERM, wait for the process to exit, remove the data directory. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Extra environment variables (PORT and MARZ_DATA_DIR are set by the harness unless given). */
  env?: Record<string, string>;
  /** How long to wait for "Marz is running at" (default 90 s). */
  timeoutMs?: number;
}

/** Starts `node bin/marz.js serve` on a fresh temporary database and a free port. */
export async function startServer(opts: StartOptions = {}): Promise<RunningServer> {
  await ensureWebBuilt();
  const port = opts.env?.PORT ? Number(opts.env.PORT) : await freePort();
  const dataDir = opts.env?.MARZ_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'marz-e2e-'));
  const ownDir = !opts.env?.MARZ_DATA_DIR;
  const child: ChildProcess = spawn(process.execPath, ['bin/marz.js', 'serve'], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', MARZ_PUBLIC_URL: `http://localhost:${port}`, ...opts.env, PORT: String(port), MARZ_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exited = code;
      resolve();
    }),
  );
  const cleanup = async () => {
    // A server that had to be killed leaves its PostgreSQL running: stop it before its files go.
    if (!opts.env?.DATABASE_URL) await stopCluster(dataDir);
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
  };

  const stop = async () => {
    if (exited === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(timer);
    }
    await cleanup();
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the server did not start within ${opts.timeoutMs ?? 90_000} ms:\n${out}`)), opts.timeoutMs ?? 90_000);
      const check = () => {
        // Ready once it says where it runs and has printed either the setup link or the sign-in hint.
        if (/Marz is running at/.test(out) && (/\/setup\?token=\S+/.test(out) || /Sign in at/.test(out))) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', (d) => {
        out += d.toString();
        check();
      });
      child.stderr!.on('data', (d) => {
        out += d.toString();
      });
      void exit.then(() => {
        clearTimeout(timer);
        reject(new Error(`the server exited (code ${exited}) before it was ready:\n${out}`));
      });
    });
  } catch (e) {
    await stop();
    throw e;
  }
  const setup = /(https?:\/\/\S+\/setup\?token=\S+)/.exec(out);
  const url = `http://localhost:${port}`;
  // The printed link uses MARZ_PUBLIC_URL; point it at the harness's URL in any case.
  const setupLink = setup ? url + setup[1]!.replace(/^https?:\/\/[^/]+/, '') : null;
  return { url, setupLink, dataDir, port, output: () => out, stop };
}

const pageErrors = new WeakMap<Page, string[]>();

export interface NewPageOptions {
  /** Browser language: 'en' (default) or 'fa'. */
  locale?: 'en' | 'fa' | string;
  viewport?: { width: number; height: number };
}

/** A page in a fresh browser context (own cookies and storage). Console errors are collected: see errorsOf(). */
export async function newPage(browser: Browser, opts: NewPageOptions = {}): Promise<Page> {
  const locale = opts.locale === 'fa' ? 'fa-IR' : opts.locale === 'en' || !opts.locale ? 'en-GB' : opts.locale;
  const context: BrowserContext = await browser.newContext({ locale, timezoneId: 'Asia/Tehran', viewport: opts.viewport ?? { width: 1280, height: 860 } });
  const page = await context.newPage();
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('requestfailed', (r) => {
    const u = r.url();
    // Anything not from our server is a bug: the app must not load from the internet.
    if (!/^(http:\/\/(localhost|127\.0\.0\.1)|blob:|data:)/.test(u)) errors.push(`external request: ${u}`);
  });
  return page;
}

/** JavaScript errors and console errors seen on a page made by newPage(). */
export function errorsOf(page: Page): string[] {
  return pageErrors.get(page) ?? [];
}

export interface Account {
  username: string;
  password: string;
  displayName?: string;
  locale?: 'en' | 'fa';
}

export const ADMIN: Account = { username: 'admin', password: 'correct horse battery', displayName: 'Test Administrator' };

/** Completes first-run setup through the web form (the setup link), leaving the page on sign-in. */
export async function setupAdmin(page: Page, server: RunningServer, a: Account = ADMIN): Promise<void> {
  if (!server.setupLink) throw new Error('the server printed no setup link (a user already exists)');
  await page.goto(server.setupLink);
  await page.locator('input[name="username"]').fill(a.username);
  await page.locator('input[name="display_name"]').fill(a.displayName ?? a.username);
  await page.locator('input[name="password"]').fill(a.password);
  await page.locator('input[name="confirm"]').fill(a.password);
  if (a.locale) await page.locator(`input[name="setup-lang"][value="${a.locale}"]`).check();
  await page.locator('form button[type="submit"]').click();
  await page.waitForURL(/\/sign-in/);
}

/** Signs in through the sign-in page and waits for the app to show the user menu. */
export async function signIn(page: Page, server: RunningServer, a: Pick<Account, 'username' | 'password'> = ADMIN): Promise<void> {
  if (!/\/sign-in/.test(page.url())) await page.goto(server.url + '/sign-in');
  await page.locator('input[name="username"]').fill(a.username);
  await page.locator('input[name="password"]').fill(a.password);
  await page.locator('form button[type="submit"]').click();
  await page.locator('.user-menu').waitFor();
}

/** Creates a user directly with the CLI (while the server runs), e.g. for role tests. */
export function createUserCli(server: RunningServer, a: Account & { admin?: boolean; roles?: string[] }): void {
  const args = ['bin/marz.js', 'user', 'create', '--username', a.username, '--name', a.displayName ?? a.username, '--locale', a.locale ?? 'en'];
  if (a.admin) args.push('--admin');
  for (const r of a.roles ?? []) args.push('--role', r);
  const r = spawnSync(process.execPath, args, { cwd: ROOT, env: { ...process.env, MARZ_DATA_DIR: server.dataDir, MARZ_PASSWORD: a.password }, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`marz user create failed: ${r.stdout}\n${r.stderr}`);
}
