// `marz serve`: open the database (starting the embedded PostgreSQL when it is not running yet),
// migrate, serve.
import type { Config } from '../platform/config.ts';
import { connectServer, openEmbedded, type Database } from '../platform/db/database.ts';
import { prepareDatabase } from '../platform/seed.ts';
import { buildApp } from '../platform/http/app.ts';
import { capabilities } from '../capabilities.ts';
import { userCount, createSetupToken } from '../platform/auth/identity.ts';

export async function serve(config: Config) {
  const started = performance.now();
  const db: Database = config.databaseUrl
    ? connectServer(config.databaseUrl)
    : await openEmbedded({ dataDir: config.dataDir, command: 'serve', serve: true, max: 20, log: (l) => console.error(l) });
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`\n${signal}: stopping Marz…`);
    const force = setTimeout(() => process.exit(1), 20_000).unref();
    await app?.close().catch(() => {});
    await stopWatching?.();
    await db.close();
    clearTimeout(force);
    console.log(db.engine === 'embedded' ? 'Marz stopped; the embedded PostgreSQL was stopped cleanly (or is left to the commands still using it).' : 'Marz stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  let stopWatching: (() => Promise<void>) | undefined;
  try {
    const { migrated, seeded } = await prepareDatabase(db);
    if (migrated.length) console.log(`Database: applied ${migrated.length} migration(s)${seeded ? ' and seeded the reference data' : ''}.`);
    // Dashboards may then be cached: every change, from this or another process, is seen.
    stopWatching = await db.watchChanges();
    app = await buildApp({ db, config }, capabilities, { logger: process.env.MARZ_LOG === '1' });
    await app.listen({ port: config.port, host: config.host });
  } catch (e) {
    await app?.close().catch(() => {});
    await stopWatching?.();
    await db.close();
    throw e;
  }
  const where = db.engine === 'embedded' ? `embedded PostgreSQL in ${config.dataDir}` : 'PostgreSQL server (DATABASE_URL)';
  console.log(`Marz is running at ${config.publicUrl}  (${where}; ready in ${Math.round(performance.now() - started)} ms)`);
  if ((await userCount(db)) === 0) {
    const token = await createSetupToken(db);
    console.log(`\nNo user exists yet. Open this one-time link to create the first administrator:\n  ${config.publicUrl}/setup?token=${token}\n(or run: marz user create --admin --username NAME)`);
  } else {
    console.log(`Sign in at ${config.publicUrl}/sign-in`);
  }
  const flows = await db.one('SELECT EXISTS (SELECT 1 FROM fmr_records) AS any');
  if (!flows?.any) console.log('No flow data yet: `npx marz demo` loads two years of synthetic data (labelled SYNTHETIC) to explore.');
  console.log('Press Ctrl+C to stop.');
}
