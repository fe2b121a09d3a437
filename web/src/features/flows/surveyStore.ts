// The Flow Monitoring Survey on this device: the interviews waiting to be sent, the tally of
// people who refused or were already interviewed (per FMP and day), and the question list kept
// for working without a connection. Interviews and tallies go through offline queues like the
// FMR records (offlineQueue.ts).
//
// The server keeps one refusal / already-interviewed total per FMP and day and each message
// replaces it, so this device sends its totals (not increments): the latest totals win.
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useQuery } from '@tanstack/react-query';
import { get, post } from '../../app/api.ts';
import { flowsKeys, type InterviewInput, type NonResponse, type Problem, type Question } from './api.ts';
import { createQueue, isRefusal, problemsOf, type QueueEntry } from './offlineQueue.ts';

export type InterviewEntry = QueueEntry<InterviewInput>;

/** Interviews, one request each (the API takes one at a time); a refusal keeps the entry with its problems. */
export const fmsQueue = createQueue<InterviewInput>({
  key: 'marz.flows.fms.queue.v1',
  lock: 'marz-flows-fms-queue',
  batchSize: 20,
  async send(batch) {
    const done: string[] = [];
    const bad: [string, Problem[]][] = [];
    for (const e of batch) {
      try {
        await post<{ result: 'created' | 'duplicate' }>('/api/v1/flows/fms', e.record);
        done.push(e.id);
      } catch (err) {
        if (isRefusal(err)) bad.push([e.id, problemsOf(err)]);
        else return { done, bad, error: err instanceof Error ? err.message : String(err) };
      }
    }
    return { done, bad };
  },
});

/** Non-response totals per user, FMP and day (id `user|fmp|date`). */
export const nonresponseQueue = createQueue<NonResponse>({
  key: 'marz.flows.fms.nonresponse.v1',
  lock: 'marz-flows-fms-nonresponse',
  batchSize: 20,
  async send(batch) {
    const done: string[] = [];
    const bad: [string, Problem[]][] = [];
    for (const e of batch) {
      try {
        await post('/api/v1/flows/fms/nonresponse', e.record);
        done.push(e.id);
      } catch (err) {
        if (isRefusal(err)) bad.push([e.id, problemsOf(err)]);
        else return { done, bad, error: err instanceof Error ? err.message : String(err) };
      }
    }
    return { done, bad };
  },
});

// ---- the tally kept on this device

const TALLY_KEY = 'marz.flows.fms.tally.v1';
const KEEP_DAYS = 120;
type TallyMap = Record<string, { refused: number; already_interviewed: number; at: string }>;
const tallyListeners = new Set<() => void>();
let tallyRaw: string | null = null;
let tallyCache: TallyMap = {};

function readTally(): TallyMap {
  let raw: string | null = null;
  try {
    raw = localStorage.getItem(TALLY_KEY);
  } catch {
    raw = null;
  }
  if (raw === tallyRaw) return tallyCache;
  tallyRaw = raw;
  try {
    const v = raw ? JSON.parse(raw) : {};
    tallyCache = v && typeof v === 'object' && !Array.isArray(v) ? v : {};
  } catch {
    tallyCache = {};
  }
  return tallyCache;
}

function subscribeTally(l: () => void) {
  tallyListeners.add(l);
  const onStorage = (e: StorageEvent) => {
    if (e.key === TALLY_KEY) l();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    tallyListeners.delete(l);
    window.removeEventListener('storage', onStorage);
  };
}

const tallyId = (user: string, fmp: string, date: string) => `${user}|${fmp}|${date}`;

/** Adds delta (±1) to this device's refusals or already-interviewed count and queues the new totals. Throws when storage fails. */
export function bumpTally(user: string, fmp: string, date: string, kind: 'refused' | 'already_interviewed', delta: number) {
  const all = { ...readTally() };
  const id = tallyId(user, fmp, date);
  const cur = all[id] ?? { refused: 0, already_interviewed: 0, at: '' };
  const next = { ...cur, [kind]: Math.max(0, cur[kind] + delta), at: new Date().toISOString() };
  all[id] = next;
  const cutoff = new Date(Date.now() - KEEP_DAYS * 86400_000).toISOString();
  for (const [k, v] of Object.entries(all)) if (v.at < cutoff) delete all[k];
  const raw = JSON.stringify(all);
  localStorage.setItem(TALLY_KEY, raw);
  tallyRaw = raw;
  tallyCache = all;
  tallyListeners.forEach((l) => l());
  nonresponseQueue.enqueue(id, { fmp, date, refused: next.refused, already_interviewed: next.already_interviewed }, user);
}

/** This device's tally for an FMP and day, live. */
export function useTally(user: string | undefined, fmp: string, date: string | null) {
  const all = useSyncExternalStore(subscribeTally, readTally, () => tallyCache);
  const t = user && fmp && date ? all[tallyId(user, fmp, date)] : undefined;
  return { refused: t?.refused ?? 0, already_interviewed: t?.already_interviewed ?? 0 };
}

// ---- questions, kept for offline use

const QUESTIONS_CACHE = 'marz.flows.fms.questions';

/** All configured questions (active or not), sorted; from the server, else as last seen on this device. */
export function useQuestions() {
  const q = useQuery({ queryKey: flowsKeys.questions, queryFn: ({ signal }) => get<Question[]>('/api/v1/flows/fms/questions', undefined, signal), staleTime: 60_000 });
  const [cached] = useState<Question[] | null>(() => {
    try {
      const v = JSON.parse(localStorage.getItem(QUESTIONS_CACHE) ?? 'null');
      return Array.isArray(v) ? v : null;
    } catch {
      return null;
    }
  });
  useEffect(() => {
    if (q.data) {
      try {
        localStorage.setItem(QUESTIONS_CACHE, JSON.stringify(q.data));
      } catch {
        /* full */
      }
    }
  }, [q.data]);
  const data = q.data ?? cached ?? undefined;
  return { ...q, data, isPending: !data && q.isPending, isError: !data && q.isError, fromCache: !q.data && !!cached };
}

export const byPosition = (a: Question, b: Question) => a.position - b.position || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
