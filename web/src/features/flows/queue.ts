// The offline queue of FMR records (see offlineQueue.ts for how every queue behaves). Saving a
// record always puts it here first (localStorage, so it survives a reload or a closed tab),
// then everything waiting is sent in batches of 200. An entry leaves the queue only when the
// server answers `created` or `duplicate`; an `invalid` answer keeps it, with its problems,
// until it is corrected or discarded.
import { post } from '../../app/api.ts';
import type { FmrInput, Problem, SubmitAnswer } from './api.ts';
import { createQueue, type FlushResult, type QueueEntry as Entry } from './offlineQueue.ts';

export type QueueEntry = Entry<FmrInput>;
export type { FlushResult };

export const fmrQueue = createQueue<FmrInput>({
  key: 'marz.flows.queue.v1',
  lock: 'marz-flows-queue',
  batchSize: 200,
  async send(batch) {
    const answer = await post<SubmitAnswer>('/api/v1/flows/fmr', { records: batch.map((e) => e.record) });
    const done: string[] = [];
    const bad: [string, Problem[]][] = [];
    for (const r of answer.results) {
      const id = r.id ?? (r.index !== undefined ? batch[r.index]?.id : undefined);
      if (!id) continue;
      if (r.result === 'created' || r.result === 'duplicate') done.push(id);
      else bad.push([id, r.problems ?? []]);
    }
    return { done, bad };
  },
});

export function queuedEntries(): QueueEntry[] {
  return fmrQueue.entries();
}

/** Adds a record to the queue, or replaces the entry with the same id (a corrected record). */
export function enqueue(record: FmrInput, user: string) {
  fmrQueue.enqueue(record.id, record, user);
}

export const discard = (id: string) => fmrQueue.discard(id);

/** Sends this user's waiting records (those without problems) in batches; one flush at a time. */
export const flush = (user: string) => fmrQueue.flush(user);

/** The queue, live (this tab and others). */
export const useQueue = (user: string | undefined) => fmrQueue.useQueue(user);

/** Sends waiting records now, when the browser comes back online, and every 30 seconds. */
export const useQueueSync = (user: string | undefined, onResult?: (r: FlushResult) => void) => fmrQueue.useQueueSync(user, onResult);
