// The live stream: a player connected by server-sent events gets injects addressed to their
// team as they are delivered (and nothing addressed to others); a controller gets everything.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabase, testApp } from '../platform/testing.ts';
import type { Database } from '../platform/db/database.ts';

let db: Database;
let t: Awaited<ReturnType<typeof testApp>>;
let base = '';
before(async () => {
  db = await testDatabase();
  t = await testApp(db);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as any).port}`;
});
after(async () => {
  await t.app.close();
  await db.close();
});

/** Reads server-sent events until `until` says stop (or the timeout passes). */
async function collect(cookie: string, url: string, until: (events: { event: string; data: any }[]) => boolean, ms = 8000) {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), ms);
  const events: { event: string; data: any }[] = [];
  const res = await fetch(base + url, { headers: { cookie }, signal: ctrl.signal });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  const reader = res.body!.getReader();
  let buf = '';
  const ready = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += new TextDecoder().decode(value);
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const chunk = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const ev = /^event: (.*)$/m.exec(chunk)?.[1];
          const data = /^data: (.*)$/m.exec(chunk)?.[1];
          if (ev && data) events.push({ event: ev, data: JSON.parse(data) });
          if (until(events)) {
            ctrl.abort();
            return;
          }
        }
      }
    } catch {
      /* aborted */
    }
  })();
  return { events, done: ready.finally(() => clearTimeout(timer)) };
}

test('server-sent events: each player gets only their team\'s injects, live; the controller sees all', async () => {
  const planner = await t.user([{ role: 'exercise_planner', provinces: null }]);
  const api = t.as(planner);
  assert.equal((await api('POST', '/api/v1/exercises', { code: 'SSE-1', type: 'drill', title: 'SSE', startex: '2026-03-21 09:00' })).statusCode, 201);
  for (const c of ['bafia', 'moh']) await api('POST', '/api/v1/exercises/SSE-1/teams', { code: c, name: c, agency: c });
  const users: Record<string, any> = {};
  for (const [n, role, team] of [['p1', 'player', 'bafia'], ['p2', 'player', 'moh']] as const) {
    users[n] = await t.user([]);
    const username = (await db.one('SELECT username FROM users WHERE id = $1', [users[n].id])).username;
    assert.equal((await api('POST', '/api/v1/exercises/SSE-1/participants', { role, username, team })).statusCode, 200);
  }
  await api('POST', '/api/v1/exercises/SSE-1/injects', { number: '1', time: 'D+0 H+00:00', to: ['bafia'], channel: 'message', subject: 'Only bafia', content: 'x' });
  await api('POST', '/api/v1/exercises/SSE-1/injects', { number: '2', time: 'D+0 H+00:30', to: ['moh'], channel: 'media', subject: 'Only moh', content: 'y' });

  const s1 = await collect(users.p1.cookie, '/api/v1/exercises/SSE-1/stream', (e) => e.some((x) => x.event === 'inject'));
  const s2 = await collect(users.p2.cookie, '/api/v1/exercises/SSE-1/stream', (e) => e.some((x) => x.event === 'inject'));
  const sc = await collect(planner.cookie, '/api/v1/exercises/SSE-1/stream', (e) => e.filter((x) => x.event === 'delivered').length >= 2);
  await new Promise((r) => setTimeout(r, 600)); // the hub is listening
  // The clock delivers inject 1 (at STARTEX); inject 2 is sent by hand while paused.
  assert.equal((await api('POST', '/api/v1/exercises/SSE-1/clock', { action: 'start' })).statusCode, 200);
  assert.equal((await api('POST', '/api/v1/exercises/SSE-1/clock', { action: 'pause' })).statusCode, 200);
  assert.equal((await api('POST', '/api/v1/exercises/SSE-1/injects/2/send')).statusCode, 200);
  await Promise.all([s1.done, s2.done, sc.done]);

  assert.equal(s1.events[0]!.event, 'hello');
  assert.equal(s1.events[0]!.data.mark, 'EXERCISE');
  const got = (s: typeof s1) => s.events.filter((e) => e.event === 'inject').map((e) => e.data.inject.subject);
  assert.deepEqual(got(s1), ['Only bafia']);
  assert.deepEqual(got(s2), ['Only moh']);
  assert.ok(s1.events.some((e) => e.event === 'clock'), 'players hear the clock');
  assert.equal(s1.events.find((e) => e.event === 'inject')!.data.inject.expected_action, undefined);
  assert.deepEqual(sc.events.filter((e) => e.event === 'delivered').map((e) => e.data.inject.number).sort(), ['1', '2']);
});

test('two Marz servers on one database: the clock is started on one, a player connected to the other gets the inject once', { timeout: 60_000 }, async () => {
  const other = await testApp(db); // its own hub, as another process would have; they share only the database
  await other.app.listen({ port: 0, host: '127.0.0.1' });
  const otherBase = `http://127.0.0.1:${(other.app.server.address() as any).port}`;
  try {
    const planner = await t.user([{ role: 'exercise_planner', provinces: null }]);
    const api = t.as(planner);
    assert.equal((await api('POST', '/api/v1/exercises', { code: 'SSE-2', type: 'drill', title: 'Two servers', startex: '2026-03-21 09:00' })).statusCode, 201);
    await api('POST', '/api/v1/exercises/SSE-2/teams', { code: 'bafia', name: 'bafia', agency: 'bafia' });
    const p = await t.user([]);
    const username = (await db.one('SELECT username FROM users WHERE id = $1', [p.id])).username;
    await api('POST', '/api/v1/exercises/SSE-2/participants', { role: 'player', username, team: 'bafia' });
    await api('POST', '/api/v1/exercises/SSE-2/injects', { number: '1', time: 'D+0 H+00:00:02', to: ['bafia'], channel: 'message', subject: 'Via the other server', content: 'x' });
    const saved = base;
    base = otherBase;
    // Listens for 7 s in all: the inject is due 2 s after the start; a duplicate would show.
    const s = await collect(p.cookie, '/api/v1/exercises/SSE-2/stream', () => false, 7000);
    base = saved;
    await new Promise((r) => setTimeout(r, 600));
    assert.equal((await api('POST', '/api/v1/exercises/SSE-2/clock', { action: 'start' })).statusCode, 200);
    await s.done;
    assert.deepEqual(s.events.filter((e) => e.event === 'inject').map((e) => e.data.inject.number), ['1']);
    const n = await db.one("SELECT count(*) AS n FROM exercise_events v JOIN exercises e ON e.id = v.exercise_id WHERE e.code = 'SSE-2' AND v.kind = 'delivered'");
    assert.equal(Number(n.n), 1);
    // Shutting a server down ends its open streams instead of waiting for the clients to leave.
    base = otherBase;
    const open = await collect(p.cookie, '/api/v1/exercises/SSE-2/stream', () => false, 600_000); // longer than the test may run
    base = saved;
    await new Promise((r) => setTimeout(r, 300));
    await other.app.close(); // would wait for the client (and time the test out) if the stream were left open
    await open.done;
    assert.equal(open.events[0]!.event, 'hello');
  } finally {
    await other.app.close();
  }
});
