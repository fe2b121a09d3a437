// The offline queue of FMR records. Saving a record always puts it here first (localStorage,
// so it survives a reload or a closed tab), then everything waiting is sent in one batch.
// An entry leaves the queue only when the server answers `created` or `duplicate`; an
// `invalid` answer keeps it, with its problems, until it is corrected or discarded. Ids are
// made once, on the first save, so a record resent after a lost answer is a duplicate on the
// server, never a second record.
import { useEffect, useSyncExternalStore } from 'react';
import { ApiError, post } from '../../app/api.ts';
import type { FmrInput, Problem, SubmitAnswer } from './api.ts';

export interface QueueEntry {
  id: string;
  record: FmrInput;
  /** The user who saved it: a record is sent only with its own enumerator's session. */
  user: string;
  savedAt: string;
  problems?: Problem[];
  lastError?: string;
}

const KEY = 'marz.flows.queue.v1';
const listeners = new Set<() => void>();
let cacheRaw: string | null = null;
let cache: QueueEntry[] = [];

function read(): QueueEntry[] {
  let raw: string | null = null;
  try {
    raw = localStorage.getItem(KEY);
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

function write(entries: QueueEntry[]) {
  const raw = JSON.stringify(entries);
  localStorage.setItem(KEY, raw); // throws when storage is full or disabled: the caller reports it
  cacheRaw = raw;
  cache = entries;
  listeners.forEach((l) => l());
}

function subscribe(l: () => void) {
  listeners.add(l);
  const onStorage = (e: StorageEvent) => {
    if (e.key === KEY) l();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(l);
    window.removeEventListener('storage', onStorage);
  };
}

export function queuedEntries(): QueueEntry[] {
  return read();
}

/** Adds a record to the queue, or replaces the entry with the same id (a corrected record). */
export function enqueue(record: FmrInput, user: string) {
  const entries = read().filter((e) => e.id !== record.id);
  write([...entries, { id: record.id, record, user, savedAt: new Date().toISOString() }]);
}

export function discard(id: string) {
  write(read().filter((e) => e.id !== id));
}

function update(fn: (entries: QueueEntry[]) => QueueEntry[]) {
  write(fn(read()));
}

let sending: Promise<FlushResult> | null = null;

export interface FlushResult {
  sent: number;
  invalid: number;
  error: string | null;
}

/** Sends this user's waiting records (those without problems) in batches; one flush at a time. */
export function flush(user: string): Promise<FlushResult> {
  if (sending) return sending;
  const run = async (): Promise<FlushResult> => {
    let sent = 0;
    let invalid = 0;
    for (;;) {
      const batch = read().filter((e) => e.user === user && !e.problems).slice(0, 200);
      if (!batch.length) return { sent, invalid, error: null };
      let answer: SubmitAnswer;
      try {
        answer = await post<SubmitAnswer>('/api/v1/flows/fmr', { records: batch.map((e) => e.record) });
      } catch (e) {
        const message = e instanceof ApiError ? e.message : String(e);
        const ids = new Set(batch.map((b) => b.id));
        update((all) => all.map((x) => (ids.has(x.id) ? { ...x, lastError: message } : x)));
        return { sent, invalid, error: message };
      }
      const done = new Set<string>();
      const bad = new Map<string, Problem[]>();
      for (const r of answer.results) {
        const id = r.id ?? (r.index !== undefined ? batch[r.index]?.id : undefined);
        if (!id) continue;
        if (r.result === 'created' || r.result === 'duplicate') done.add(id);
        else bad.set(id, r.problems ?? []);
      }
      sent += done.size;
      invalid += bad.size;
      update((all) => all.filter((x) => !done.has(x.id)).map((x) => (bad.has(x.id) ? { ...x, problems: bad.get(x.id), lastError: undefined } : x)));
      // Nothing was settled (an unexpected answer): stop rather than loop.
      if (done.size + bad.size === 0) return { sent, invalid, error: null };
    }
  };
  const locked = (): Promise<FlushResult> => {
    const locks = (navigator as Navigator & { locks?: LockManager }).locks;
    // One tab sends at a time (the server would count a resent record once anyway).
    return locks ? (locks.request("marz-flows-queue", run) as unknown as Promise<FlushResult>) : run();
  };
  sending = locked().finally(() => {
    sending = null;
  });
  return sending;
}

/** The queue, live (this tab and others). */
export function useQueue(user: string | undefined): QueueEntry[] {
  const all = useSyncExternalStore(subscribe, read, () => cache);
  return user ? all.filter((e) => e.user === user) : [];
}

/** Sends waiting records now, when the browser comes back online, and every 30 seconds. */
export function useQueueSync(user: string | undefined, onResult?: (r: FlushResult) => void) {
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
