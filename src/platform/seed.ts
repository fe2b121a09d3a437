// Makes a database ready: migrations, then reference data on first run, and the built-in
// roles kept in step with the permissions this version knows.
import type { Database, Queryable } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { BUILTIN_ROLES, BUILTIN_AGENCIES } from './auth/permissions.ts';
import { seedPlaces } from '../places/seed.ts';
import { seedSurveyQuestions } from '../flows/survey.ts';
import { seedGovernance } from '../governance/store.ts';

export async function syncBuiltins(q: Queryable) {
  for (const r of BUILTIN_ROLES) {
    await q.query(
      `INSERT INTO roles (code, name_en, name_fa, permissions, clearance, builtin) VALUES ($1,$2,$3,$4,$5,true)
       ON CONFLICT (code) DO UPDATE SET permissions = EXCLUDED.permissions, clearance = EXCLUDED.clearance, builtin = true`,
      [r.code, r.name_en, r.name_fa, [...r.permissions].sort(), r.clearance],
    );
  }
}

export async function prepareDatabase(db: Database): Promise<{ migrated: string[]; seeded: boolean }> {
  const migrated = await migrate(db);
  const fresh = Number((await db.one('SELECT count(*) AS n FROM provinces'))!.n) === 0;
  await db.tx(async (c) => {
    await syncBuiltins(c);
    // Shipped frameworks (SDG 10.7.2, GCM, MGI skeleton): idempotent, so new versions arrive with upgrades.
    await seedGovernance(c);
    if (fresh) {
      for (const a of BUILTIN_AGENCIES) {
        await c.query('INSERT INTO agencies (code, name_en, name_fa, kind) VALUES ($1,$2,$3,$4) ON CONFLICT (code) DO NOTHING', [a.code, a.name_en, a.name_fa, a.kind]);
      }
      await seedPlaces(c);
      await seedSurveyQuestions(c);
    }
  });
  return { migrated, seeded: fresh };
}
