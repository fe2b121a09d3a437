// Exercises (issue 13, item 4): inject delivery to connected players. 100 players hold a
// server-sent-event stream each (GET /api/v1/exercises/:code/stream), in four teams; the clock
// is started and injects fall due every 2 seconds of scenario time, half of them addressed to
// all four teams and half to one team only. Measured: for every (player, inject) pair that
// should arrive, the wall time from the inject's scheduled time (clock start + its offset) to
// the event reaching the player. Target: p99 ≤ 2 s. Checks: every addressee got every inject
// once, and no player got an inject addressed to another team.
//
// The players' connections run in this process beside the server (as autocannon's would not for
// SSE), so the figure includes the clients' own work; the delivery loop polls every 250 ms.
//
// To register (bench/, the lead's): add 'exercises' to ScenarioName and SCENARIOS in
// bench/lib/types.ts, `case 'exercises': return (await import('./scenarios/exercises.ts')).run(spec, log);`
// in bench/child.ts, and a plan entry in bench/run.ts (records: 0, it uses freshDatabase;
// runs: 1; options { players: 100, injects: quick 6, full 20 }; timeout 180 s).
import { randomUUID } from 'node:crypto';
import { freshDatabase } from '../lib/engines.ts';
import { startApp } from '../lib/app.ts';
import { createSession } from '../../src/platform/auth/sessions.ts';
import { percentile, round, stats } from '../lib/measure.ts';
import type { Measurement, ScenarioResult, ScenarioSpec } from '../lib/types.ts';

const TEAMS = ['t1', 't2', 't3', 't4'];
const STEP_S = 2;
export const TARGET_P99_MS = 2000;

interface Player {
  id: string;
  team: string;
  cookie: string;
  got: Map<string, number>; // inject number → arrival (epoch ms)
  extra: string[]; // injects received that were not addressed to the team, or twice
}

/** Opens a player's stream and records each inject event's arrival time; resolves when connected. */
async function listen(url: string, p: Player, signal: AbortSignal): Promise<void> {
  const res = await fetch(url, { headers: { cookie: p.cookie, accept: 'text/event-stream' }, signal });
  if (res.status !== 200) throw new Error(`stream: ${res.status}`);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  let hello: () => void = () => {};
  const connected = new Promise<void>((r) => (hello = r));
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += decoder.decode(value, { stream: true });
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const chunk = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const now = Date.now();
          if (chunk.startsWith('event: hello')) hello();
          if (!chunk.startsWith('event: inject')) continue;
          const data = JSON.parse(/^data: (.*)$/m.exec(chunk)![1]!);
          const n = data.inject.number as string;
          if (p.got.has(n)) p.extra.push(n);
          else p.got.set(n, now);
        }
      }
    } catch {
      /* aborted at the end */
    }
  })();
  return connected;
}

