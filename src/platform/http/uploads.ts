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

/**
 * A multipart body that is complete but lacks its closing boundary can leave the file stream
 * open forever, and the upload file with it: @fastify/multipart destroys the stream silently (no
 * 'error', no 'close') when the parser fails before the route listens. This watches the stream:
 * destroyed without having ended, or idle for five seconds after the whole request was read, it
 * is given an error, so the upload is refused and its file removed.
 */
export function endStalledUpload(raw: { readableEnded: boolean }, file: NodeJS.EventEmitter & { destroy(e?: Error): void; readableEnded: boolean; destroyed: boolean; readableLength: number; bytesRead?: number }, idleMs = 5000) {
  let last = Date.now();
  let seen = '';
  const timer = setInterval(() => {
    if (file.readableEnded) return clearInterval(timer);
    const now = `${file.bytesRead}/${file.readableLength}`; // parsed and not yet consumed
    if (now !== seen) (seen = now), (last = Date.now());
    if (file.destroyed || (raw.readableEnded && Date.now() - last > idleMs)) {
      clearInterval(timer);
      const error = Object.assign(new Error('the upload ended before its closing boundary'), { code: 'UPLOAD_INCOMPLETE' });
      // multipart keeps an 'error' listener on the stream, so this never goes unheard
      if (file.destroyed) file.listenerCount('error') && file.emit('error', error);
      else file.destroy(error);
    }
  }, 500);
  timer.unref();
}
