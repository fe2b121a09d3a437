// Temporary upload files: each upload gets its own folder (mode 0700) named after the process,
// the file inside is 0600, and the folder is removed when the upload is aborted or fails, when
// its job ends, and — for a process that died without cleaning up — when Marz next starts.
import { mkdtempSync, readdirSync, rmSync, statSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';

export const UPLOAD_PREFIX = 'marz-upload-';

export interface Upload {
  dir: string;
  path: string;
  /** Removes the file and its folder (safe to call more than once). */
  remove(): void;
}

/**
 * Writes an upload stream to a private temporary file. If the stream fails (the client went
 * away), or `truncated()` says the size limit was hit, the file is removed and the error thrown.
 */
export async function receiveUpload(stream: Readable, fileName: string, truncated: () => boolean = () => false, root = tmpdir()): Promise<Upload> {
  const dir = mkdtempSync(join(root, `${UPLOAD_PREFIX}${process.pid}-`)); // created 0700
  const path = join(dir, fileName.replace(/[^A-Za-z0-9._-]/g, '_').slice(-100) || 'upload');
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    await pipeline(stream, createWriteStream(path, { mode: 0o600, flags: 'wx' }));
    if (truncated()) throw Object.assign(new Error('upload too large'), { code: 'UPLOAD_TRUNCATED' });
  } catch (e) {
    remove();
    throw e;
  }
  return { dir, path, remove };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Removes upload folders whose process is gone (or, without a process id, older than a day). */
export function sweepUploads(root = tmpdir()): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!name.startsWith(UPLOAD_PREFIX)) continue;
    const m = /^marz-upload-(\d+)-/.exec(name);
    const dir = join(root, name);
    try {
      const stale = m ? Number(m[1]) !== process.pid && !alive(Number(m[1])) : Date.now() - statSync(dir).mtimeMs > 86_400_000;
      if (stale) {
        rmSync(dir, { recursive: true, force: true });
        removed++;
      }
    } catch {
      // another process removed it, or it is not ours to remove
    }
  }
  return removed;
}
