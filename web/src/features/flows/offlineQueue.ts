// A generic offline queue in localStorage, shared by the FMR records, the survey interviews and
// the survey's non-response tallies. Saving always puts an entry here first (so it survives a
// reload or a closed tab); then the entries waiting are sent. An entry leaves the queue only
// when the server has it (the sender says `done`); an answer that the entry is not valid keeps
// it, with its problems, until it is corrected or discarded. Ids are made once, on the first
// save, so an entry resent after a lost answer is a duplicate on the server, never a second one.
//
// A refusal by the server (a 4xx other than 401, 408 and 429: out of the user's scope, not
// valid…) is never taken for a lost connection: the entry leaves the retry and is kept, with
// the server's reason, until it is corrected or discarded.
//
// An entry replaced while it was being sent (a tally incremented meanwhile) is not removed by
// the answer about the older version: each save gets a new revision, and only the revision
// that was sent is settled.
import { useEffect, useSyncExternalStore } from 'react';
import { ApiError } from '../../app/api.ts';
import type { Problem } from './api.ts';

export interface QueueEntry<T> {
  id: string;
  record: T;
  /** The user who saved it: an entry is sent only with its own user's session. */
  user: string;
  savedAt: string;
  /** Changes on every save; see above. */
  rev?: string;
  problems?: Problem[];
  lastError?: string;
}

/** What the server said about a batch: settled ids, refused ids with their problems, and an error that stopped the sending. */
export interface BatchResult {
  done: string[];
  bad: [string, Problem[]][];
  error?: string | null;
}

export interface FlushResult {
  sent: number;
  invalid: number;
  error: string | null;
}

export interface QueueOptions<T> {
  /** localStorage key. */
  key: string;
  /** Name of the Web Lock that keeps two tabs from sending at once. */
  lock: string;
  batchSize: number;
  /** Sends a batch; may throw (the whole batch then waits, with the error). */
  send: (batch: QueueEntry<T>[]) => Promise<BatchResult>;
}

export interface OfflineQueue<T> {
  readonly key: string;
  entries(): QueueEntry<T>[];
  /** Adds an entry, or replaces the entry with the same id (a corrected record). Throws when storage is full or disabled. */
  enqueue(id: string, record: T, user: string): void;
  discard(id: string): void;
  /** Sends this user's waiting entries (those without problems) in batches; one flush at a time. */
  flush(user: string): Promise<FlushResult>;
  /** The queue of one user, live (this tab and others). */
  useQueue(user: string | undefined): QueueEntry<T>[];
  /** Sends waiting entries now, when the browser comes back online, and every 30 seconds. */
  useQueueSync(user: string | undefined, onResult?: (r: FlushResult) => void): void;
}

/** The message of an error thrown while sending. */
export function errorText(e: unknown): string {
  return e instanceof ApiError ? e.message : String(e);
}

/** An API error that says the entry itself is wrong (so resending it would not help). */
export function isRefusal(e: unknown): e is ApiError {
  return e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 401 && e.status !== 408 && e.status !== 429;
}

/** Problems (one per detail when the API gave field details) from a refusal. */
export function problemsOf(e: ApiError): Problem[] {
  const one = (column: string, message: string): Problem => ({ column, value: '', code: e.code, message_en: message, message_fa: message });
  if (e.code === 'validation' && Array.isArray(e.details) && e.details.length) {
    return (e.details as { path?: string; message?: string }[]).map((d) => one(d.path ?? '', `${d.path ? d.path + ': ' : ''}${d.message ?? ''}`));
  }
  return [one('', e.message)];
}

const newRev = () => Math.random().toString(36).slice(2, 10) + Date.now().toString(36);

