// Forward-only SQL migrations: numbered .sql files in src/migrations, each applied in its own
// transaction and recorded with its SHA-256, so an edited, already-applied file is refused.
import { readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((name) => {
      const sql = readFileSync(dir + name, 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

export class MigrationError extends Error {}

export async function migrate(db: Database, migrations = listMigrations()): Promise<string[]> {
  await db.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const applied = new Map(
    (await db.many<{ name: string; checksum: string }>('SELECT name, checksum FROM schema_migrations')).map((r) => [r.name, r.checksum]),
  );
  const known = new Set(migrations.map((m) => m.name));
  for (const name of applied.keys()) {
    if (!known.has(name)) throw new MigrationError(`The database has migration ${name}, which this version of Marz does not know: it was set up by a newer version. Run that version, or restore a backup.`);
  }
  for (const m of migrations) {
    const sum = applied.get(m.name);
    if (sum && sum !== m.checksum) {
      throw new MigrationError(
        `Migration ${m.name} was changed after it was applied (recorded checksum ${sum.slice(0, 12)}…, file now ${m.checksum.slice(0, 12)}…). ` +
          `Migrations are forward-only: restore the original file and put the change in a new migration.`,
      );
    }
  }
  const done: string[] = [];
  for (const m of migrations) {
    if (applied.has(m.name)) continue;
    await db.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock(727271)'); // one migrating process at a time
      const again = await c.query('SELECT 1 FROM schema_migrations WHERE name = $1', [m.name]);
      if (again.rowCount) return; // another process applied it while we waited
      try {
        await c.query(m.sql);
      } catch (e) {
        throw new MigrationError(`Migration ${m.name} failed: ${(e as Error).message}`);
      }
      await c.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [m.name, m.checksum]);
      done.push(m.name);
    });
  }
  return done;
}
