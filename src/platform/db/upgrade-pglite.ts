// Moving an office's data from the engine of Marz 0.1 (PGlite, PostgreSQL compiled to
// WebAssembly, in MARZ_DATA_DIR/pgdata) to the embedded PostgreSQL, through the portable backup
// format: the old database is opened once more with PGlite, brought to this version's
// migrations, written to a backup in the (private) data directory, and restored into a new
// cluster; the old directory is kept, renamed, until its owner removes it. PGlite stays a
// dependency of Marz for this command only.
import pg from 'pg';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Database, openEmbedded } from './database.ts';
import { hasPgliteData, EmbeddedError } from './embedded.ts';
import { backup, restore } from './backup.ts';
import { prepareDatabase } from '../seed.ts';
import { cliActor } from '../audit.ts';

export const OLD_DIR_SUFFIX = '.pglite-old';

export interface UpgradeResult {
  rows: number;
  tables: number;
  keptAt: string;
}

export async function upgradePgliteDataDir(dataDir: string, log: (line: string) => void): Promise<UpgradeResult> {
  if (!hasPgliteData(dataDir)) throw new EmbeddedError(`${dataDir} holds no database of an earlier Marz (no pgdata folder): nothing to move.`);
  const oldDir = join(dataDir, 'pgdata');
  const keptAt = oldDir + OLD_DIR_SUFFIX;
  if (existsSync(keptAt)) throw new EmbeddedError(`${keptAt} exists already: remove it (or move it away) first.`);
  const file = join(dataDir, 'upgrade.backup');
  rmSync(file, { force: true });

  log(`Reading the old database in ${oldDir}…`);
  const { PGlite } = await import('@electric-sql/pglite');
  const { createPgConfig } = await import('@electric-sql/pglite/node-postgres');
  const pglite = await PGlite.create(oldDir);
  const old = new Database(new pg.Pool(createPgConfig(pglite) as pg.PoolConfig), 'embedded', () => pglite.close());
  let summary;
  try {
    const { migrated } = await prepareDatabase(old);
    if (migrated.length) log(`  brought up to date: ${migrated.join(', ')}`);
    // The file never leaves the private data directory and is removed at the end.
    summary = await backup(old, file, undefined, { actor: cliActor('marz upgrade-data-dir') });
    log(`  ${summary.rows} rows from ${summary.tables} tables`);
  } finally {
    await old.close();
  }

  // The old directory is renamed before the new cluster starts, so that the new engine does not
  // refuse the data directory; it is renamed back if the restore fails.
  renameSync(oldDir, keptAt);
  try {
    log('Restoring into the embedded PostgreSQL…');
    const db = await openEmbedded({ dataDir, command: 'upgrade-data-dir' });
    try {
      await restore(db, file);
    } finally {
      await db.close();
    }
  } catch (e) {
    renameSync(keptAt, oldDir);
    throw e;
  } finally {
    rmSync(file, { force: true });
  }
  return { rows: summary.rows, tables: summary.tables, keptAt };
}
