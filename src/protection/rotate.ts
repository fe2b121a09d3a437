// `marz protection rotate-key`: a new key becomes current, every encrypted field is re-encrypted
// under it and every blind index recomputed, in one transaction; with --retire the old keys then
// leave the key file. The new keyring is written (old keys kept) before the transaction, so a
// failure at any point leaves every value readable.
import type { Database } from '../platform/db/database.ts';
import { audit, type Actor } from '../platform/audit.ts';
import { FieldCipher, keyFilePath, loadKeyring, newKeyId, resetCipherCache, writeKeyFile, type Keyring } from './crypto.ts';
import { randomBytes } from 'node:crypto';

/** Every encrypted column: table → fields (column <field>_enc, associated data table.field.id). */
export const ENCRYPTED: Record<string, string[]> = {
  protection_cases: ['given_name', 'family_name', 'exploitation_detail', 'perpetrator'],
  protection_screenings: ['assessment', 'best_interests'],
  protection_referrals: ['override_reason', 'note', 'response'],
  protection_followups: ['body'],
  protection_device_keys: ['key'],
  protection_documents: ['name', 'content'],
};
export const BLIND: Record<string, string[]> = { protection_cases: ['given_name', 'family_name'] };
/** Tables whose rows are not keyed by `id` (every key here is a uuid). */
const ID_COLUMN: Record<string, string> = { protection_device_keys: 'user_id' };

export interface RotateResult {
  old_keys: string[];
  new_key: string;
  values: number;
  retired: boolean;
}

export async function rotateKey(db: Database, dataDir: string, actor: Actor, opts: { retire?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<RotateResult> {
  const env = opts.env ?? process.env;
  if (env.MARZ_PROTECTION_KEY) throw new Error('The protection key comes from MARZ_PROTECTION_KEY: rotate by giving a keyring JSON with the new key as current and the old one kept, then run rotate-key with MARZ_PROTECTION_KEY_FILE instead, or re-encrypt under a key file.');
  const path = keyFilePath(dataDir, env);
  const old = loadKeyring(dataDir, env);
  const id = newKeyId();
  const next: Keyring = { current: id, keys: { ...old.keys, [id]: randomBytes(32) }, source: path };
  writeKeyFile(path, next);
  resetCipherCache();
  const cipher = new FieldCipher(next);
  let values = 0;
  await db.tx(async (c) => {
    for (const [table, fields] of Object.entries(ENCRYPTED)) {
      const blind = BLIND[table] ?? [];
      const cols = fields.map((f) => `${f}_enc`);
      let after: string | null = null;
      for (;;) {
        const idCol = ID_COLUMN[table] ?? 'id';
        const rows: any[] = (await c.query(`SELECT ${idCol} AS id, ${cols.join(', ')} FROM ${table} ${after ? `WHERE ${idCol} > $1` : ''} ORDER BY ${idCol} LIMIT 1000`, after ? [after] : [])).rows;
        if (!rows.length) break;
        after = rows[rows.length - 1].id;
        const params: unknown[][] = [rows.map((r) => r.id)];
        for (const f of fields) {
          params.push(
            rows.map((r) => {
              const plain = cipher.decrypt(r[`${f}_enc`], `${table}.${f}.${r.id}`);
              if (plain != null) values++;
              return cipher.encrypt(plain, `${table}.${f}.${r.id}`);
            }),
          );
        }
        for (const f of blind) params.push(rows.map((r) => cipher.blindIndex(f, cipher.decrypt(r[`${f}_enc`], `${table}.${f}.${r.id}`))));
        const targets = [...cols, ...blind.map((f) => `${f}_bidx`)];
        const sets = targets.map((t) => `${t} = v.${t}`).join(', ');
        await c.query(
          `UPDATE ${table} SET ${sets} FROM unnest($1::uuid[], ${targets.map((_, i) => `$${i + 2}::text[]`).join(', ')}) AS v(id, ${targets.join(', ')}) WHERE ${table}.${idCol} = v.id`,
          params,
        );
      }
    }
    // Nothing may be left under an old key.
    for (const [table, fields] of Object.entries(ENCRYPTED)) {
      for (const f of fields) {
        const left = await c.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${f}_enc IS NOT NULL AND ${f}_enc NOT LIKE $1`, [`v1.${id}.%`]);
        if (left.rows[0].n) throw new Error(`${left.rows[0].n} value(s) of ${table}.${f} are still under an old key.`);
      }
    }
    await audit(c, actor, 'protection.key.rotate', 'protection_key', id, { old_keys: Object.keys(old.keys), values });
  });
  if (opts.retire) {
    writeKeyFile(path, { current: id, keys: { [id]: next.keys[id]! }, source: path });
    resetCipherCache();
  }
  return { old_keys: Object.keys(old.keys), new_key: id, values, retired: !!opts.retire };
}