export function createQueue<T>(opts: QueueOptions<T>): OfflineQueue<T> {
  const { key } = opts;
  const listeners = new Set<() => void>();
  let cacheRaw: string | null = null;
  let cache: QueueEntry<T>[] = [];
  let sending: Promise<FlushResult> | null = null;

  function read(): QueueEntry<T>[] {
    let raw: string | null = null;
    try {
      raw = localStorage.getItem(key);
    } catch {
      raw = null;
    }
    if (raw === cacheRaw) return cache;
    cacheRaw = raw;
    try {
      const v = raw ? JSON.parse(raw) : [];
      cache = Array.isArray(v) ? v : [];
    } catch {
      cache = [];
    }
    return cache;
  }

  function write(entries: QueueEntry<T>[]) {
    const raw = JSON.stringify(entries);
    localStorage.setItem(key, raw); // throws when storage is full or disabled: the caller reports it
    cacheRaw = raw;
    cache = entries;
    listeners.forEach((l) => l());
  }

  function update(fn: (entries: QueueEntry<T>[]) => QueueEntry<T>[]) {
    write(fn(read()));
  }

  function subscribe(l: () => void) {
    listeners.add(l);
    const onStorage = (e: StorageEvent) => {
      if (e.key === key) l();
    };
    window.addEventListener('storage', onStorage);
    return () => {
      listeners.delete(l);
      window.removeEventListener('storage', onStorage);
    };
  }

  function enqueue(id: string, record: T, user: string) {
    const entries = read().filter((e) => e.id !== id);
    write([...entries, { id, record, user, savedAt: new Date().toISOString(), rev: newRev() }]);
  }

  function discard(id: string) {
    write(read().filter((e) => e.id !== id));
  }

  async function sendEach(batch: QueueEntry<T>[]): Promise<BatchResult> {
    const out: BatchResult = { done: [], bad: [] };
    for (const entry of batch) {
      try {
        const r = await opts.send([entry]);
        out.done.push(...r.done);
        out.bad.push(...r.bad);
        if (r.error) return { ...out, error: r.error };
      } catch (e) {
        if (isRefusal(e)) out.bad.push([entry.id, problemsOf(e)]);
        else return { ...out, error: errorText(e) };
      }
    }
    return out;
  }

  function flush(user: string): Promise<FlushResult> {
    if (sending) return sending;
    const run = async (): Promise<FlushResult> => {
      let sent = 0;
      let invalid = 0;
      for (;;) {
        const batch = read()
          .filter((e) => e.user === user && !e.problems)
          .slice(0, opts.batchSize);
        if (!batch.length) return { sent, invalid, error: null };
        let r: BatchResult;
        try {
          r = await opts.send(batch);
        } catch (e) {
          // A refusal (403 out of scope, 400…) is about the entries, not the connection: they are
          // taken out of the retry, kept with the reason for correction. A batch refused as a
          // whole is sent again one entry at a time, so only the refused ones are marked.
          r = isRefusal(e) ? (batch.length > 1 ? await sendEach(batch) : { done: [], bad: [[batch[0]!.id, problemsOf(e)]] }) : { done: [], bad: [], error: errorText(e) };
        }
        // Settle only the versions that were sent.
        const sentRev = new Map(batch.map((b) => [b.id, b.rev ?? b.savedAt]));
        const same = (x: QueueEntry<T>) => sentRev.get(x.id) === (x.rev ?? x.savedAt);
        const done = new Set(r.done);
        const bad = new Map(r.bad);
        const waiting = new Set(batch.filter((b) => !done.has(b.id) && !bad.has(b.id)).map((b) => b.id));
        update((all) =>
          all
            .filter((x) => !(done.has(x.id) && same(x)))
            .map((x) => {
              if (bad.has(x.id) && same(x)) return { ...x, problems: bad.get(x.id), lastError: undefined };
              if (r.error && waiting.has(x.id) && same(x)) return { ...x, lastError: r.error };
              return x;
            }),
        );
        sent += done.size;
        invalid += bad.size;
        if (r.error) return { sent, invalid, error: r.error };
        // Nothing was settled (an unexpected answer): stop rather than loop.
        if (done.size + bad.size === 0) return { sent, invalid, error: null };
      }
    };
    const locked = (): Promise<FlushResult> => {
      const locks = (navigator as Navigator & { locks?: LockManager }).locks;
      // One tab sends at a time (the server would count a resent entry once anyway).
      return locks ? (locks.request(opts.lock, run) as unknown as Promise<FlushResult>) : run();
    };
    sending = locked().finally(() => {
      sending = null;
    });
    return sending;
  }

  function useQueue(user: string | undefined): QueueEntry<T>[] {
    const all = useSyncExternalStore(subscribe, read, () => cache);
    return user ? all.filter((e) => e.user === user) : [];
  }

  function useQueueSync(user: string | undefined, onResult?: (r: FlushResult) => void) {
    useEffect(() => {
      if (!user) return;
      let alive = true;
      const go = () => {
        if (!read().some((e) => e.user === user && !e.problems)) return;
        void flush(user).then((r) => alive && onResult?.(r));
      };
      // Just after 'online' the network may not carry requests yet: try again a moment later.
      const online = () => {
        go();
        window.setTimeout(go, 3000);
      };
      go();
      window.addEventListener('online', online);
      const timer = window.setInterval(go, 30_000);
      return () => {
        alive = false;
        window.removeEventListener('online', online);
        window.clearInterval(timer);
      };
      // eslint-disable-next-line react-hooks/exhaustive-deps
    }, [user]);
  }

  return { key, entries: read, enqueue, discard, flush, useQueue, useQueueSync };
}
