// One per Marz process: runs the exercise clock's deliveries and pushes exercise events to
// the server-sent-event listeners connected to this process. State lives in the database, so
// several processes can run side by side: deliveries are claimed row by row (live.ts), and
// each hub reads the exercise_events table with a short poll (250 ms), which also sees what
// other processes wrote. The loop runs only while an exercise is running or someone listens.
import type { Database } from '../platform/db/database.ts';
import { deliverDue } from './live.ts';

export interface HubEvent {
  id: number;
  exercise_id: number;
  at: string;
  scenario_at: string | null;
  kind: string;
  teams: string[] | null;
  details: any;
  inject: null | { number: string; from: string | null; channel: string; subject: string; content: string; delivered_at: string; scenario_at: string | null };
}

export interface Listener {
  exerciseId: number;
  /** All events (controllers) or only those for one team (players). */
  team: string | null;
  full: boolean;
  send(e: HubEvent): void;
  /** Ends the connection (server shutdown). */
  end?(): void;
}

const TICK_MS = 250;
// Events are read by id; a transaction that commits after a later id was read is still
// caught by also reading the last few seconds' events (ids already sent are skipped).
const LATE_COMMIT_WINDOW = '10 seconds';

export class ExerciseHub {
  private listeners = new Set<Listener>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private stopped = false;
  private lastId = 0;
  private sent = new Map<number, number>(); // event id → time sent, for de-duplication
  private primed = false;

  constructor(private readonly db: Database) {}

  /** Makes sure the loop runs (after a clock start, a subscription, or at server start). */
  wake() {
    if (this.stopped || this.timer || this.running) return;
    this.timer = setTimeout(() => void this.tick(), 0);
    this.timer.unref?.();
  }

  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    this.wake();
    return () => this.listeners.delete(l);
  }

  get listenerCount() {
    return this.listeners.size;
  }

  /** Stops the loop and ends every open stream (their clients reconnect to another server). */
  async stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const l of this.listeners) {
      try {
        l.end?.();
      } catch {
        /* already gone */
      }
    }
    this.listeners.clear();
  }

  private async tick() {
    this.timer = null;
    this.running = true;
    let again = this.listeners.size > 0;
    try {
      await deliverDue(this.db);
      const running = await this.db.one("SELECT EXISTS (SELECT 1 FROM exercises WHERE clock_state = 'running') AS r");
      again ||= Boolean(running?.r);
      if (this.listeners.size) await this.pushEvents();
      else this.primed = false;
    } catch {
      // A lost connection or a closed database: try again on the next tick while wanted.
    } finally {
      this.running = false;
    }
    if (again && !this.stopped) {
      this.timer = setTimeout(() => void this.tick(), TICK_MS);
      this.timer.unref?.();
    }
  }

  private async pushEvents() {
    const ids = [...new Set([...this.listeners].map((l) => l.exerciseId))];
    if (!this.primed) {
      // Start from now: a new listener got the current state when it connected.
      const r = await this.db.one('SELECT coalesce(max(id), 0) AS m FROM exercise_events');
      this.lastId = Number(r.m);
      const recent = await this.db.many(`SELECT id FROM exercise_events WHERE at > clock_timestamp() - interval '${LATE_COMMIT_WINDOW}'`);
      for (const x of recent) this.sent.set(Number(x.id), Date.now());
      this.primed = true;
    }
    const { rows } = await this.db.query(
      `SELECT v.id, v.exercise_id, v.at, v.scenario_at, v.kind, v.teams, v.details,
          i.number, i.from_persona, i.channel, i.subject, i.content, i.delivered_at, i.delivered_scenario_at
       FROM exercise_events v LEFT JOIN exercise_injects i ON i.id = v.inject_id AND v.kind = 'delivered'
       WHERE v.exercise_id = ANY($1::bigint[]) AND (v.id > $2 OR v.at > clock_timestamp() - interval '${LATE_COMMIT_WINDOW}')
       ORDER BY v.id`,
      [ids, this.lastId],
    );
    const now = Date.now();
    for (const r of rows) {
      const id = Number(r.id);
      if (this.sent.has(id)) continue;
      this.sent.set(id, now);
      if (id > this.lastId) this.lastId = id;
      const e: HubEvent = {
        id,
        exercise_id: Number(r.exercise_id),
        at: new Date(r.at).toISOString(),
        scenario_at: r.scenario_at ? new Date(r.scenario_at).toISOString() : null,
        kind: r.kind,
        teams: r.teams,
        details: r.details,
        inject: r.number
          ? {
              number: r.number,
              from: r.from_persona,
              channel: r.channel,
              subject: r.subject,
              content: r.content,
              delivered_at: new Date(r.delivered_at).toISOString(),
              scenario_at: r.delivered_scenario_at ? new Date(r.delivered_scenario_at).toISOString() : null,
            }
          : null,
      };
      for (const l of this.listeners) {
        if (l.exerciseId !== e.exercise_id) continue;
        if (l.full || e.kind === 'clock' || (l.team && e.teams?.includes(l.team) && e.kind === 'delivered')) {
          try {
            l.send(e);
          } catch {
            this.listeners.delete(l);
          }
        }
      }
    }
    for (const [id, t] of this.sent) if (now - t > 30_000) this.sent.delete(id);
  }
}