export async function run(spec: ScenarioSpec, log: (s: string) => void): Promise<Partial<ScenarioResult>> {
  const playersN = spec.options.players ?? 100;
  const injectsN = spec.options.injects ?? (spec.quick ? 6 : 20);
  const db = await freshDatabase(spec.engine, 10);
  const ctrl = new AbortController();
  try {
    // People: a planner and the players, made directly in the database (no password hashing).
    const mkUser = async (name: string) => {
      const id = randomUUID();
      await db.query('INSERT INTO users (id, username, display_name, password_hash) VALUES ($1, $2, $2, $3)', [id, name, 'bench-no-sign-in']);
      const s = await createSession(db, id, 2, '127.0.0.1', 'marz-bench');
      return { id, cookie: `marz_session=${s.token}`, csrf: s.csrf };
    };
    const planner = await mkUser('bench-exercise-planner');
    await db.query("INSERT INTO role_assignments (user_id, role_id) SELECT $1, id FROM roles WHERE code = 'exercise_planner'", [planner.id]);
    const ex = (await db.one("INSERT INTO exercises (code, type, title, startex) VALUES ('BENCH', 'functional', 'Bench exercise', now()) RETURNING id"))!.id;
    const teamIds: Record<string, number> = {};
    for (const t of TEAMS) teamIds[t] = Number((await db.one('INSERT INTO exercise_teams (exercise_id, code, name) VALUES ($1, $2, $2) RETURNING id', [ex, t]))!.id);
    const players: Player[] = [];
    for (let i = 0; i < playersN; i++) {
      const u = await mkUser(`bench-player-${i}`);
      const team = TEAMS[i % TEAMS.length]!;
      await db.query("INSERT INTO exercise_participants (exercise_id, user_id, name, role, team_id) VALUES ($1, $2, $3, 'player', $4)", [ex, u.id, `player ${i}`, teamIds[team]]);
      players.push({ id: u.id, team, cookie: u.cookie, got: new Map(), extra: [] });
    }
    // Injects every STEP_S seconds from STEP_S on; odd ones to every team, even ones to t1 only.
    const addressed: Record<string, string[]> = {};
    for (let k = 1; k <= injectsN; k++) {
      const to = k % 2 ? TEAMS : ['t1'];
      addressed[String(k)] = to;
      await db.query(
        "INSERT INTO exercise_injects (exercise_id, number, offset_seconds, to_teams, channel, subject, content) VALUES ($1, $2, $3, $4, 'message', $5, 'Bench inject')",
        [ex, String(k), k * STEP_S, to, `Inject ${k}`],
      );
    }

    const server = await startApp(db);
    try {
      await Promise.all(players.map((p) => listen(`${server.url}/api/v1/exercises/BENCH/stream`, p, ctrl.signal)));
      log(`${playersN} players connected; starting the clock (${injectsN} injects, one every ${STEP_S} s)`);
      const start = await fetch(`${server.url}/api/v1/exercises/BENCH/clock`, {
        method: 'POST',
        headers: { cookie: planner.cookie, 'x-csrf-token': planner.csrf, 'content-type': 'application/json' },
        body: JSON.stringify({ action: 'start' }),
      });
      if (start.status !== 200) throw new Error(`clock start: ${start.status} ${await start.text()}`);
      const wall0 = new Date((await db.one('SELECT clock_wall FROM exercises WHERE id = $1', [ex]))!.clock_wall).getTime();
      const expected = players.reduce((n, p) => n + Object.values(addressed).filter((to) => to.includes(p.team)).length, 0);
      const deadline = wall0 + (injectsN * STEP_S + 30) * 1000;
      const received = () => players.reduce((n, p) => n + p.got.size, 0);
      while (received() < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));

      const latencies: number[] = [];
      let missing = 0;
      let misdelivered = 0;
      for (const p of players) {
        for (const [n, to] of Object.entries(addressed)) {
          const at = p.got.get(n);
          if (!to.includes(p.team)) {
            if (at !== undefined) misdelivered++;
            continue;
          }
          if (at === undefined) missing++;
          else latencies.push(at - (wall0 + Number(n) * STEP_S * 1000));
        }
        misdelivered += p.extra.length;
      }
      const s = stats(latencies);
      const p99 = percentile(latencies, 99);
      log(`deliveries ${latencies.length}/${expected}, missing ${missing}, misdelivered ${misdelivered}; after scheduled time: p50 ${round(percentile(latencies, 50))} ms, p99 ${round(p99)} ms, max ${round(s.max)} ms`);
      const m: Measurement = {
        name: `inject delivery to ${playersN} SSE players (after scheduled time)`,
        median_ms: s.median,
        min_ms: s.min,
        max_ms: s.max,
        runs: latencies.length,
        p50_ms: percentile(latencies, 50),
        p95_ms: percentile(latencies, 95),
        p99_ms: p99,
        target: `p99 ≤ ${TARGET_P99_MS} ms, every addressee, no other team`,
        met: p99 <= TARGET_P99_MS && missing === 0 && misdelivered === 0,
        note: `${missing} missing, ${misdelivered} misdelivered`,
      };
      return { measurements: [m], details: { players: playersN, injects: injectsN, expected, missing, misdelivered } };
    } finally {
      ctrl.abort();
      await server.close();
    }
  } finally {
    await db.close();
  }
}
