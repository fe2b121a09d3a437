// Web: cold load of the dashboard page (/flows/dashboard, signed in) in headless Chromium on
// loopback: first contentful paint and the JavaScript transferred (and its gzipped size).
// Reference: the FCP of a minimal HTML page from a bare Node server — the browser's own floor.
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { openDataset } from '../lib/engines.ts';
import { END_DATE } from '../lib/data.ts';
import { addDays } from '../../src/platform/calendar.ts';
import { benchUser, sessions, startApp } from '../lib/app.ts';
import { round, stats } from '../lib/measure.ts';
import type { Measurement, ScenarioResult, ScenarioSpec } from '../lib/types.ts';

const DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));
/** The dashboard over the dataset's last month, so that it has figures, a chart and a map to show. */
const DASHBOARD = `/flows/dashboard?from=${addDays(END_DATE, -29)}&to=${END_DATE}`;

interface Load {
  fcp: number;
  scripts: { url: string; transferred: number; decoded: number; gzip: number; encoding: string | null }[];
  /** The JavaScript once the page was scrolled to the bottom (the chart and map load then). */
  scrolledGzip: number;
}

export async function run(spec: ScenarioSpec, log: (s: string) => void): Promise<Partial<ScenarioResult>> {
  const harness = await import('../../test/e2e/harness.ts');
  if (!harness.chromiumPath()) return { status: 'skipped', reason: harness.SKIP_REASON };
  if (!existsSync(DIST + 'index.html')) {
    if (!spec.options.build) return { status: 'skipped', reason: 'web/dist is missing: run `npm run build` first (or pass --build-web)' };
    log('building the web app (npm run build)…');
    await harness.ensureWebBuilt();
  }
  const loads = spec.options.loads ?? (spec.quick ? 2 : 5);
  const db = await openDataset(spec.engine, spec.records, { clone: false, poolSize: 4 });
  const browser = await harness.launchBrowser();
  const bare = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>x</title><p>Marz</p>'));
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  try {
    const user = await benchUser(db);
    const [s] = await sessions(db, user, 1);
    const server = await startApp(db);
    try {
      const token = s!.cookie.split('=')[1]!;
      const coldLoad = async (url: string, withCookie: boolean): Promise<Load> => {
        const context = await browser.newContext({ locale: 'en' });
        // The cookie for the whole site (a cookie set for the page's address would have the path /flows).
        if (withCookie) await context.addCookies([{ name: 'marz_session', value: token, url: new URL(url).origin + '/' }]);
        const page = await context.newPage();
        const encodings = new Map<string, string | null>();
        page.on('response', (r) => encodings.set(r.url(), r.headers()['content-encoding'] ?? null));
        await page.goto(url, { waitUntil: 'networkidle' });
        // A page that fell back to the sign-in form would be measured by mistake: refuse it.
        if (withCookie) {
          const path = new URL(page.url()).pathname;
          const signIn = await page.locator('input[type="password"]').count();
          if (path !== new URL(url).pathname || signIn) throw new Error(`the dashboard did not load (ended at ${page.url()}${signIn ? ', sign-in form shown' : ''})`);
        }
        const measure = () =>
          page.evaluate(() => ({
            fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
            resources: (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((e) => ({ url: e.name, transferred: e.transferSize, decoded: e.decodedBodySize })),
          }));
        const gzipOf = (url: string) => {
          const file = DIST + new URL(url).pathname.replace(/^\//, '');
          return existsSync(file) ? gzipSync(readFileSync(file)).length : NaN;
        };
        const isScript = (r: { url: string }) => new URL(r.url).pathname.endsWith('.js');
        const entries = await measure();
        let scrolledGzip = NaN;
        if (withCookie) {
          await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
          await page.waitForLoadState('networkidle');
          await page.waitForTimeout(500);
          scrolledGzip = (await measure()).resources.filter(isScript).reduce((sum, r) => sum + gzipOf(r.url), 0);
        }
        await context.close();
        const scripts = entries.resources.filter(isScript).map((r) => ({ ...r, gzip: gzipOf(r.url), encoding: encodings.get(r.url) ?? null }));
        return { fcp: entries.fcp, scripts, scrolledGzip };
      };
      const dash: Load[] = [];
      for (let i = 0; i < loads; i++) {
        const l = await coldLoad(server.url + DASHBOARD, true);
        log(`cold load ${i + 1}/${loads}: FCP ${round(l.fcp, 1)} ms, ${l.scripts.length} scripts`);
        dash.push(l);
      }
      const ref: number[] = [];
      const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;
      for (let i = 0; i < loads; i++) ref.push((await coldLoad(bareUrl, false)).fcp);
      const f = stats(dash.map((l) => l.fcp));
      const r = stats(ref);
      const last = dash[dash.length - 1]!;
      const jsGzip = last.scripts.reduce((s, x) => s + x.gzip, 0);
      const jsRaw = last.scripts.reduce((s, x) => s + x.decoded, 0);
      const jsTransferred = last.scripts.reduce((s, x) => s + x.transferred, 0);
      const compressed = last.scripts.some((x) => x.encoding && x.encoding !== 'identity');
      const measurements: Measurement[] = [
        {
          name: 'dashboard cold load: first contentful paint',
          median_ms: f.median,
          min_ms: f.min,
          max_ms: f.max,
          runs: f.runs,
          reference: { name: 'FCP of a minimal HTML page (bare Node server)', median_ms: r.median, min_ms: r.min, max_ms: r.max },
          ratio: round(f.median / r.median),
          ratio_basis: 'median FCP / median reference FCP',
          target: 'FCP ≤ 1,000 ms',
          met: f.median <= 1000,
        },
        {
          name: 'dashboard cold load: JavaScript (gzipped)',
          median_ms: null,
          min_ms: null,
          max_ms: null,
          runs: 1,
          target: '≤ 300 KB gzipped',
          met: jsGzip <= 300 * 1024,
          note: `${round(jsGzip / 1024, 1)} KB gzipped in ${last.scripts.length} files (${round(jsRaw / 1024, 1)} KB uncompressed; ${round(jsTransferred / 1024, 1)} KB on the wire, ${compressed ? 'compressed by the server' : 'the server sends it uncompressed'})`,
        },
        {
          name: 'dashboard scrolled to the bottom: JavaScript (gzipped)',
          median_ms: null,
          min_ms: null,
          max_ms: null,
          runs: 1,
          target: 'informative (the chart and the map load when they come near the viewport)',
          met: null,
          note: `${round(last.scrolledGzip / 1024, 1)} KB gzipped`,
        },
      ];
      return {
        measurements,
        details: { url: DASHBOARD, js_gzip_kb: round(jsGzip / 1024, 1), js_scrolled_gzip_kb: round(last.scrolledGzip / 1024, 1), js_raw_kb: round(jsRaw / 1024, 1), js_transferred_kb: round(jsTransferred / 1024, 1), server_compresses: compressed, scripts: last.scripts.map((x) => ({ path: new URL(x.url).pathname, kb: round(x.decoded / 1024, 1), gzip_kb: round(x.gzip / 1024, 1) })) },
      };
    } finally {
      await server.close();
    }
  } finally {
    bare.close();
    await browser.close();
    await db.close();
  }
}
