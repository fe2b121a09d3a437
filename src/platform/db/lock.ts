// PGlite has no lock of its own on its data directory (electric-sql/pglite#1106): opening it
// from two processes corrupts it. The server holds this lock file; a second opener is refused
// with the holder's pid, and CLI commands reach the live database through its socket instead.
import { mkdirSync, openSync, writeSync, closeSync, readFileSync, unlinkSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export interface LockInfo {
  pid: number;
  command: string;
  startedAt: string;
  socketDir: string | null;
}

export class DataDirLocked extends Error {
  constructor(public readonly holder: LockInfo, dataDir: string) {
    super(
      `The data directory ${dataDir} is in use by process ${holder.pid} ("marz ${holder.command}", started ${holder.startedAt}). ` +
        `Stop that process first, or set MARZ_DATA_DIR to another directory.`,
    );
  }
}

export function lockPath(dataDir: string) {
  return join(dataDir, 'marz.lock');
}

function alive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Returns the live holder of the lock, or null (a stale lock from a crashed process is ignored). */
export function readLock(dataDir: string): LockInfo | null {
  const p = lockPath(dataDir);
  if (!existsSync(p)) return null;
  try {
    const info = JSON.parse(readFileSync(p, 'utf8')) as LockInfo;
    return alive(info.pid) && info.pid !== process.pid ? info : null;
  } catch {
    return null;
  }
}

export function acquireLock(dataDir: string, command: string, socketDir: string | null): () => void {
  mkdirSync(dataDir, { recursive: true });
  const p = lockPath(dataDir);
  const info: LockInfo = { pid: process.pid, command, startedAt: new Date().toISOString(), socketDir };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(p, 'wx');
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          unlinkSync(p);
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = readLock(dataDir);
      if (holder) throw new DataDirLocked(holder, dataDir);
      unlinkSync(p); // stale: its process is gone
    }
  }
  throw new Error(`Could not lock ${dataDir}`);
}
