// Checking the audit trail's hash chain (src/migrations/0004_audit_chain.sql, docs/AUDIT.md).
// The database computes each entry's hash as it is inserted; checking recomputes every hash
// with the same SQL function, so there is one definition of what is hashed.
import { readFileSync, writeFileSync, renameSync, existsSync } from 'node:fs';
import type { Queryable } from '../db/database.ts';

export interface ChainHead {
  seq: number;
  hash: string | null;
}

export type BreakReason = 'rewritten' | 'link' | 'gap' | 'head' | 'checkpoint';

export interface ChainBreak {
  reason: BreakReason;
  /** The entry at which the chain breaks (null when entries at the end are missing). */
  id: number | null;
  seq: number;
  message: string;
}

export interface ChainReport {
  ok: boolean;
  entries: number;
  head: ChainHead;
  broken: ChainBreak | null;
}

/** The head as the chain's own rows say (last entry), not as the head table says. */
export async function chainHead(q: Queryable): Promise<ChainHead> {
  const r = (await q.query('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1')).rows[0];
  return r ? { seq: Number(r.seq), hash: r.hash } : { seq: 0, hash: null };
}

/**
 * Recomputes every entry's hash and link, in chain order, and names the first broken link;
 * then checks the chain still ends where the head table (kept by the insert trigger) says,
 * and, when given, contains a checkpoint taken earlier (from a backup header or a checkpoint
 * file kept outside the database).
 */
export async function verifyChain(q: Queryable, checkpoint?: ChainHead | null): Promise<ChainReport> {
  const bad = (
    await q.query(`
      WITH c AS (
        SELECT a.id, a.seq, a.hash, a.prev_hash, audit_entry_hash(a) AS expected,
               lag(a.hash) OVER w AS prev, row_number() OVER w AS n
          FROM audit_log a WINDOW w AS (ORDER BY a.seq NULLS FIRST, a.id))
      SELECT id, seq, n, hash IS DISTINCT FROM expected AS rewritten, prev_hash IS DISTINCT FROM prev AS link,
             seq IS DISTINCT FROM n AS gap
        FROM c
       WHERE hash IS DISTINCT FROM expected OR prev_hash IS DISTINCT FROM prev OR seq IS DISTINCT FROM n
       ORDER BY n LIMIT 1`)
  ).rows[0];
  const entries = Number((await q.query('SELECT count(*) AS n FROM audit_log')).rows[0].n);
  const head = await chainHead(q);
  const report = (broken: ChainBreak | null): ChainReport => ({ ok: !broken, entries, head, broken });
  if (bad) {
    const id = Number(bad.id);
    const seq = bad.seq == null ? Number(bad.n) : Number(bad.seq);
    if (bad.gap) return report({ reason: 'gap', id, seq, message: `entry #${id} is at position ${seq} but is the chain's entry ${bad.n}: entries before it were removed or inserted out of band` });
    if (bad.rewritten) return report({ reason: 'rewritten', id, seq, message: `entry #${id} (position ${seq}) does not match its hash: it was changed after it was written` });
    return report({ reason: 'link', id, seq, message: `entry #${id} (position ${seq}) does not follow the entry before it: an entry before it was changed or removed` });
  }
  const stored = (await q.query('SELECT seq, hash FROM audit_chain_head WHERE singleton')).rows[0];
  if (!stored) return report({ reason: 'head', id: null, seq: head.seq, message: 'the chain head record is missing' });
  if (Number(stored.seq) !== head.seq || stored.hash !== head.hash) {
    const missing = Number(stored.seq) - head.seq;
    return report({
      reason: 'head',
      id: null,
      seq: head.seq,
      message:
        missing > 0
          ? `the chain ends at position ${head.seq} but its head says ${stored.seq}: the last ${missing} entries were removed`
          : `the chain ends at position ${head.seq} but its head says ${stored.seq}: the head was changed`,
    });
  }
  if (checkpoint && checkpoint.seq > 0) {
    const at = (await q.query('SELECT id, hash FROM audit_log WHERE seq = $1', [checkpoint.seq])).rows[0];
    if (!at) {
      return report({ reason: 'checkpoint', id: null, seq: checkpoint.seq, message: `the checkpoint names position ${checkpoint.seq}, but the chain ends at ${head.seq}: entries after ${head.seq} were removed` });
    }
    if (at.hash !== checkpoint.hash) {
      return report({ reason: 'checkpoint', id: Number(at.id), seq: checkpoint.seq, message: `entry #${at.id} (position ${checkpoint.seq}) is not the one the checkpoint recorded: the chain up to it was rewritten` });
    }
  }
  return report(null);
}

// ---- checkpoints kept outside the database

const CHECKPOINT_FORMAT = 'marz-audit-checkpoint';

/** A checkpoint file's head, or null when the file does not exist yet. */
export function readCheckpoint(file: string): ChainHead | null {
  if (!existsSync(file)) return null;
  const j = JSON.parse(readFileSync(file, 'utf8'));
  if (j?.format !== CHECKPOINT_FORMAT || !Number.isInteger(j.seq) || (j.hash !== null && typeof j.hash !== 'string')) throw new Error(`${file} is not a Marz audit checkpoint`);
  return { seq: j.seq, hash: j.hash };
}

export function writeCheckpoint(file: string, head: ChainHead, entries: number) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ format: CHECKPOINT_FORMAT, seq: head.seq, hash: head.hash, entries, at: new Date().toISOString() }) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
}
